// The inspector's main window. Wiring only: it creates pages and actions and connects them.
#pragma once

#include <QMainWindow>

namespace ql::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace ql::ui
