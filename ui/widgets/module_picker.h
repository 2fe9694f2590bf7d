// The Layer tab's module picker at model scale: an editable combo box over the modules the shared
// filter accepts, with type-to-search (any part of the name, case-insensitive). Each item carries
// its module index (Qt::UserRole); ✓/✗ tell the verdict.
#pragma once

#include <quantlens/verify_report.h>

#include <QComboBox>
#include <vector>

class QStandardItemModel;

namespace ql::ui {

class ModuleFilterProxy;
class ModuleFilterState;

class ModulePicker : public QComboBox {
    Q_OBJECT
public:
    ModulePicker(ModuleFilterState* filter, QWidget* parent = nullptr);
    void setModules(const std::vector<WeightModuleResult>* modules);
    // Shows `moduleIndex` (also when the filter hides it: the edit text names it). No signal.
    void showModule(int moduleIndex);
    int listedCount() const;  // modules offered under the current filter

Q_SIGNALS:
    void modulePicked(int moduleIndex);

private:
    void onActivated(int row);

    QStandardItemModel* m_items;
    ModuleFilterProxy* m_proxy;
    const std::vector<WeightModuleResult>* m_modules = nullptr;
};

}  // namespace ql::ui
