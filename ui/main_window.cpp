#include "ui/main_window.h"

#include <quantlens/report_io.h>

#include <QAction>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include "ui/async.h"
#include "ui/compare/compare_window.h"
#include "ui/config_preview.h"
#include "ui/export/plot_exporter.h"
#include "ui/export/report_exporter.h"
#include "ui/models/warnings_model.h"
#include "ui/pages/config_page.h"
#include "ui/pages/report_page.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"
#include "ui/session/recent_sessions.h"
#include "ui/session/report_session_match.h"
#include "ui/session/session_panel.h"
#include "ui/widgets/table_views.h"

namespace ql::ui {

namespace {
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");

// The part of a session a report depends on (not where the report itself was saved).
// The recipe files' size and modification time count too: a recipe rewritten in place (another
// checkpoint written to the same path) makes the shown results stale like a changed path does.
QByteArray runInputs(const Session& session) {
    Session inputs = session;
    inputs.reportPath.clear();
    QByteArray bytes = sessionToJson(inputs);
    for (const QString& recipe : {session.trainRecipe, session.evalRecipe}) {
        const QFileInfo file(recipe);
        bytes +=
            '\n' + QByteArray::number(file.size()) + ' ' + QByteArray::number(file.lastModified().toMSecsSinceEpoch());
    }
    return bytes;
}

// "<dir>/<name>.report.json" beside "<dir>/<name>.json".
QString reportPathFor(const QString& sessionPath) {
    const QFileInfo info(sessionPath);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".report.json"));
}
}  // namespace

MainWindow::MainWindow(JobFactory jobFactory, QWidget* parent)
    : QMainWindow(parent),
      m_jobFactory(std::move(jobFactory)),
      m_runner(new JobRunner(this)),
      m_view(new ReportView(this)),
      m_session(new SessionPanel(this)),
      m_warnings(new WarningsModel(this)),
      m_preview(new ConfigPreview(this)),
      m_progress(new QProgressBar(this)),
      m_stage(new QLabel(this)),
      m_staleBanner(new QLabel(this)) {
    setWindowTitle(QStringLiteral("QuantLens"));
    setObjectName(QStringLiteral("mainWindow"));
    resize(1280, 800);
    m_staleBanner->setObjectName(QStringLiteral("staleBanner"));
    m_staleBanner->setWordWrap(true);
    m_staleBanner->setStyleSheet(
        QStringLiteral("background: #fff3cd; color: #5d4037; padding: 6px; border: 1px solid #ffe082;"));
    m_staleBanner->setVisible(false);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_staleBanner);
    layout->addWidget(m_view, 1);
    setCentralWidget(central);
    m_progress->setMaximumWidth(240);
    m_progress->setVisible(false);
    statusBar()->addWidget(m_stage, 1);
    statusBar()->addPermanentWidget(m_progress);
    setupDocks();
    setupActions();
    setupConnections();
    setRunning(false);
    const QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
    for (ReportPage* page : m_view->pages()) trackInteraction(page);
    m_stage->setText(
        tr("Open a train and an eval recipe (Ctrl+O), then Run (Ctrl+R); or open a saved report (Ctrl+Shift+O)."));
}

void MainWindow::setupDocks() {
    auto* sessionDock = new QDockWidget(tr("Session"), this);
    sessionDock->setObjectName(QStringLiteral("sessionDock"));
    sessionDock->setWidget(m_session);
    addDockWidget(Qt::LeftDockWidgetArea, sessionDock);
    QTableView* warningsView = makeTableView(this, QStringLiteral("warnings"));
    warningsView->setModel(m_warnings);
    auto* warningsDock = new QDockWidget(tr("Warnings"), this);
    warningsDock->setObjectName(QStringLiteral("warningsDock"));
    warningsDock->setWidget(warningsView);
    addDockWidget(Qt::BottomDockWidgetArea, warningsDock);
    resizeDocks({sessionDock}, {330}, Qt::Horizontal);
    resizeDocks({warningsDock}, {90}, Qt::Vertical);
}

