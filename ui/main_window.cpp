#include "ui/main_window.h"

#include <quantlens/report_io.h>

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>
#include <QTableView>

#include "ui/export/plot_exporter.h"
#include "ui/export/report_exporter.h"
#include "ui/models/warnings_model.h"
#include "ui/pages/report_page.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"
#include "ui/session/recent_sessions.h"
#include "ui/session/session_panel.h"

namespace ql::ui {

MainWindow::MainWindow(JobFactory jobFactory, QWidget* parent)
    : QMainWindow(parent), m_jobFactory(std::move(jobFactory)), m_runner(new JobRunner(this)),
      m_view(new ReportView(this)), m_session(new SessionPanel(this)), m_warnings(new WarningsModel(this)),
      m_progress(new QProgressBar(this)), m_stage(new QLabel(this)) {
    setWindowTitle(QStringLiteral("QuantLens"));
    resize(1280, 800);
    setCentralWidget(m_view);
    m_progress->setMaximumWidth(240);
    m_progress->setVisible(false);
    statusBar()->addWidget(m_stage, 1);
    statusBar()->addPermanentWidget(m_progress);
    setupDocks();
    setupActions();
    setupConnections();
    setRunning(false);
    m_stage->setText(tr("Open a train and an eval recipe (Ctrl+O), then Run (Ctrl+R)."));
}

void MainWindow::setupDocks() {
    auto* sessionDock = new QDockWidget(tr("Session"), this);
    sessionDock->setObjectName(QStringLiteral("sessionDock"));
    sessionDock->setWidget(m_session);
    addDockWidget(Qt::LeftDockWidgetArea, sessionDock);
    auto* warningsView = new QTableView(this);
    warningsView->setModel(m_warnings);
    warningsView->verticalHeader()->hide();
    warningsView->horizontalHeader()->setStretchLastSection(true);
    auto* warningsDock = new QDockWidget(tr("Warnings"), this);
    warningsDock->setObjectName(QStringLiteral("warningsDock"));
    warningsDock->setWidget(warningsView);
    addDockWidget(Qt::BottomDockWidgetArea, warningsDock);
    resizeDocks({sessionDock}, {330}, Qt::Horizontal);
    resizeDocks({warningsDock}, {90}, Qt::Vertical);
}

void MainWindow::setupActions() {
    setupFileMenu(menuBar()->addMenu(tr("&File")));
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    m_runAction = run->addAction(tr("&Run verification"), QKeySequence(tr("Ctrl+R")), this, &MainWindow::runVerify);
    m_cancelAction = run->addAction(tr("&Cancel"), QKeySequence(Qt::Key_Escape), m_runner, &JobRunner::cancel);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>()) {
        view->addAction(dock->toggleViewAction());
    }
}

void MainWindow::setupFileMenu(QMenu* menu) {
    menu->addAction(tr("Open &train recipe…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open train recipe"), {}, tr("Recipes (*.yaml *.yml)"));
        if (!path.isEmpty()) m_session->setRecipe(true, path);
    });
    menu->addAction(tr("Open &eval recipe…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open eval recipe"), {}, tr("Recipes (*.yaml *.yml)"));
        if (!path.isEmpty()) m_session->setRecipe(false, path);
    });
    menu->addSeparator();
    menu->addAction(tr("Open &session…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), {}, tr("Sessions (*.json)"));
        if (!path.isEmpty()) openSession(path);
    });
    menu->addAction(tr("&Save session…"), QKeySequence::Save, this, &MainWindow::saveSession);
    m_recentMenu = menu->addMenu(tr("Recent sessions"));
    rebuildRecentMenu();
    menu->addSeparator();
    menu->addAction(tr("&Export report (PDF/PNG)…"), QKeySequence(tr("Ctrl+E")), this, &MainWindow::exportReport);
    menu->addAction(tr("Export report &JSON…"), this, &MainWindow::exportReportJson);
    menu->addAction(tr("Export current &plot…"), QKeySequence(tr("Ctrl+Shift+E")), this, &MainWindow::exportPlot);
    menu->addAction(tr("&Copy current plot"), QKeySequence(tr("Ctrl+Shift+C")), this, &MainWindow::copyPlot);
    menu->addSeparator();
    menu->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

void MainWindow::setupConnections() {
    connect(m_runner, &JobRunner::progressChanged, this, &MainWindow::onProgress);
    connect(m_runner, &JobRunner::finished, this, [this](const ReportPtr& report) {
        setRunning(false);
        m_stage->setText(tr("Done in %1 s.").arg(report->wallSeconds, 0, 'f', 1));
        showReport(report);
    });
    connect(m_runner, &JobRunner::failed, this, &MainWindow::onFailed);
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        setRunning(false);
        m_stage->setText(tr("Cancelled."));
    });
    connect(m_session, &SessionPanel::sessionFileDropped, this, &MainWindow::openSession);
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
    m_runner->start(m_jobFactory(*request));
    setRunning(true);
    m_stage->setText(tr("Starting…"));
}

void MainWindow::showReport(const ReportPtr& report) {
    m_view->setReport(report);
    m_warnings->setReport(report);
}

void MainWindow::setRunning(bool running) {
    m_runAction->setEnabled(!running);
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
}

void MainWindow::saveSession() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save session"), QStringLiteral("session.json"), tr("Sessions (*.json)"));
    if (path.isEmpty()) return;
    const Status status = ql::ui::saveSession(m_session->session(), path);
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

void MainWindow::exportReport() {
    if (!m_view->report()) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export report"), QStringLiteral("quantlens-report.pdf"),
                                                      tr("PDF (*.pdf);;PNG image (*.png)"));
    if (path.isEmpty()) return;
    const Status status = ReportExporter(*m_view).write(path);
    if (!status) QMessageBox::critical(this, tr("Export report"), QString::fromStdString(status.error().message));
}

void MainWindow::exportReportJson() {
    if (!m_view->report()) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export JSON"), QStringLiteral("quantlens-report.json"), tr("JSON (*.json)"));
    if (path.isEmpty()) return;
    const Status status = writeReportJson(*m_view->report(), path.toStdString());
    if (!status) QMessageBox::critical(this, tr("Export JSON"), QString::fromStdString(status.error().message));
}

QCustomPlot* MainWindow::currentPlot() const {
    ReportPage* page = m_view->currentPage();
    return page && !page->plots().isEmpty() ? page->plots().first() : nullptr;
}

void MainWindow::exportPlot() {
    QCustomPlot* plot = currentPlot();
    if (!plot) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export plot"), plot->objectName() + QStringLiteral(".png"),
                                                      tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"));
    if (path.isEmpty()) return;
    bool ok = true;
    const int dpi = path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)
                        ? QInputDialog::getInt(this, tr("Export plot"), tr("Resolution (DPI)"), kDefaultExportDpi, 72, 1200, 1, &ok)
                        : kDefaultExportDpi;
    if (!ok) return;
    const Status status = ql::ui::exportPlot(plot, path, dpi);
    if (!status) QMessageBox::critical(this, tr("Export plot"), QString::fromStdString(status.error().message));
}

void MainWindow::copyPlot() {
    if (QCustomPlot* plot = currentPlot()) copyPlotToClipboard(plot);
}

}  // namespace ql::ui
