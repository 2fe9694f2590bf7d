#include "ui/screenshot_taker.h"

#include <QApplication>
#include <QDir>
#include <QTabWidget>
#include <QTimer>

#include "ui/compare/compare_window.h"
#include "ui/main_window.h"
#include "ui/pages/report_page.h"
#include "ui/report_view.h"

namespace ql::ui {

namespace {
constexpr int kSettleMs = 400;  // layout and queued replots land before a grab

void quitSoon() {
    QTimer::singleShot(0, qApp, &QApplication::quit);
}
}  // namespace

ScreenshotTaker::ScreenshotTaker(MainWindow* window, QString directory)
    : QObject(window), m_window(window), m_directory(std::move(directory)) {
    QDir().mkpath(m_directory);
    connect(window, &MainWindow::reportShown, this, [this] {
        if (m_started) return;
        m_started = true;
        QTimer::singleShot(2 * kSettleMs, this, &ScreenshotTaker::grabNext);
    });
    connect(window->runner(), &JobRunner::failed, this, quitSoon);
    connect(window->runner(), &JobRunner::cancelled, this, quitSoon);
}

void ScreenshotTaker::save(QWidget* widget, const QString& name) {
    widget->grab().save(QDir(m_directory).filePath(name));
}

void ScreenshotTaker::grabNext() {
    // One tab per timer tick: the tab's layout and queued replots run before it is grabbed.
    ReportView* view = m_window->reportView();
    const QList<ReportPage*> pages = view->pages();
    if (m_next >= pages.size()) {
        grabCompare();
        return;
    }
    ReportPage* page = pages[m_next];
    view->setCurrentWidget(page);
    QTimer::singleShot(kSettleMs, this, [this, page] {
        save(m_window, QStringLiteral("%1_%2.png").arg(m_next, 2, 10, QLatin1Char('0')).arg(page->title().toLower()));
        ++m_next;
        grabNext();
    });
}

void ScreenshotTaker::grabCompare() {
    const QStringList pair = qEnvironmentVariable("QL_SCREENSHOT_COMPARE").split(QLatin1Char(':'), Qt::SkipEmptyParts);
    if (pair.size() != 2) {
        quitSoon();
        return;
    }
    auto* compare = new CompareWindow(m_window);
    compare->resize(m_window->size());
    compare->show();
    connect(compare, &CompareWindow::comparisonReady, this, [this, compare] {
        if (!compare->comparison()) return;
        grabCompareTab(compare, compare->findChild<QTabWidget*>(), 0);
    });
    compare->openReports(pair[0], pair[1]);
}

void ScreenshotTaker::grabCompareTab(CompareWindow* compare, QTabWidget* tabs, int index) {
    if (!tabs || index >= tabs->count()) {
        quitSoon();
        return;
    }
    tabs->setCurrentIndex(index);
    QTimer::singleShot(kSettleMs, this, [this, compare, tabs, index] {
        save(compare, QStringLiteral("%1_compare_%2.png")
                          .arg(m_next + index, 2, 10, QLatin1Char('0'))
                          .arg(tabs->tabText(index).toLower()));
        grabCompareTab(compare, tabs, index + 1);
    });
}

}  // namespace ql::ui