void MainWindow::setupActions() {
    setupFileMenu(menuBar()->addMenu(tr("&File")));
    setupExportMenu(menuBar()->addMenu(tr("E&xport")));
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    m_runAction = run->addAction(tr("&Run verification"), QKeySequence(tr("Ctrl+R")), this, &MainWindow::runVerify);
    m_cancelAction = run->addAction(tr("&Cancel"), QKeySequence(Qt::Key_Escape), m_runner, &JobRunner::cancel);
    QMenu* go = menuBar()->addMenu(tr("&Go"));
    m_backAction = go->addAction(tr("&Back"), QKeySequence::Back, m_view, &ReportView::goBack);
    m_forwardAction = go->addAction(tr("&Forward"), QKeySequence::Forward, m_view, &ReportView::goForward);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>()) {
        view->addAction(dock->toggleViewAction());
    }
    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(m_runAction);
    toolbar->addAction(m_cancelAction);
    toolbar->addSeparator();
    toolbar->addAction(m_backAction);
    toolbar->addAction(m_forwardAction);
    m_backAction->setToolTip(tr("Back to the previous tab or drill-down (Alt+Left)"));
    m_forwardAction->setToolTip(tr("Forward (Alt+Right)"));
    m_backAction->setEnabled(false);  // nothing visited yet (historyChanged enables them)
    m_forwardAction->setEnabled(false);
}

void MainWindow::setupFileMenu(QMenu* menu) {
    menu->addAction(tr("Open &train recipe…"), QKeySequence::Open, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open train recipe"), {}, tr("Recipes (*.yaml *.yml)"));
        if (!path.isEmpty()) m_session->setRecipe(true, path);
    });
    menu->addAction(tr("Open &eval recipe…"), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open eval recipe"), {}, tr("Recipes (*.yaml *.yml)"));
        if (!path.isEmpty()) m_session->setRecipe(false, path);
    });
    menu->addAction(tr("Open &report (JSON)…"), QKeySequence(tr("Ctrl+Shift+O")), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open report"), {}, tr("QuantLens reports (*.json)"));
        if (!path.isEmpty()) openReport(path);
    });
    menu->addAction(tr("C&ompare two reports…"), this, &MainWindow::openCompare);
    menu->addSeparator();
    menu->addAction(tr("Open &session…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), {}, tr("Sessions (*.json)"));
        if (!path.isEmpty()) openSession(path);
    });
    menu->addAction(tr("&Save session…"), QKeySequence::Save, this, &MainWindow::saveSession);
    m_recentMenu = menu->addMenu(tr("Recent sessions"));
    rebuildRecentMenu();
    menu->addSeparator();
    menu->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

void MainWindow::setupExportMenu(QMenu* menu) {
    menu->addAction(tr("&Report as PDF, PNG or HTML…"), QKeySequence(tr("Ctrl+E")), this, &MainWindow::exportReport);
    menu->addAction(tr("Report as &JSON…"), this, &MainWindow::exportReportJson);
    menu->addSeparator();
    menu->addAction(tr("Current &plot…"), QKeySequence(tr("Ctrl+Shift+E")), this, &MainWindow::exportPlot);
    menu->addAction(tr("&Copy current plot"), QKeySequence(tr("Ctrl+Shift+C")), this, &MainWindow::copyPlot);
    menu->addAction(tr("Current &table as CSV…"), QKeySequence(tr("Ctrl+Shift+S")), this, &MainWindow::exportTable);
}

void MainWindow::setupConnections() {
    connect(m_runner, &JobRunner::progressChanged, this, &MainWindow::onProgress);
    connect(m_runner, &JobRunner::finished, this, [this](const ReportPtr& report) {
        setRunning(false);
        m_stage->setText(tr("Done in %1 s.").arg(report->wallSeconds, 0, 'f', 1));
        showReport(report);
        m_reportInputs = m_runInputs;  // what the run was started with, whatever changed meanwhile
        onSessionChanged();
    });
    connect(m_runner, &JobRunner::failed, this, &MainWindow::onFailed);
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        setRunning(false);
        m_stage->setText(tr("Cancelled."));
    });
    connect(m_session, &SessionPanel::sessionFileDropped, this, &MainWindow::openJsonFile);
    connect(m_session, &SessionPanel::runRequested, this, &MainWindow::runVerify);
    connect(m_session, &SessionPanel::changed, this, &MainWindow::onSessionChanged);
    connect(m_preview, &ConfigPreview::ready, this, &MainWindow::onConfigPreview);
    connect(m_view, &ReportView::historyChanged, this, [this] {
        m_backAction->setEnabled(m_view->canGoBack());
        m_forwardAction->setEnabled(m_view->canGoForward());
    });
}

void MainWindow::setSession(const Session& session) {
    m_session->setSession(session);
}

void MainWindow::runVerify() {
    const Session session = m_session->session();
    if (!session.isRunnable()) {
        QMessageBox::information(this, tr("Run"), tr("Choose a train and an eval recipe first."));
        return;
    }
    Result<VerifyRequest> request = makeVerifyRequest(session);  // parses two small YAML files
    if (!request) {
        onFailed(QString::fromStdString(request.error().message));
        return;
    }
    m_runInputs = runInputs(session);
    m_runner->start(m_jobFactory(*request));
    setRunning(true);
    m_stage->setText(tr("Starting…"));
}

