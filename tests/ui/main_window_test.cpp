// The main window's wiring at model scale: Run button, attention and tolerance settings reaching
// the request and the header, the empty Prompts box refused, stale results marked, the config
// check shown before any run, report JSONs opened, sessions saved and reopened with their report,
// the window geometry restored, and "export current plot" following the plot last clicked.
#include "ui/main_window.h"

#include <gtest/gtest.h>
#include <quantlens/report_io.h>

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

#include "sample_report.h"
#include "ui/check_display.h"
#include "ui/format.h"
#include "ui/models/check_summary_model.h"
#include "ui/pages/config_page.h"
#include "ui/pages/logits_page.h"
#include "ui/pages/overview_page.h"
#include "ui/pages/report_page.h"
#include "ui/pages/weights_page.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"
#include "ui/report_views.h"
#include "ui/session/recipe_builder_dialog.h"
#include "ui/session/session.h"
#include "ui/session/session_panel.h"

namespace ql::ui {
namespace {

constexpr int kTimeoutMs = 10000;

// A job that returns the 253-module fixture report, whatever the request.
MainWindow::JobFactory fixtureJobs(VerifyRequest* seen) {
    return [seen](const VerifyRequest& request) -> VerifyJob {
        if (seen) *seen = request;
        return [](const ProgressFn&) -> Result<VerifyReport> { return test::scaleReport(36); };
    };
}

void writeText(const QString& path, const QByteArray& text) {
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(text);
}

class MainWindowTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir.isValid());
        QSettings().clear();
        writeText(dir.filePath(QStringLiteral("train.yaml")),
                  "model: m\ndtype: bfloat16\ndevice_numerics: cuda\ntorchao_version: \"0.18\"\n"
                  "quantization: {scheme: int4_weight_only, group_size: 32}\n");
        writeText(dir.filePath(QStringLiteral("eval.yaml")),
                  "model: m\ndtype: bfloat16\ndevice_numerics: cpu\ntorchao_version: \"0.15\"\n"
                  "quantization: {scheme: int4_weight_only, group_size: 32}\n");
    }
    void TearDown() override { QSettings().clear(); }
    Session runnableSession() const {
        Session session;
        session.trainRecipe = dir.filePath(QStringLiteral("train.yaml"));
        session.evalRecipe = dir.filePath(QStringLiteral("eval.yaml"));
        return session;
    }
    QTemporaryDir dir;
};

TEST_F(MainWindowTest, RunButtonRunsWithTheChosenAttentionAndTolerances) {
    VerifyRequest seen;
    MainWindow window(fixtureJobs(&seen));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    Session session = runnableSession();
    session.attention = QStringLiteral("eager");
    session.weightAtol = 1e-3;
    session.logitRtol = 2e-4;
    window.setSession(session);
    QSignalSpy shown(&window, &MainWindow::reportShown);
    QTest::mouseClick(window.sessionPanel()->runButton(), Qt::LeftButton);
    ASSERT_TRUE(shown.wait(kTimeoutMs));
    EXPECT_EQ(seen.attention, AttentionImpl::Eager);
    EXPECT_DOUBLE_EQ(seen.weightTolerance.atol, 1e-3);
    EXPECT_DOUBLE_EQ(seen.logitTolerance.rtol, 2e-4);
    EXPECT_EQ(window.reportView()->report()->weights->modules.size(), static_cast<size_t>(test::scaleModules(36)));
}

TEST(SessionPanel, SettingsRoundTripThroughTheWidgets) {
    SessionPanel panel;
    Session session;
    session.attention = QStringLiteral("eager");
    session.weightAtol = 1e-3;
    session.weightRtol = 0.5;
    session.logitAtol = 3e-6;
    panel.setSession(session);
    const Session back = panel.session();
    EXPECT_EQ(back.attention, QStringLiteral("eager"));
    EXPECT_DOUBLE_EQ(back.weightAtol, 1e-3);
    EXPECT_DOUBLE_EQ(back.weightRtol, 0.5);
    EXPECT_DOUBLE_EQ(back.logitAtol, 3e-6);
    EXPECT_EQ(Session().promptList(),
              QStringList{QString::fromUtf8(Session::kDefaultPrompt)});  // shown, not substituted
}

