#include "ui/compare/compare_models.h"

#include <QColor>
#include <cmath>
#include <limits>

#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/models/check_summary_model.h"
#include "ui/module_names.h"

namespace ql::ui {

namespace {
QVariant metric(const std::optional<DiffMetrics>& d, double DiffMetrics::*field) {
    return d ? QVariant((*d).*field) : QVariant();
}

QString metricText(const std::optional<DiffMetrics>& d, double DiffMetrics::*field, bool db) {
    if (!d) return QObject::tr("absent");
    return db ? formatDb((*d).*field) : formatNumber((*d).*field);
}

QString verdictText(const std::optional<bool>& pass) {
    return !pass ? QObject::tr("absent") : (*pass ? QObject::tr("✓ within") : QObject::tr("✗ out"));
}

// B's max |Δ| over A's; 1 when both are 0, +∞ when only A is 0.
double ratio(const ModuleDelta& m) {
    if (!m.a || !m.b) return std::numeric_limits<double>::quiet_NaN();
    if (m.a->maxAbs == 0) return m.b->maxAbs == 0 ? 1.0 : std::numeric_limits<double>::infinity();
    return m.b->maxAbs / m.a->maxAbs;
}

QVariant brushFor(bool worse, bool better) {
    if (worse) return QBrush(QColor(0xff, 0xcd, 0xd2));
    if (better) return QBrush(QColor(0xc8, 0xe6, 0xc9));
    return {};
}
}  // namespace

QString changeText(bool worse, bool better) {
    return worse ? QObject::tr("✗ worse") : (better ? QObject::tr("✓ better") : QString());
}

CompareChecksModel::CompareChecksModel(QObject* parent) : RowTableModel(parent) {
    using C = CheckChange;
    const auto status = [](const std::optional<CheckStatus>& s) {
        return s ? statusSymbol(*s) : QObject::tr("absent");
    };
    setColumns({
        {tr("Check"), {}, [](const C& c) { return checkTitle(c.kind); }},
        {tr("A"), tr("verdict in report A (before)"), [status](const C& c) { return status(c.a); }},
        {tr("B"), tr("verdict in report B (after)"), [status](const C& c) { return status(c.b); }},
        {tr("Change"), tr("worse: pass or skipped in A, fail or error in B"),
         [](const C& c) { return changeText(c.worse, c.better); }},
    });
    setRowBrush([](const C& c) { return brushFor(c.worse, c.better); });
}

void CompareChecksModel::setComparison(const ComparisonPtr& comparison) {
    setRows(comparison ? Rows(comparison, &comparison->checks) : Rows());
}

CompareDeploymentsModel::CompareDeploymentsModel(QObject* parent) : RowTableModel(parent) {
    using D = DeploymentDelta;
    const auto verdict = [](const std::optional<bool>& pass) {
        return !pass ? QObject::tr("absent") : (*pass ? QObject::tr("✓ pass") : QObject::tr("✗ fail"));
    };
    const auto percent = [](const std::optional<double>& v) { return v ? formatPercent(*v) : QObject::tr("absent"); };
    const auto number = [](const std::optional<double>& v) { return v ? formatNumber(*v) : QObject::tr("absent"); };
    const auto raw = [](const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); };
    setColumns({
        {tr("Convert deployment"), {}, [](const D& d) { return qs(d.title.empty() ? d.id : d.title); }},
        {tr("A"), tr("the deployment's verdict in report A (before)"),
         [verdict](const D& d) { return verdict(d.passA); }},
        {tr("B"), tr("the deployment's verdict in report B (after)"),
         [verdict](const D& d) { return verdict(d.passB); }},
        {tr("argmax A"),
         {},
         [percent](const D& d) { return percent(d.argmaxA); },
         [raw](const D& d) { return raw(d.argmaxA); },
         true},
        {tr("argmax B"),
         {},
         [percent](const D& d) { return percent(d.argmaxB); },
         [raw](const D& d) { return raw(d.argmaxB); },
         true},
        {tr("logits max |Δ| A"),
         {},
         [number](const D& d) { return number(d.logitsMaxAbsA); },
         [raw](const D& d) { return raw(d.logitsMaxAbsA); },
         true},
        {tr("logits max |Δ| B"),
         {},
         [number](const D& d) { return number(d.logitsMaxAbsB); },
         [raw](const D& d) { return raw(d.logitsMaxAbsB); },
         true},
        {tr("Change"), tr("worse: the deployment passes in A and fails in B"),
         [](const D& d) { return changeText(d.worse(), d.better()); }},
    });
    setRowBrush([](const D& d) { return brushFor(d.worse(), d.better()); });
}

