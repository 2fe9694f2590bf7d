// The inspector's main window. Wiring only: it creates the docks, the report tabs, the toolbar and
// the actions, and connects them to the JobRunner, the loaders and the exporters. Results that no
// longer match the session (recipes or options changed since) are marked stale; the config check
// of the current recipes is shown before any run; the window geometry persists across runs.
#pragma once

#include <QMainWindow>
#include <QStringList>
#include <functional>

#include "ui/job_runner.h"

class QAction;
class QCustomPlot;
class QLabel;
class QMenu;
class QProgressBar;
class QTableView;

namespace ql {
struct VerifyRequest;
struct ConfigDiff;
}  // namespace ql

namespace ql::ui {

class ConfigPreview;
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
    // Reads a report JSON off the GUI thread and shows it (errors in a message box).
    void openReport(const QString& path);
    void openSession(const QString& path);
    Status saveSessionTo(const QString& path);
    bool isStale() const;
    void updateStaleBanner();          // stale results, or an opened report run with other recipes
    QCustomPlot* currentPlot() const;  // the plot last clicked on the current tab, else its first
    QTableView* currentTable() const;  // the table last clicked on the current tab, else its first
    void saveWindowLayout() const;

    ReportView* reportView() const { return m_view; }
    SessionPanel* sessionPanel() const { return m_session; }
    JobRunner* runner() const { return m_runner; }
    QLabel* staleBanner() const { return m_staleBanner; }

Q_SIGNALS:
    void reportShown();

protected:
    void closeEvent(QCloseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void setupDocks();
    void setupActions();
    void setupFileMenu(QMenu* menu);
    void setupExportMenu(QMenu* menu);
    void setupConnections();
    void setRunning(bool running);
    void onProgress(const QString& stage, const QString& item, qint64 done, qint64 total);
    void onFailed(const QString& message);
    void onSessionChanged();
    void onConfigPreview(const ConfigDiff& diff);
    void openJsonFile(const QString& path);
    void saveSession();
    bool hasReportToExport(const QString& what);  // says why not in a message box
    void exportReport();
    void exportReportJson();
    void exportPlot();
    void copyPlot();
    void exportTable();
    void openCompare();
    void rebuildRecentMenu();
    void trackInteraction(QWidget* widget);

    JobFactory m_jobFactory;
    JobRunner* m_runner;
    ReportView* m_view;
    SessionPanel* m_session;
    WarningsModel* m_warnings;
    ConfigPreview* m_preview;
    QProgressBar* m_progress;
    QLabel* m_stage;
    QLabel* m_staleBanner;
    QAction* m_runAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_backAction = nullptr;
    QAction* m_forwardAction = nullptr;
    QMenu* m_recentMenu = nullptr;
    QCustomPlot* m_lastPlot = nullptr;
    QTableView* m_lastTable = nullptr;
    QByteArray m_reportInputs;     // the session (less its report path) the shown report belongs to
    QByteArray m_runInputs;        // the session the running job was started with
    QStringList m_reportMismatch;  // how an opened report's recipes differ from the session's (empty: they match)
};

}  // namespace ql::ui
