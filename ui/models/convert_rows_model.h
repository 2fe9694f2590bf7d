// The Layers tab: module types, dtypes and bytes before vs after convert, and fake-vs-real dequant.
#pragma once

#include <quantlens/verify_report.h>

#include "ui/job_runner.h"
#include "ui/models/row_table_model.h"

namespace ql::ui {

class ConvertRowsModel : public RowTableModel<ConvertModuleRow> {
public:
    enum ColumnIndex {
        Module,
        TypeBefore,
        TypeAfter,
        DtypeBefore,
        DtypeAfter,
        Shape,
        BytesBefore,
        BytesAfter,
        Compression,
        Codes,
        ScalesRounded,
        DequantMaxAbs
    };
    explicit ConvertRowsModel(QObject* parent = nullptr);
    void setReport(const ReportPtr& report);  // the first deployment's rows
    // The rows of one deployment of the convert check (`rows` lives inside `report`).
    void setDeploymentRows(const ReportPtr& report, const std::vector<ConvertModuleRow>* rows);
};

}  // namespace ql::ui
