#include "ui/gui_main.h"

#include <QApplication>
#include <QDir>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTimer>

#include "ui/main_window.h"
#include "ui/screenshot_taker.h"
#include "ui/session/session_panel.h"
#include "ui/verify_job.h"

#if __has_include(<quantlens/demo_workspace.h>)
#include <quantlens/demo_workspace.h>
#define QL_HAVE_DEMO_WORKSPACE 1
#endif

namespace ql::ui {

namespace {
QString defaultDemoDir() {
    const QString appData = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return appData.isEmpty() ? QDir::home().filePath(QStringLiteral("quantlens-demo"))
                             : QDir(appData).filePath(QStringLiteral("demo"));
}

// Writes the demo workspace and loads its recipes and prompts into the session panel.
bool openDemo(MainWindow& window, const std::string& demoDir) {
    const QString dir = demoDir.empty() ? defaultDemoDir() : QString::fromStdString(demoDir);
#ifdef QL_HAVE_DEMO_WORKSPACE
    const auto written = writeDemoWorkspace(dir.toStdString());
    if (!written) {
        QMessageBox::critical(&window, QObject::tr("Demo"), QString::fromStdString(written.error().message));
        return false;
    }
#endif
    if (!window.sessionPanel()->loadFolder(dir)) {
        QMessageBox::critical(&window, QObject::tr("Demo"), QObject::tr("%1: no train.yaml / eval.yaml here").arg(dir));
        return false;
    }
    return true;
}
}  // namespace

int runGui(int argc, char** argv, bool demo, const std::string& demoDir, bool runNow) {
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("QuantLens"));
    QApplication::setOrganizationName(QStringLiteral("QuantLens"));
    MainWindow window(&makeVerifyJob);
    const QString screenshots = qEnvironmentVariable("QL_SCREENSHOT_DIR");
    if (!screenshots.isEmpty()) {
        new ScreenshotTaker(&window, screenshots);
    }
    window.show();
    const QString report = qEnvironmentVariable("QL_OPEN_REPORT");  // a report JSON to show at start
    if (!report.isEmpty()) {
        window.openReport(report);
    }
    if (demo && openDemo(window, demoDir) && runNow) {
        QTimer::singleShot(0, &window, &MainWindow::runVerify);
    }
    return QApplication::exec();
}

}  // namespace ql::ui
