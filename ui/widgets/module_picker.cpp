#include "ui/widgets/module_picker.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QStandardItemModel>

#include "ui/format.h"

namespace ql::ui {

ModulePicker::ModulePicker(QWidget* parent) : QComboBox(parent), m_items(new QStandardItemModel(this)) {
    setObjectName(QStringLiteral("modulePicker"));
    setEditable(true);
    setInsertPolicy(QComboBox::NoInsert);
    setMaxVisibleItems(24);
    setMinimumContentsLength(44);
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setToolTip(tr("Type any part of a module name; every module of the report is listed"));
    lineEdit()->setPlaceholderText(tr("Search a module…"));
    setModel(m_items);
    auto* completer = new QCompleter(m_items, this);
    completer->setFilterMode(Qt::MatchContains);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setCompletionMode(QCompleter::PopupCompletion);
    completer->setMaxVisibleItems(16);
    setCompleter(completer);
    // A completion the user picks makes QComboBox set its current row and emit activated() too.
    connect(this, &QComboBox::activated, this, &ModulePicker::onActivated);
}

void ModulePicker::setModules(const std::vector<WeightModuleResult>* modules) {
    const QSignalBlocker blocker(this);
    m_modules = modules;
    m_items->clear();
    if (modules) {
        for (int i = 0; i < static_cast<int>(modules->size()); ++i) {
            const WeightModuleResult& m = (*modules)[i];
            auto* item = new QStandardItem((m.pass ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + qs(m.module));
            item->setData(i, Qt::UserRole);
            m_items->appendRow(item);
        }
    }
}

void ModulePicker::showModule(int moduleIndex) {
    const QSignalBlocker blocker(this);
    const bool valid = m_modules && moduleIndex >= 0 && moduleIndex < static_cast<int>(m_modules->size());
    setCurrentIndex(valid ? moduleIndex : -1);
    setEditText(valid ? m_items->item(moduleIndex)->text() : QString());
}

int ModulePicker::listedCount() const {
    return m_items->rowCount();
}

void ModulePicker::onActivated(int row) {
    const QVariant index = m_items->index(row, 0).data(Qt::UserRole);
    if (index.isValid()) Q_EMIT modulePicked(index.toInt());
}

}  // namespace ql::ui
