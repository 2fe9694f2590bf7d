#include "ui/export/headless_gui.h"

#include <quantlens/log.h>

namespace ql::ui {

namespace {
void qtToCoreLog(QtMsgType, const QMessageLogContext&, const QString& message) {
    ql::log(LogLevel::Debug, "qt: " + message.toStdString());
}
}  // namespace

HeadlessGui::HeadlessGui() : m_previous(qInstallMessageHandler(qtToCoreLog)) {
    if (!QCoreApplication::instance()) {
        static int argc = 1;
        static char name[] = "quantlens";
        static char* argv[] = {name, nullptr};
        qputenv("QT_QPA_PLATFORM", "offscreen");
        m_ownApp = std::make_unique<QApplication>(argc, argv);
    } else if (!qobject_cast<QApplication*>(QCoreApplication::instance())) {
        m_status = makeError(ErrorCode::Unsupported, "exporting needs a QApplication; this process has a non-GUI one");
    }
}

HeadlessGui::~HeadlessGui() {
    m_ownApp.reset();
    qInstallMessageHandler(m_previous);
}

}  // namespace ql::ui
