// The inspector's main window. Wiring only: it creates the docks, the report tabs and the actions,
// and connects them to the JobRunner and the exporters.
#pragma once

#include <QMainWindow>

#include <functional>

#include "ui/job_runner.h"

class QAction;
class QCustomPlot;
class QLabel;
class QMenu;
class QProgressBar;

namespace ql {
struct VerifyRequest;
}

namespace ql::ui {

class ReportView;
class SessionPanel;
class WarningsModel;
struct Session;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Turns a request into the job the runner executes (the GUI passes one that calls ql::verify).
    using JobFactory = std::function<VerifyJob(const VerifyRequest&)>;

    explicit MainWindow(JobFactory jobFactory, QWidget* parent = nullptr);

    void setSession(const Session& session);
    void runVerify();
    void showReport(const ReportPtr& report);
    ReportView* reportView() const { return m_view; }
    SessionPanel* sessionPanel() const { return m_session; }
    JobRunner* runner() const { return m_runner; }

private:
    void setupDocks();
    void setupActions();
    void setupFileMenu(QMenu* menu);
    void setupConnections();
    void setRunning(bool running);
    void onProgress(const QString& stage, const QString& item, qint64 done, qint64 total);
    void onFailed(const QString& message);
    void openSession(const QString& path);
    void saveSession();
    void exportReport();
    void exportReportJson();
    void exportPlot();
    void copyPlot();
    void rebuildRecentMenu();
    QCustomPlot* currentPlot() const;

    JobFactory m_jobFactory;
    JobRunner* m_runner;
    ReportView* m_view;
    SessionPanel* m_session;
    WarningsModel* m_warnings;
    QProgressBar* m_progress;
    QLabel* m_stage;
    QAction* m_runAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QMenu* m_recentMenu = nullptr;
};

}  // namespace ql::ui
