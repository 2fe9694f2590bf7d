// Which weight-check modules a view shows: text or regex search on the module name, a decoder-layer
// range, one projection type, failing only. One ModuleFilterState is shared by the Weights table
// and its heat map / bar chart, so they show the same subset (the Layer tab's picker lists every
// module).
#pragma once

#include <quantlens/verify_report.h>

#include <QObject>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QString>
#include <climits>
#include <vector>

namespace ql::ui {

struct ModuleFilter {
    QString text;  // substring (case-insensitive) or, with `regex`, a regular expression
    bool regex = false;
    int layerFrom = 0;      // inclusive decoder-layer range; modules outside the decoder stack
    int layerTo = INT_MAX;  //   (lm_head, layer -1) pass only while the range is unrestricted
    QString projection;     // layer type ("q_proj", "lm_head"); empty = every type
    bool failingOnly = false;

    bool layerRangeRestricted() const { return layerFrom > 0 || layerTo != INT_MAX; }
    bool isActive() const { return !text.isEmpty() || layerRangeRestricted() || !projection.isEmpty() || failingOnly; }
    // An invalid regex matches nothing; errorText() says why (empty when valid).
    QString errorText() const;
    bool accepts(const WeightModuleResult& module) const;
    bool operator==(const ModuleFilter& other) const = default;
};

// The shared, observable filter. Views connect to changed() and re-query accepts().
class ModuleFilterState : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    const ModuleFilter& filter() const { return m_filter; }
    void setFilter(const ModuleFilter& filter);
    bool accepts(const WeightModuleResult& module) const { return m_compiledOk && acceptsCompiled(module); }
    // Indices into `modules` that pass, in model order.
    std::vector<int> acceptedIndices(const std::vector<WeightModuleResult>& modules) const;

Q_SIGNALS:
    void changed();

private:
    bool acceptsCompiled(const WeightModuleResult& module) const;

    ModuleFilter m_filter;
    QRegularExpression m_pattern;
    bool m_compiledOk = true;
};

// Proxy for any model whose source rows are report->weights->modules in order (WeightModulesModel):
// keeps the rows the shared filter accepts.
class ModuleFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    ModuleFilterProxy(ModuleFilterState* state, QObject* parent = nullptr);
    void setModules(const std::vector<WeightModuleResult>* modules);  // nullptr: accept nothing

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    ModuleFilterState* m_state;
    const std::vector<WeightModuleResult>* m_modules = nullptr;
};

}  // namespace ql::ui