void CompareDeploymentsModel::setComparison(const ComparisonPtr& comparison) {
    setRows(comparison ? Rows(comparison, &comparison->deployments) : Rows());
}

CompareNumbersModel::CompareNumbersModel(QObject* parent) : RowTableModel(parent) {
    using S = ScalarDelta;
    const auto value = [](const std::optional<double>& v) { return v ? formatNumber(*v) : QObject::tr("absent"); };
    const auto raw = [](const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); };
    setColumns({
        {tr("Number"), {}, [this](const S& s) { return numberName(s); }},
        {tr("A"), tr("in report A (before)"), [value](const S& s) { return value(s.a); },
         [raw](const S& s) { return raw(s.a); }, true},
        {tr("B"), tr("in report B (after)"), [value](const S& s) { return value(s.b); },
         [raw](const S& s) { return raw(s.b); }, true},
        {tr("B − A"),
         {},
         [](const S& s) { return s.a && s.b ? formatNumber(*s.b - *s.a) : QString(); },
         [](const S& s) { return s.a && s.b ? QVariant(*s.b - *s.a) : QVariant(); },
         true},
    });
}

void CompareNumbersModel::setComparison(const ComparisonPtr& comparison) {
    m_deploymentTitles.clear();
    if (comparison) {
        for (const DeploymentDelta& d : comparison->deployments) {
            if (!d.title.empty()) m_deploymentTitles.append({qs("convert " + d.id + ":"), qs(d.title + ":")});
        }
    }
    setRows(comparison ? Rows(comparison, &comparison->scalars) : Rows());
}

// The engine names a deployment's numbers by its id ("convert like_for_like: argmax agreement");
// the inspector by its title, as everywhere else.
QString CompareNumbersModel::numberName(const ScalarDelta& scalar) const {
    QString name = qs(scalar.name);
    for (const auto& [prefix, title] : m_deploymentTitles) {
        if (name.startsWith(prefix)) return title + name.mid(prefix.size());
    }
    return name;
}

CompareModulesModel::CompareModulesModel(QObject* parent) : RowTableModel(parent) {
    using M = ModuleDelta;
    setColumns({
        {tr("Module"), {}, [](const M& m) { return qs(m.module); }},
        {tr("Layer"),
         {},
         [](const M& m) { return layerText(m.layerIndex); },
         [](const M& m) { return m.layerIndex; },
         true},
        {tr("Type"), {}, [](const M& m) { return qs(m.layerType); }},
        {tr("max |Δ| A"), metricHelp::kMaxAbs, [](const M& m) { return metricText(m.a, &DiffMetrics::maxAbs, false); },
         [](const M& m) { return metric(m.a, &DiffMetrics::maxAbs); }, true},
        {tr("max |Δ| B"), metricHelp::kMaxAbs, [](const M& m) { return metricText(m.b, &DiffMetrics::maxAbs, false); },
         [](const M& m) { return metric(m.b, &DiffMetrics::maxAbs); }, true},
        {tr("B / A"), tr("max |Δ| of B over that of A"),
         [](const M& m) { return std::isnan(ratio(m)) ? QString() : formatNumber(ratio(m)) + QStringLiteral("×"); },
         [](const M& m) { return ratio(m); }, true},
        {tr("SQNR A"), metricHelp::kSqnr, [](const M& m) { return metricText(m.a, &DiffMetrics::sqnrDb, true); },
         [](const M& m) { return metric(m.a, &DiffMetrics::sqnrDb); }, true},
        {tr("SQNR B"), metricHelp::kSqnr, [](const M& m) { return metricText(m.b, &DiffMetrics::sqnrDb, true); },
         [](const M& m) { return metric(m.b, &DiffMetrics::sqnrDb); }, true},
        {tr("Verdict A"), {}, [](const M& m) { return verdictText(m.passA); }},
        {tr("Verdict B"), {}, [](const M& m) { return verdictText(m.passB); }},
        {tr("Change"), tr("worse: within tolerance in A, out of tolerance in B"),
         [](const M& m) { return changeText(m.worse(), m.better()); }},
    });
    setRowBrush([](const M& m) { return brushFor(m.worse(), m.better()); });
}

void CompareModulesModel::setComparison(const ComparisonPtr& comparison) {
    setRows(comparison ? Rows(comparison, &comparison->modules) : Rows());
}

}  // namespace ql::ui