void MainWindow::showReport(const ReportPtr& report) {
    m_reportInputs = runInputs(m_session->session());
    m_view->setReport(report);
    m_warnings->setReport(report);
    m_reportMismatch.clear();
    m_staleBanner->setVisible(false);
    Q_EMIT reportShown();
}

bool MainWindow::isStale() const {
    return m_view->report() && m_reportInputs != runInputs(m_session->session());
}

void MainWindow::onSessionChanged() {
    const Session session = m_session->session();
    m_preview->request(session.trainRecipe, session.evalRecipe);
    updateStaleBanner();
}

void MainWindow::updateStaleBanner() {
    if (!m_reportMismatch.isEmpty()) {
        m_staleBanner->setText(
            tr("This report was not run with the session's recipes: %1. Run (Ctrl+R) to verify the session's.")
                .arg(m_reportMismatch.join(QStringLiteral("; "))));
    } else {
        m_staleBanner->setText(
            tr("These results come from an earlier set-up: the recipes, prompts or options changed since. "
               "Run (Ctrl+R) to update them."));
    }
    m_staleBanner->setVisible(m_view->report() && (isStale() || !m_reportMismatch.isEmpty()));
}

void MainWindow::onConfigPreview(const ConfigDiff& diff) {
    if (m_view->report() && !isStale()) return;  // the run's own config check is current
    m_view->config()->showPreview(diff);
}

void MainWindow::openReport(const QString& path) {
    m_stage->setText(tr("Reading %1…").arg(path));
    const std::string file = path.toStdString();
    const Session session = m_session->session();
    using Opened = std::pair<Result<VerifyReport>, QStringList>;  // the report, and how the session differs from it
    runOffGuiThread<Opened>(
        this,
        [file, session] {
            Result<VerifyReport> report = readReportJson(file);
            QStringList differences = report ? reportSessionDifferences(session, *report) : QStringList();
            return Opened{std::move(report), std::move(differences)};
        },
        [this, path](Opened opened) {
            if (!opened.first) {
                m_stage->setText(tr("Failed."));
                QMessageBox::critical(this, tr("Open report"), QString::fromStdString(opened.first.error().message));
                return;
            }
            showReport(std::make_shared<const VerifyReport>(std::move(opened.first).value()));
            m_reportMismatch = opened.second;
            updateStaleBanner();
            m_stage->setText(tr("Showing %1.").arg(path));
        });
}

void MainWindow::openJsonFile(const QString& path) {
    Result<Session> session = loadSession(path);
    if (session)
        openSession(path);
    else
        openReport(path);  // not a session: a report JSON (or a clear error naming the file)
}

void MainWindow::setRunning(bool running) {
    m_runAction->setEnabled(!running);
    m_session->runButton()->setEnabled(!running);
    m_cancelAction->setEnabled(running);
    m_progress->setVisible(running);
    m_progress->setRange(0, 0);
}

void MainWindow::onProgress(const QString& stage, const QString& item, qint64 done, qint64 total) {
    m_progress->setRange(0, total > 0 ? static_cast<int>(total) : 0);
    m_progress->setValue(static_cast<int>(done));
    m_stage->setText(item.isEmpty() ? stage : tr("%1: %2").arg(stage, item));
}

void MainWindow::onFailed(const QString& message) {
    setRunning(false);
    m_stage->setText(tr("Failed."));
    QMessageBox::critical(this, tr("Verification failed"), message);
}

void MainWindow::openSession(const QString& path) {
    Result<Session> session = loadSession(path);
    if (!session) {
        QMessageBox::critical(this, tr("Open session"), QString::fromStdString(session.error().message));
        return;
    }
    m_session->setSession(*session);
    recentSessions::add(path);
    rebuildRecentMenu();
    if (!session->reportPath.isEmpty()) {
        openReport(QFileInfo(session->reportPath).isAbsolute() ? session->reportPath
                                                               : QFileInfo(path).dir().filePath(session->reportPath));
    }
}

Status MainWindow::saveSessionTo(const QString& path) {
    Session session = m_session->session();
    if (m_view->report()) {
        const QString reportPath = reportPathFor(path);
        if (auto status = writeReportJson(*m_view->report(), reportPath.toStdString()); !status) return status;
        session.reportPath = QFileInfo(reportPath).fileName();  // relative: the pair moves together
    }
    return ql::ui::saveSession(session, path);
}

