// The Layers tab: module types, dtypes and bytes before vs after convert, and fake-vs-real dequant.
#pragma once

#include <quantlens/verify_report.h>

#include "ui/job_runner.h"
#include "ui/models/row_table_model.h"

namespace ql::ui {

class ConvertRowsModel : public RowTableModel<ConvertModuleRow> {
public:
    explicit ConvertRowsModel(QObject* parent = nullptr);
    void setReport(const ReportPtr& report);
};

}  // namespace ql::ui
