// The per-module metric the Weights overview draws, its axis kind and the "identical" test: a
// bit-identical module has max |Δ| = 0 and SQNR = +∞, which no log or dB axis can place, so views
// draw it as a separate mark instead of as a value.
#pragma once

#include <quantlens/verify_report.h>

#include <QString>

namespace ql::ui {

enum class ModuleMetric { MaxAbs, Sqnr, Differing };

QString metricName(ModuleMetric metric);     // "max |Δ|", "SQNR (dB)", "differing elements"
QString metricToolTip(ModuleMetric metric);  // the definition
double metricValue(const WeightModuleResult& module, ModuleMetric metric);  // raw (SQNR may be +inf)
QString formatMetric(double value, ModuleMetric metric);
bool isIdentical(const WeightModuleResult& module);  // effective weights bit-identical
bool metricUsesLogScale(ModuleMetric metric);        // max |Δ| and counts span decades; dB does not
bool lowerIsWorse(ModuleMetric metric);              // SQNR: lower is worse
// What hovering a module's mark shows: its name, the metric's value and its verdict.
QString moduleToolTip(const WeightModuleResult& module, ModuleMetric metric);

}  // namespace ql::ui