TEST(Session, EmptyPromptsAreRefusedLikeTheCli) {
    Session session;
    session.trainRecipe = QStringLiteral("/nonexistent/train.yaml");
    session.evalRecipe = QStringLiteral("/nonexistent/eval.yaml");
    session.prompts = QStringLiteral("  \n\n");
    const Result<VerifyRequest> request = makeVerifyRequest(session);
    ASSERT_FALSE(request.ok());
    EXPECT_NE(request.error().message.find("Prompts"), std::string::npos) << request.error().message;
}

TEST(Session, AttentionAndWeightToleranceRoundTrip) {
    Session session;
    session.attention = QStringLiteral("eager");
    session.weightAtol = 1e-4;
    session.reportPath = QStringLiteral("s.report.json");
    const Result<Session> back = sessionFromJson(sessionToJson(session), QStringLiteral("s.json"));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->attention, QStringLiteral("eager"));
    EXPECT_DOUBLE_EQ(back->weightAtol, 1e-4);
    EXPECT_EQ(back->reportPath, QStringLiteral("s.report.json"));
    QByteArray bad = sessionToJson(session).replace("\"eager\"", "\"flash\"");
    const Result<Session> refused = sessionFromJson(bad, QStringLiteral("bad.json"));
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("bad.json"), std::string::npos);
}

TEST_F(MainWindowTest, HeaderShowsAttentionAndTolerances) {
    MainWindow window(fixtureJobs(nullptr));
    auto report = std::make_shared<VerifyReport>(test::scaleReport(2));
    report->attention = "eager";
    report->weightTolerance = {1e-3, 0};
    window.showReport(report);
    const QString header = window.reportView()->overview()->setupLabel()->text();
    EXPECT_TRUE(header.contains(QStringLiteral("attention eager"))) << header.toStdString();
    EXPECT_TRUE(header.contains(QStringLiteral("weights atol 0.001, rtol 0"))) << header.toStdString();
}

TEST_F(MainWindowTest, ChangingTheSessionMarksResultsStale) {
    MainWindow window(fixtureJobs(nullptr));
    window.setSession(runnableSession());
    QSignalSpy shown(&window, &MainWindow::reportShown);
    window.runVerify();
    ASSERT_TRUE(shown.wait(kTimeoutMs));
    EXPECT_FALSE(window.isStale());
    EXPECT_FALSE(window.staleBanner()->isVisibleTo(&window));
    Session changed = runnableSession();
    changed.prompts = QStringLiteral("another prompt");
    window.setSession(changed);
    EXPECT_TRUE(window.isStale());
    EXPECT_TRUE(window.staleBanner()->isVisibleTo(&window));
    window.runVerify();
    ASSERT_TRUE(shown.wait(kTimeoutMs));
    EXPECT_FALSE(window.isStale());
    EXPECT_FALSE(window.staleBanner()->isVisibleTo(&window));
}

TEST_F(MainWindowTest, ConfigTabShowsTheRecipesDiffBeforeAnyRun) {
    MainWindow window(fixtureJobs(nullptr));
    ConfigPage* config = window.reportView()->config();
    window.setSession(runnableSession());
    QTRY_VERIFY_WITH_TIMEOUT(config->showsPreview(), kTimeoutMs);
    EXPECT_GT(config->tables().first()->rowCount(), 0);
    EXPECT_TRUE(config->summary().contains(QStringLiteral("DIFFER")))
        << config->summary().toStdString();       // 0.18 cuda vs 0.15 cpu
    EXPECT_FALSE(window.reportView()->report());  // no run yet
}

