// The Config tab's side-by-side table: one row per compared field; differing rows are tinted
// (red: changes numerics, amber: no effect) and carry the explanation as tooltip; a numerics-changing
// field shows its measured effect when reverted alone (the diagnosis).
#pragma once

#include <quantlens/verify_report.h>

#include "ui/job_runner.h"
#include "ui/models/row_table_model.h"

namespace ql::ui {

class ConfigDiffModel : public RowTableModel<ConfigFieldDiff> {
public:
    enum ColumnIndex { Field, Train, Eval, Verdict, MeasuredEffect, Explanation };
    explicit ConfigDiffModel(QObject* parent = nullptr);
    void setReport(const ReportPtr& report);

private:
    ReportPtr m_report;
};

}  // namespace ql::ui
