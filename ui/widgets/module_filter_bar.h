// The search and filter controls over the weight-check modules: text or regex, layer range,
// projection type, failing only, and how many modules pass. Edits the shared ModuleFilterState.
#pragma once

#include <quantlens/verify_report.h>

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace ql::ui {

class ModuleFilterState;

class ModuleFilterBar : public QWidget {
    Q_OBJECT
public:
    ModuleFilterBar(ModuleFilterState* state, QWidget* parent = nullptr);
    // Offers the report's layer range and layer types; resets the filter.
    void setModules(const std::vector<WeightModuleResult>* modules);
    QLineEdit* searchEdit() const { return m_search; }

private:
    void applyToState();
    void updateCount();

    ModuleFilterState* m_state;
    const std::vector<WeightModuleResult>* m_modules = nullptr;
    QLineEdit* m_search;
    QCheckBox* m_regex;
    QSpinBox* m_layerFrom;
    QSpinBox* m_layerTo;
    QComboBox* m_projection;
    QCheckBox* m_failingOnly;
    QLabel* m_count;
};

}  // namespace ql::ui
