#include "ui/widgets/module_filter_bar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <algorithm>
#include <climits>

#include "ui/format.h"
#include "ui/models/module_filter.h"
#include "ui/module_names.h"

namespace ql::ui {

ModuleFilterBar::ModuleFilterBar(ModuleFilterState* state, QWidget* parent)
    : QWidget(parent),
      m_state(state),
      m_search(new QLineEdit(this)),
      m_regex(new QCheckBox(tr("Regex"), this)),
      m_layerFrom(new QSpinBox(this)),
      m_layerTo(new QSpinBox(this)),
      m_projection(new QComboBox(this)),
      m_failingOnly(new QCheckBox(tr("Failing only"), this)),
      m_count(new QLabel(this)) {
    m_search->setObjectName(QStringLiteral("moduleSearch"));
    m_search->setPlaceholderText(tr("Search modules (e.g. layers.1[0-9].mlp)"));
    m_search->setClearButtonEnabled(true);
    m_search->setToolTip(tr("Case-insensitive text in the module name; tick Regex for a regular expression"));
    m_regex->setToolTip(tr("Treat the search text as a regular expression (PCRE)"));
    m_layerFrom->setToolTip(tr("First decoder layer shown"));
    m_layerTo->setToolTip(
        tr("Last decoder layer shown; modules outside the decoder stack (lm_head) show only "
           "while the range covers every layer"));
    m_projection->setToolTip(tr("Show one projection type only"));
    m_failingOnly->setToolTip(tr("Only modules outside the weight tolerance"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search, 3);
    layout->addWidget(m_regex);
    layout->addWidget(new QLabel(tr("Layers"), this));
    layout->addWidget(m_layerFrom);
    layout->addWidget(new QLabel(QStringLiteral("–"), this));
    layout->addWidget(m_layerTo);
    layout->addWidget(m_projection);
    layout->addWidget(m_failingOnly);
    layout->addWidget(m_count);
    connect(m_search, &QLineEdit::textChanged, this, &ModuleFilterBar::applyToState);
    connect(m_regex, &QCheckBox::toggled, this, &ModuleFilterBar::applyToState);
    connect(m_layerFrom, &QSpinBox::valueChanged, this, &ModuleFilterBar::applyToState);
    connect(m_layerTo, &QSpinBox::valueChanged, this, &ModuleFilterBar::applyToState);
    connect(m_projection, &QComboBox::currentIndexChanged, this, &ModuleFilterBar::applyToState);
    connect(m_failingOnly, &QCheckBox::toggled, this, &ModuleFilterBar::applyToState);
    connect(m_state, &ModuleFilterState::changed, this, &ModuleFilterBar::updateCount);
    setModules(nullptr);
}

void ModuleFilterBar::setModules(const std::vector<WeightModuleResult>* modules) {
    m_modules = modules;
    int lastLayer = 0;
    QStringList types;
    if (modules) {
        for (const WeightModuleResult& m : *modules) {
            lastLayer = std::max(lastLayer, m.layerIndex);
            if (!types.contains(qs(m.layerType))) types << qs(m.layerType);
        }
    }
    std::stable_sort(types.begin(), types.end(),
                     [](const QString& a, const QString& b) { return projectionRank(a) < projectionRank(b); });
    {
        const QSignalBlocker b1(m_search), b2(m_regex), b3(m_layerFrom), b4(m_layerTo), b5(m_projection),
            b6(m_failingOnly);
        m_search->clear();
        m_regex->setChecked(false);
        m_layerFrom->setRange(0, lastLayer);
        m_layerTo->setRange(0, lastLayer);
        m_layerFrom->setValue(0);
        m_layerTo->setValue(lastLayer);
        m_projection->clear();
        m_projection->addItem(tr("all types"), QString());
        for (const QString& type : types) m_projection->addItem(type, type);
        m_failingOnly->setChecked(false);
    }
    m_state->setFilter(ModuleFilter{});
    updateCount();
}

void ModuleFilterBar::applyToState() {
    ModuleFilter filter;
    filter.text = m_search->text();
    filter.regex = m_regex->isChecked();
    const bool fullRange = m_layerFrom->value() == m_layerFrom->minimum() && m_layerTo->value() == m_layerTo->maximum();
    filter.layerFrom = fullRange ? 0 : m_layerFrom->value();
    filter.layerTo = fullRange ? INT_MAX : m_layerTo->value();
    filter.projection = m_projection->currentData().toString();
    filter.failingOnly = m_failingOnly->isChecked();
    const QString error = filter.errorText();
    m_search->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("QLineEdit { border: 1px solid #c62828; }"));
    m_search->setToolTip(
        error.isEmpty() ? tr("Case-insensitive text in the module name; tick Regex for a regular expression") : error);
    m_state->setFilter(filter);
}

void ModuleFilterBar::updateCount() {
    const int total = m_modules ? static_cast<int>(m_modules->size()) : 0;
    const int shown = m_modules ? static_cast<int>(m_state->acceptedIndices(*m_modules).size()) : 0;
    m_count->setText(m_state->filter().isActive() ? tr("%1 of %2 modules").arg(shown).arg(total)
                                                  : tr("%1 modules").arg(total));
}

}  // namespace ql::ui
