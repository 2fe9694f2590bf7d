#include "ui/models/module_filter.h"

#include "ui/format.h"

namespace ql::ui {

namespace {
QRegularExpression compile(const ModuleFilter& filter) {
    const QString pattern = filter.regex ? filter.text : QRegularExpression::escape(filter.text);
    return QRegularExpression(pattern, QRegularExpression::CaseInsensitiveOption);
}
}  // namespace

QString ModuleFilter::errorText() const {
    if (!regex || text.isEmpty()) return {};
    const QRegularExpression pattern = compile(*this);
    return pattern.isValid() ? QString() : QObject::tr("invalid regular expression: %1").arg(pattern.errorString());
}

bool ModuleFilter::accepts(const WeightModuleResult& module) const {
    ModuleFilterState state;
    state.setFilter(*this);
    return state.accepts(module);
}

void ModuleFilterState::setFilter(const ModuleFilter& filter) {
    if (filter == m_filter) return;
    m_filter = filter;
    m_pattern = compile(filter);
    m_compiledOk = m_pattern.isValid();
    Q_EMIT changed();
}

bool ModuleFilterState::acceptsCompiled(const WeightModuleResult& module) const {
    const ModuleFilter& f = m_filter;
    if (f.failingOnly && module.pass) return false;
    if (!f.projection.isEmpty() && qs(module.layerType) != f.projection) return false;
    if (f.layerRangeRestricted() && (module.layerIndex < f.layerFrom || module.layerIndex > f.layerTo)) return false;
    return f.text.isEmpty() || m_pattern.match(qs(module.module)).hasMatch();
}

std::vector<int> ModuleFilterState::acceptedIndices(const std::vector<WeightModuleResult>& modules) const {
    std::vector<int> indices;
    for (int i = 0; i < static_cast<int>(modules.size()); ++i) {
        if (accepts(modules[i])) indices.push_back(i);
    }
    return indices;
}

ModuleFilterProxy::ModuleFilterProxy(ModuleFilterState* state, QObject* parent)
    : QSortFilterProxyModel(parent), m_state(state) {
    connect(state, &ModuleFilterState::changed, this, &ModuleFilterProxy::invalidate);
}

void ModuleFilterProxy::setModules(const std::vector<WeightModuleResult>* modules) {
    m_modules = modules;
    invalidate();
}

bool ModuleFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
    return m_modules && sourceRow >= 0 && sourceRow < static_cast<int>(m_modules->size()) &&
           m_state->accepts((*m_modules)[sourceRow]);
}

}  // namespace ql::ui
