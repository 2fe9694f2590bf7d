#include "ui/session/form_rows.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace ql::ui {

QComboBox* choiceBox(QWidget* parent, const QStringList& items, const QString& current, const QString& toolTip) {
    auto* box = new QComboBox(parent);
    box->addItems(items);
    box->setCurrentText(current);
    box->setToolTip(toolTip);
    return box;
}

QLineEdit* folderRow(QWidget* parent, QFormLayout* form, const QString& label, const QString& placeholder) {
    auto* edit = new QLineEdit(parent);
    edit->setPlaceholderText(placeholder);
    auto* browse = new QPushButton(QObject::tr("Browse…"), parent);
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(label, row);
    QObject::connect(browse, &QPushButton::clicked, parent, [parent, edit, label] {
        const QString dir = QFileDialog::getExistingDirectory(parent, label, edit->text());
        if (!dir.isEmpty()) edit->setText(dir);
    });
    return edit;
}

QLabel* errorLabel(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #b00020"));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

}  // namespace ql::ui
