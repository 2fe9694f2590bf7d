#include "ui/screenshot_taker.h"

#include <QApplication>
#include <QDir>
#include <QTimer>

#include "ui/main_window.h"
#include "ui/pages/report_page.h"
#include "ui/report_view.h"

namespace ql::ui {

ScreenshotTaker::ScreenshotTaker(MainWindow* window, QString directory)
    : QObject(window), m_window(window), m_directory(std::move(directory)) {
    QDir().mkpath(m_directory);
    auto quitLater = [] { QTimer::singleShot(0, qApp, &QApplication::quit); };
    connect(window->runner(), &JobRunner::finished, this, [this] {
        QTimer::singleShot(500, this, &ScreenshotTaker::grabNext);  // let the queued replots land
    });
    connect(window->runner(), &JobRunner::failed, this, quitLater);
    connect(window->runner(), &JobRunner::cancelled, this, quitLater);
}

void ScreenshotTaker::grabNext() {
    // One tab per timer tick: the tab's layout and queued replots run before it is grabbed.
    ReportView* view = m_window->reportView();
    const QList<ReportPage*> pages = view->pages();
    if (m_next >= pages.size()) {
        QTimer::singleShot(0, qApp, &QApplication::quit);
        return;
    }
    ReportPage* page = pages[m_next];
    view->setCurrentWidget(page);
    QTimer::singleShot(400, this, [this, page] {
        const QString name = QStringLiteral("%1_%2.png").arg(m_next, 2, 10, QLatin1Char('0')).arg(page->title().toLower());
        m_window->grab().save(QDir(m_directory).filePath(name));
        ++m_next;
        grabNext();
    });
}

}  // namespace ql::ui
