// The Weights tab's table: one row per quantized module with its train-vs-eval weight metrics.
#pragma once

#include <quantlens/verify_report.h>

#include "ui/job_runner.h"
#include "ui/models/row_table_model.h"

namespace ql::ui {

class WeightModulesModel : public RowTableModel<WeightModuleResult> {
public:
    enum ColumnIndex {
        Module,
        Layer,
        Type,
        Shape,
        Group,
        MaxAbs,
        MeanAbs,
        Rmse,
        Sqnr,
        Cosine,
        Differing,
        LoraDelta,
        Verdict
    };
    explicit WeightModulesModel(QObject* parent = nullptr);
    void setReport(const ReportPtr& report);
};

QString shapeText(const std::vector<std::int64_t>& shape);  // "[256, 512]"

}  // namespace ql::ui
