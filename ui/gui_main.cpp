#include "gui_main.h"

#include <QApplication>

#include "main_window.h"

namespace ql::ui {

int runGui(int argc, char** argv, bool demo, const std::string& demoDir) {
    Q_UNUSED(demo);
    Q_UNUSED(demoDir);
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("QuantLens"));
    QApplication::setOrganizationName(QStringLiteral("QuantLens"));
    MainWindow window;
    window.show();
    return QApplication::exec();
}

}  // namespace ql::ui
