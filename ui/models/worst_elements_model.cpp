#include "ui/models/worst_elements_model.h"

#include <cmath>

#include "ui/format.h"

namespace ql::ui {

WorstElementsModel::WorstElementsModel(QObject* parent) : RowTableModel(parent) {
    using W = WorstElement;
    setColumns({
        {tr("Row"), tr("output feature"), [](const W& w) { return static_cast<qlonglong>(w.row); }, {}, true},
        {tr("Col"),
         tr("input feature (group = col / group size)"),
         [](const W& w) { return static_cast<qlonglong>(w.col); },
         {},
         true},
        {tr("Original"), tr("unquantized weight (+ LoRA when merged)"),
         [](const W& w) { return formatNumber(w.original); }, [](const W& w) { return w.original; }, true},
        {tr("Train"), tr("train side's effective weight"), [](const W& w) { return formatNumber(w.train); },
         [](const W& w) { return w.train; }, true},
        {tr("Eval"), tr("eval side's effective weight"), [](const W& w) { return formatNumber(w.eval); },
         [](const W& w) { return w.eval; }, true},
        {tr("|Δ|"), tr("|train − eval|"), [](const W& w) { return formatNumber(std::fabs(w.train - w.eval)); },
         [](const W& w) { return std::fabs(w.train - w.eval); }, true},
    });
}

void WorstElementsModel::setModule(const ReportPtr& report, int moduleIndex) {
    if (!report || !report->weights || moduleIndex < 0 ||
        moduleIndex >= static_cast<int>(report->weights->modules.size())) {
        setRows({});
        return;
    }
    setRows(Rows(report, &report->weights->modules[moduleIndex].worst));
}

}  // namespace ql::ui
