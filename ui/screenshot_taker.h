// Screenshot mode (env QL_SCREENSHOT_DIR): once a report is shown (after a run, or one opened with
// env QL_OPEN_REPORT), grabs every tab of the window to <dir>/<nn>_<tab>.png; with env
// QL_SCREENSHOT_COMPARE="A.json:B.json" it then opens the compare window on those two reports and
// grabs its tabs too, then quits. Used for the README screenshots and to look at layouts under Xvfb.
#pragma once

#include <QObject>
#include <QString>

class QTabWidget;
class QWidget;

namespace ql::ui {

class CompareWindow;
class MainWindow;

class ScreenshotTaker : public QObject {
    Q_OBJECT
public:
    ScreenshotTaker(MainWindow* window, QString directory);

private:
    void grabNext();
    void grabCompare();
    void grabCompareTab(CompareWindow* compare, QTabWidget* tabs, int index);
    void save(QWidget* widget, const QString& name);

    MainWindow* m_window;
    QString m_directory;
    int m_next = 0;
    bool m_started = false;
};

}  // namespace ql::ui