TEST_F(MainWindowTest, OpensAReportJson) {
    const QString path = dir.filePath(QStringLiteral("r.json"));
    ASSERT_TRUE(writeReportJson(test::scaleReport(80), path.toStdString()).ok());
    MainWindow window(fixtureJobs(nullptr));
    QSignalSpy shown(&window, &MainWindow::reportShown);
    window.openReport(path);
    ASSERT_TRUE(shown.wait(kTimeoutMs));
    EXPECT_EQ(window.reportView()->report()->weights->modules.size(), static_cast<size_t>(test::scaleModules(80)));
}

TEST_F(MainWindowTest, AnOpenedReportRunWithOtherRecipesSaysSo) {
    VerifyReport report = test::scaleReport(4);
    report.train.recipeFile = dir.filePath(QStringLiteral("elsewhere/train.yaml")).toStdString();
    const QString path = dir.filePath(QStringLiteral("r.json"));
    ASSERT_TRUE(writeReportJson(report, path.toStdString()).ok());
    MainWindow window(fixtureJobs(nullptr));
    window.setSession(runnableSession());
    QSignalSpy shown(&window, &MainWindow::reportShown);
    window.openReport(path);
    ASSERT_TRUE(shown.wait(kTimeoutMs));
    EXPECT_TRUE(window.staleBanner()->isVisibleTo(&window));
    const QString text = window.staleBanner()->text();
    EXPECT_TRUE(text.contains(QStringLiteral("elsewhere"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("train: the report ran the recipe"))) << text.toStdString();
    window.runVerify();  // the session's own run replaces it
    ASSERT_TRUE(shown.wait(kTimeoutMs));
    EXPECT_FALSE(window.staleBanner()->isVisibleTo(&window));
}

TEST_F(MainWindowTest, SessionSavesAndReopensItsReportAndTheGeometryComesBack) {
    const QString path = dir.filePath(QStringLiteral("work.json"));
    {
        MainWindow window(fixtureJobs(nullptr));
        window.setSession(runnableSession());
        window.showReport(test::scaleReportPtr(80));
        window.resize(731, 517);  // inside the offscreen platform's 800×600 screen
        ASSERT_TRUE(window.saveSessionTo(path).ok());
        window.saveWindowLayout();
    }
    EXPECT_TRUE(QFileInfo::exists(dir.filePath(QStringLiteral("work.report.json"))));
    MainWindow reopened(fixtureJobs(nullptr));
    EXPECT_EQ(reopened.size(), QSize(731, 517));
    QSignalSpy shown(&reopened, &MainWindow::reportShown);
    reopened.openSession(path);
    ASSERT_TRUE(shown.wait(kTimeoutMs));
    EXPECT_EQ(reopened.reportView()->report()->weights->modules.size(), static_cast<size_t>(test::scaleModules(80)));
    EXPECT_EQ(reopened.sessionPanel()->session().trainRecipe, runnableSession().trainRecipe);
    EXPECT_FALSE(reopened.isStale());
}

TEST_F(MainWindowTest, ExportCurrentPlotFollowsTheLastClickedPlot) {
    MainWindow window(fixtureJobs(nullptr));
    window.resize(1280, 800);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    window.showReport(test::scaleReportPtr(4));
    ReportView* view = window.reportView();
    view->setCurrentWidget(view->logits());
    const QList<QCustomPlot*> plots = view->logits()->plots();
    ASSERT_EQ(plots.size(), 2);
    EXPECT_EQ(window.currentPlot(), plots[0]);
    QTest::mouseClick(plots[1], Qt::LeftButton, {}, plots[1]->rect().center());
    EXPECT_EQ(window.currentPlot(), plots[1]);
}

TEST(RecipeBuilder, RefusesAModelPathThatIsNotACheckpoint) {
    QTemporaryDir dir;
    RecipeFields fields;
    fields.modelDir = dir.filePath(QStringLiteral("missing"));
    EXPECT_TRUE(recipeFieldsProblem(fields).contains(QStringLiteral("no such folder")));
    fields.modelDir = dir.path();
    EXPECT_TRUE(recipeFieldsProblem(fields).contains(QStringLiteral("no config.json")));
    writeText(dir.filePath(QStringLiteral("config.json")), "{}");
    EXPECT_TRUE(recipeFieldsProblem(fields).isEmpty());
    fields.adapterDir = dir.path();
    EXPECT_TRUE(recipeFieldsProblem(fields).contains(QStringLiteral("adapter_config.json")));
}

// The engine words every headline and key number; the inspector only spells each value by its unit.
TEST(CheckDisplay, TheEngineSummaryIsShownAndEachNumberSpelledByItsUnit) {
    CheckSummary check;
    check.headline = "logits max |Δ| 0.125, top-1 agreement 24.4 %";
    check.numbers = {{"top-1", "raw 0.2439", 0.2439, "fraction"},
                     {"bytes before", "raw", 3.0 * 1024 * 1024, "bytes"},
                     {"SQNR dB", "raw", 42.31, "decibel"},
                     {"modules", "12 of 196", 12.0, "count"},
                     {"max |Δ|", "raw", 0.0312512, "absolute"},
                     {"first diverging layer", "none", std::nullopt, "text"},
                     {"a number from a schema-3 report", "7.5e-3", std::nullopt, "text"}};
    EXPECT_EQ(displayHeadline(check), QString::fromStdString(check.headline));
    const QString text = displayNumbersText(check);
    for (const QString& expected :
         {QStringLiteral("top-1: 24.4 %"), formatBytes(3 * 1024 * 1024).prepend(QStringLiteral("bytes before: ")),
          QStringLiteral("SQNR dB: 42.3 dB"), QStringLiteral("modules: 12 of 196"), QStringLiteral("max |Δ|: 0.03125"),
          QStringLiteral("first diverging layer: none"), QStringLiteral("a number from a schema-3 report: 7.5e-3")}) {
        EXPECT_TRUE(text.contains(expected)) << expected.toStdString() << " in " << text.toStdString();
    }
    EXPECT_FALSE(text.contains(QStringLiteral("raw")));
    // The Overview shows exactly that: the engine's labels, in the engine's order.
    auto report = std::make_shared<VerifyReport>(test::scaleReport(4));
    CheckSummaryModel model;
    model.setReport(report);
    for (int row = 0; row < model.rowCount(); ++row) {
        const CheckSummary& c = report->checks[static_cast<std::size_t>(row)];
        EXPECT_EQ(model.data(model.index(row, CheckSummaryModel::Result), Qt::DisplayRole).toString(),
                  displayHeadline(c));
        EXPECT_EQ(model.data(model.index(row, CheckSummaryModel::KeyNumbers), Qt::DisplayRole).toString(),
                  displayNumbersText(c));
    }
}

TEST(CheckDisplay, EveryVerdictHasItsRuleAndEveryCheckAnExplanationInTheBody) {
    OverviewPage page;
    page.setReport(test::scaleReportPtr(4));
    const QString body = page.explanations()->toPlainText();
    for (const CheckSummary& check : test::scaleReport(4).checks) {
        EXPECT_TRUE(body.contains(checkTitle(check.kind))) << checkTitle(check.kind).toStdString();
    }
    EXPECT_TRUE(body.contains(QStringLiteral("Evaluate with the adapter kept unmerged")));
    EXPECT_TRUE(
        body.contains(QStringLiteral("otherwise informational")));  // why a merge check can pass while modules change
    EXPECT_EQ(page.model()->headerData(CheckSummaryModel::Rule, Qt::Horizontal, Qt::DisplayRole).toString(),
              QStringLiteral("Rule"));
}

}  // namespace
}  // namespace ql::ui

