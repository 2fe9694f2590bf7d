#include "ui/plots/module_metric.h"

#include <QObject>

#include "ui/format.h"
#include "ui/metric_help.h"

namespace ql::ui {

QString metricName(ModuleMetric metric) {
    switch (metric) {
        case ModuleMetric::MaxAbs:
            return QObject::tr("max |Δ|");
        case ModuleMetric::Sqnr:
            return QObject::tr("SQNR (dB)");
        case ModuleMetric::Differing:
            return QObject::tr("differing elements");
    }
    return {};
}

QString metricToolTip(ModuleMetric metric) {
    switch (metric) {
        case ModuleMetric::MaxAbs:
            return metricHelp::kMaxAbs;
        case ModuleMetric::Sqnr:
            return metricHelp::kSqnr;
        case ModuleMetric::Differing:
            return metricHelp::kDiffering;
    }
    return {};
}

double metricValue(const WeightModuleResult& module, ModuleMetric metric) {
    switch (metric) {
        case ModuleMetric::MaxAbs:
            return module.diff.maxAbs;
        case ModuleMetric::Sqnr:
            return module.diff.sqnrDb;
        case ModuleMetric::Differing:
            return static_cast<double>(module.diff.differing);
    }
    return 0.0;
}

QString formatMetric(double value, ModuleMetric metric) {
    switch (metric) {
        case ModuleMetric::MaxAbs:
            return formatNumber(value);
        case ModuleMetric::Sqnr:
            return formatDb(value);
        case ModuleMetric::Differing:
            return formatCount(static_cast<std::uint64_t>(value));
    }
    return {};
}

bool isIdentical(const WeightModuleResult& module) {
    return module.diff.differing == 0;
}

bool metricUsesLogScale(ModuleMetric metric) {
    return metric != ModuleMetric::Sqnr;
}

bool lowerIsWorse(ModuleMetric metric) {
    return metric == ModuleMetric::Sqnr;
}

QString moduleToolTip(const WeightModuleResult& module, ModuleMetric metric) {
    const QString value =
        isIdentical(module) ? QObject::tr("bit-identical") : formatMetric(metricValue(module, metric), metric);
    return QObject::tr("%1\n%2: %3 · %4\nclick to open the drill-down")
        .arg(qs(module.module), metricName(metric), value,
             module.pass ? QObject::tr("within tolerance") : QObject::tr("out of tolerance"));
}

}  // namespace ql::ui
