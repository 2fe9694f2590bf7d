// The drill-down's table of the largest |Δ| elements of one module.
#pragma once

#include <quantlens/verify_report.h>

#include "ui/job_runner.h"
#include "ui/models/row_table_model.h"

namespace ql::ui {

class WorstElementsModel : public RowTableModel<WorstElement> {
public:
    explicit WorstElementsModel(QObject* parent = nullptr);
    // Shows the worst elements of weights->modules[moduleIndex]; empty when out of range.
    void setModule(const ReportPtr& report, int moduleIndex);
};

}  // namespace ql::ui