void MainWindow::saveSession() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save session"), QStringLiteral("session.json"), tr("Sessions (*.json)"));
    if (path.isEmpty()) return;
    const Status status = saveSessionTo(path);
    if (!status) {
        QMessageBox::critical(this, tr("Save session"), QString::fromStdString(status.error().message));
        return;
    }
    recentSessions::add(path);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    for (const QString& path : recentSessions::list()) {
        m_recentMenu->addAction(path, this, [this, path] { openSession(path); });
    }
    m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
}

bool MainWindow::hasReportToExport(const QString& what) {
    if (m_view->report()) return true;
    QMessageBox::information(this, what,
                             tr("There is no report to export yet. Run a verification (Ctrl+R) or open a saved report "
                                "(Ctrl+Shift+O) first."));
    return false;
}

void MainWindow::exportReport() {
    if (!hasReportToExport(tr("Export report"))) return;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export report"), QStringLiteral("quantlens-report.pdf"),
                                     tr("PDF (*.pdf);;PNG image (*.png);;HTML, self-contained (*.html)"));
    if (path.isEmpty()) return;
    const Status status = ReportExporter(*m_view).write(path);
    if (!status) QMessageBox::critical(this, tr("Export report"), QString::fromStdString(status.error().message));
}

void MainWindow::exportReportJson() {
    if (!hasReportToExport(tr("Export JSON"))) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export JSON"), QStringLiteral("quantlens-report.json"),
                                                      tr("JSON (*.json)"));
    if (path.isEmpty()) return;
    const Status status = writeReportJson(*m_view->report(), path.toStdString());
    if (!status) QMessageBox::critical(this, tr("Export JSON"), QString::fromStdString(status.error().message));
}

void MainWindow::trackInteraction(QWidget* widget) {
    for (QCustomPlot* plot : widget->findChildren<QCustomPlot*>()) plot->installEventFilter(this);
    for (QTableView* table : widget->findChildren<QTableView*>()) table->viewport()->installEventFilter(this);
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::ContextMenu) {
        if (auto* plot = qobject_cast<QCustomPlot*>(watched)) m_lastPlot = plot;
        if (auto* table = qobject_cast<QTableView*>(watched->parent())) m_lastTable = table;
    }
    return QMainWindow::eventFilter(watched, event);
}

QCustomPlot* MainWindow::currentPlot() const {
    ReportPage* page = m_view->currentPage();
    if (!page) return nullptr;
    const QList<QCustomPlot*> plots = page->plots();
    if (m_lastPlot && plots.contains(m_lastPlot) && m_lastPlot->isVisible()) return m_lastPlot;
    for (QCustomPlot* plot : plots) {
        if (plot->isVisible()) return plot;
    }
    return plots.isEmpty() ? nullptr : plots.first();
}

QTableView* MainWindow::currentTable() const {
    ReportPage* page = m_view->currentPage();
    if (!page) return nullptr;
    const QList<QTableView*> tables = page->findChildren<QTableView*>();
    if (m_lastTable && tables.contains(m_lastTable)) return m_lastTable;
    return tables.isEmpty() ? nullptr : tables.first();
}

void MainWindow::exportPlot() {
    if (!hasReportToExport(tr("Export plot"))) return;
    QCustomPlot* plot = currentPlot();
    if (!plot) {
        QMessageBox::information(this, tr("Export plot"),
                                 tr("The %1 tab has no plot.").arg(m_view->tabText(m_view->currentIndex())));
        return;
    }
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export plot"), plot->objectName() + QStringLiteral(".png"),
                                     tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"));
    if (path.isEmpty()) return;
    bool ok = true;
    const int dpi =
        path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)
            ? QInputDialog::getInt(this, tr("Export plot"), tr("Resolution (DPI)"), kDefaultExportDpi, 72, 1200, 1, &ok)
            : kDefaultExportDpi;
    if (!ok) return;
    const Status status = ql::ui::exportPlot(plot, path, dpi);
    if (!status) QMessageBox::critical(this, tr("Export plot"), QString::fromStdString(status.error().message));
}

void MainWindow::copyPlot() {
    if (!hasReportToExport(tr("Copy plot"))) return;
    if (QCustomPlot* plot = currentPlot()) copyPlotToClipboard(plot);
}

void MainWindow::exportTable() {
    if (!hasReportToExport(tr("Export table"))) return;
    QTableView* table = currentTable();
    if (!table) {
        QMessageBox::information(this, tr("Export table"),
                                 tr("The %1 tab has no table.").arg(m_view->tabText(m_view->currentIndex())));
        return;
    }
    exportTableCsv(table);
}

void MainWindow::openCompare() {
    auto* window = new CompareWindow(this);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    window->chooseReports();
}

void MainWindow::saveWindowLayout() const {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveWindowLayout();
    QMainWindow::closeEvent(event);
}

}  // namespace ql::ui
