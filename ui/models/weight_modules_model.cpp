#include "ui/models/weight_modules_model.h"

#include <QColor>

#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/module_names.h"
#include "ui/report_views.h"

namespace ql::ui {

QString shapeText(const std::vector<std::int64_t>& shape) {
    QStringList parts;
    for (std::int64_t dim : shape) {
        parts << QString::number(dim);
    }
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

WeightModulesModel::WeightModulesModel(QObject* parent) : RowTableModel(parent) {
    using M = WeightModuleResult;
    setColumns({
        {tr("Module"), {}, [](const M& m) { return qs(m.module); }},
        {tr("Layer"), tr("decoder layer index (—: outside the decoder stack, e.g. lm_head)"),
         [](const M& m) { return layerText(m.layerIndex); }, [](const M& m) { return m.layerIndex; }, true},
        {tr("Type"), {}, [](const M& m) { return qs(m.layerType); }},
        {tr("Shape"), tr("[out features, in features]"), [](const M& m) { return shapeText(m.shape); }},
        {tr("Group"),
         tr("group size of the fake quant: one number when both sides use it, else train / eval (0: not grouped)"),
         [](const M& m) { return groupSizesText(m, GroupSizesForm::Short); }, [](const M& m) { return m.groupSize; },
         true},
        {tr("max |Δ|"), metricHelp::kMaxAbs, [](const M& m) { return formatNumber(m.diff.maxAbs); },
         [](const M& m) { return m.diff.maxAbs; }, true},
        {tr("mean |Δ|"), metricHelp::kMeanAbs, [](const M& m) { return formatNumber(m.diff.meanAbs); },
         [](const M& m) { return m.diff.meanAbs; }, true},
        {tr("RMSE"), metricHelp::kRmse, [](const M& m) { return formatNumber(m.diff.rmse); },
         [](const M& m) { return m.diff.rmse; }, true},
        {tr("SQNR"), metricHelp::kSqnr, [](const M& m) { return formatDb(m.diff.sqnrDb); },
         [](const M& m) { return m.diff.sqnrDb; }, true},
        {tr("cosine"), metricHelp::kCosine, [](const M& m) { return QString::number(m.diff.cosine, 'f', 6); },
         [](const M& m) { return m.diff.cosine; }, true},
        {tr("differing"), metricHelp::kDiffering, [](const M& m) { return formatCount(m.diff.differing); },
         [](const M& m) { return static_cast<qulonglong>(m.diff.differing); }, true},
        {tr("LoRA |ΔW| max"), metricHelp::kLoraDelta, [](const M& m) { return formatNumber(m.loraDeltaMaxAbs); },
         [](const M& m) { return m.loraDeltaMaxAbs; }, true},
        {tr("Verdict"), tr("within or out of the weight tolerance (bit-identical when differing is 0)"),
         [](const M& m) { return m.pass ? tr("✓ within") : tr("✗ out"); }},
    });
    setRowBrush([](const M& m) { return m.pass ? QVariant() : QVariant(QBrush(QColor(0xff, 0xeb, 0xee))); });
}

void WeightModulesModel::setReport(const ReportPtr& report) {
    setRows(report && report->weights ? Rows(report, &report->weights->modules) : Rows());
}

}  // namespace ql::ui