namespace ql::ui {
namespace {

// Layer labels fit the width the Weights tab has once shown, in the window as a user has it
// (report shown while another tab is current, then the tab opened), with no replot by hand: a
// tick step chosen before a resize's layout is redone (it used to leave only "0" and "50").
TEST(HeatMapLabels, FitTheShownWidthWithoutAManualReplot) {
    QSettings().clear();
    MainWindow window(fixtureJobs(nullptr));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    window.showReport(test::scaleReportPtr(80));
    QTest::qWait(200);
    window.reportView()->setCurrentWidget(window.reportView()->weights());
    QTest::qWait(300);
    QCustomPlot* plot = window.reportView()->weights()->heatPlot();
    const QVector<double> ticks = plot->xAxis->tickVector();
    ASSERT_GE(ticks.size(), 9) << "labels every 10 layers or closer";
    const double spacing = plot->xAxis->coordToPixel(ticks[1]) - plot->xAxis->coordToPixel(ticks[0]);
    EXPECT_GE(spacing, QFontMetricsF(plot->xAxis->tickLabelFont()).horizontalAdvance(QStringLiteral("out")));
}

// The README screenshots are 1280×800: no tab may force the window wider or taller.
TEST(MainWindowSize, EveryTabFitsA1280By800Window) {
    QSettings().clear();
    MainWindow window(fixtureJobs(nullptr));
    EXPECT_LE(window.minimumSizeHint().width(), 1280) << "before any report";
    window.showReport(test::scaleReportPtr(80));
    for (ReportPage* page : window.reportView()->pages()) {
        window.reportView()->setCurrentWidget(page);
        const QSize hint = window.minimumSizeHint();
        EXPECT_LE(hint.width(), 1280) << page->title().toStdString() << ": page minimum "
                                      << page->minimumSizeHint().width();
        EXPECT_LE(hint.height(), 800) << page->title().toStdString() << ": page minimum "
                                      << page->minimumSizeHint().height();
    }
}

}  // namespace
}  // namespace ql::ui

