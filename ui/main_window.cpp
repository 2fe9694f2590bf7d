#include "main_window.h"

#include <QLabel>

namespace ql::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("QuantLens"));
    resize(1280, 800);
    auto* placeholder = new QLabel(tr("Open a train and an eval recipe to begin."), this);
    placeholder->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder);
}

}  // namespace ql::ui
