// Small builders shared by the session dialogs (recipe builder, open checkpoint): a combo box with
// its choices, a folder row (line edit + Browse…), and the red one-line error label.
#pragma once

#include <QString>
#include <QStringList>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QWidget;

namespace ql::ui {

QComboBox* choiceBox(QWidget* parent, const QStringList& items, const QString& current, const QString& toolTip = {});

// Adds "label: [edit] [Browse…]" to `form`; Browse picks a folder into the edit.
QLineEdit* folderRow(QWidget* parent, QFormLayout* form, const QString& label, const QString& placeholder = {});

// A selectable, word-wrapped label in the error colour (empty until an error is set).
QLabel* errorLabel(QWidget* parent);

}  // namespace ql::ui