namespace ql::ui {
namespace {

QAction* actionNamed(const QWidget& window, const QString& text) {
    for (QAction* action : window.findChildren<QAction*>()) {
        if (action->text() == text) return action;
    }
    return nullptr;
}

// Closes the next modal dialog as soon as it is up and hands back its text.
QString textOfNextModal(const std::function<void()>& trigger) {
    QString text;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            text = box->text();
            box->accept();
        }
    });
    poll.start(20);
    trigger();
    return text;
}

TEST(MainWindowLaunch, BackAndForwardAreDisabledUntilThereIsSomewhereToGo) {
    QSettings().clear();
    MainWindow window(fixtureJobs(nullptr));
    QAction* back = actionNamed(window, QStringLiteral("&Back"));
    QAction* forward = actionNamed(window, QStringLiteral("&Forward"));
    ASSERT_TRUE(back && forward);
    EXPECT_FALSE(back->isEnabled());
    EXPECT_FALSE(forward->isEnabled());
    window.showReport(test::scaleReportPtr(4));
    window.reportView()->showModule(3);
    EXPECT_TRUE(back->isEnabled());
    EXPECT_FALSE(forward->isEnabled());
}

TEST(MainWindowLaunch, ExportWithoutAReportSaysWhy) {
    QSettings().clear();
    MainWindow window(fixtureJobs(nullptr));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    for (const QString& name : {QStringLiteral("&Report as PDF, PNG or HTML…"), QStringLiteral("Current &plot…"),
                                QStringLiteral("Current &table as CSV…")}) {
        QAction* action = actionNamed(window, name);
        ASSERT_TRUE(action) << name.toStdString();
        EXPECT_TRUE(action->isEnabled());  // a disabled shortcut would do nothing, silently
        const QString text = textOfNextModal([action] { action->trigger(); });
        EXPECT_TRUE(text.contains(QStringLiteral("no report to export")))
            << name.toStdString() << ": " << text.toStdString();
    }
}

}  // namespace
}  // namespace ql::ui
