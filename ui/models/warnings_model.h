// The warnings dock: the report's non-fatal findings (kind, subject, detail).
#pragma once

#include <quantlens/verify_report.h>

#include "ui/job_runner.h"
#include "ui/models/row_table_model.h"

namespace ql::ui {

class WarningsModel : public RowTableModel<ReportWarning> {
public:
    explicit WarningsModel(QObject* parent = nullptr);
    void setReport(const ReportPtr& report);
};

}  // namespace ql::ui
