// The Layer tab's module picker at model scale: an editable combo box over every module of the
// weights check, with type-to-search (any part of the name, case-insensitive). The Weights tab's
// filter does not narrow it: the Layer tab shows no filter, so a hidden narrowing would read as
// modules missing from the report. Each item carries its module index (Qt::UserRole); ✓/✗ tell
// the verdict.
#pragma once

#include <quantlens/verify_report.h>

#include <QComboBox>
#include <vector>

class QStandardItemModel;

namespace ql::ui {

class ModulePicker : public QComboBox {
    Q_OBJECT
public:
    explicit ModulePicker(QWidget* parent = nullptr);
    void setModules(const std::vector<WeightModuleResult>* modules);
    // Shows `moduleIndex` (-1: none) without emitting modulePicked.
    void showModule(int moduleIndex);
    int listedCount() const;  // modules offered: every module of the report

Q_SIGNALS:
    void modulePicked(int moduleIndex);

private:
    void onActivated(int row);

    QStandardItemModel* m_items;
    const std::vector<WeightModuleResult>* m_modules = nullptr;
};

}  // namespace ql::ui
