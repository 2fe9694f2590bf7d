// Screenshot mode (env QL_SCREENSHOT_DIR): after a run finishes, grabs every tab of the window to
// <dir>/<nn>_<tab>.png and quits. Used for the README screenshots and to eyeball layouts under Xvfb.
#pragma once

#include <QObject>
#include <QString>

namespace ql::ui {

class MainWindow;

class ScreenshotTaker : public QObject {
    Q_OBJECT
public:
    ScreenshotTaker(MainWindow* window, QString directory);

private:
    void grabNext();

    MainWindow* m_window;
    QString m_directory;
    int m_next = 0;
};

}  // namespace ql::ui
