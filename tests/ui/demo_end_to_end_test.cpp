// End to end: the demo workspace (written by the core) -> MainWindow -> ql::verify on the JobRunner
// -> every tab populated from the real report. Checks the wiring, not the numbers (the core's
// golden tests check those against the Python reference).
#include <gtest/gtest.h>
#include <quantlens/demo_workspace.h>

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "overview_rows.h"
#include "ui/main_window.h"
#include "ui/pages/overview_page.h"
#include "ui/pages/report_page.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"
#include "ui/session/session_panel.h"
#include "ui/verify_job.h"
#include "ui/widgets/what_to_change_card.h"

namespace ql::ui {
namespace {

TEST(DemoEndToEnd, RunPopulatesEveryTab) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const auto demo = writeDemoWorkspace(dir.path().toStdString());
    ASSERT_TRUE(demo.ok()) << demo.error().message;
    MainWindow window(&makeVerifyJob);
    window.resize(1280, 800);  // the working size: the Overview below is checked at it
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    ASSERT_TRUE(window.sessionPanel()->loadFolder(dir.path()));
    QSignalSpy finished(window.runner(), &JobRunner::finished);
    QSignalSpy failed(window.runner(), &JobRunner::failed);
    window.runVerify();
    ASSERT_TRUE(finished.wait(180000)) << (failed.isEmpty() ? std::string("timeout")
                                                            : failed.at(0).at(0).toString().toStdString());
    const ReportPtr report = window.reportView()->report();
    ASSERT_TRUE(report);
    ASSERT_TRUE(report->weights && report->logits && report->activations && report->convert && report->trainerState);
    for (ReportPage* page : window.reportView()->pages()) {
        EXPECT_FALSE(page->summary().isEmpty()) << page->title().toStdString();
        for (QCustomPlot* plot : page->plots()) {
            EXPECT_GT(plot->plottableCount() + plot->itemCount(), 0)
                << page->title().toStdString() << ": " << plot->objectName().toStdString();
        }
        for (QAbstractItemModel* model : page->tables()) {
            EXPECT_GT(model->rowCount(), 0) << page->title().toStdString();
        }
    }
    // The demo's eval side differs in adapter form, device numerics and torchao release: the Overview's
    // "What to change" card lists each with its measured effect, and writes the fixed recipe, which
    // matches train.
    ASSERT_TRUE(report->diagnosis.has_value());
    EXPECT_EQ(report->diagnosis->causes.size(), 3u);
    EXPECT_TRUE(report->diagnosis->fixedRecipeMatchesTrain);
    OverviewPage* overview = nullptr;
    for (ReportPage* page : window.reportView()->pages()) {
        if (auto* o = qobject_cast<OverviewPage*>(page)) overview = o;
    }
    ASSERT_NE(overview, nullptr);
    WhatToChangeCard* card = overview->whatToChange();
    EXPECT_FALSE(card->isHidden());
    // Under the card, every check's row is visible at 1280×800, one line each.
    EXPECT_EQ(window.size(), QSize(1280, 800));
    test::expectEveryCheckRowVisible(window);
    EXPECT_TRUE(card->writeButton()->isEnabled());
    for (const DiagnosisCause& c : report->diagnosis->causes) {
        EXPECT_TRUE(card->table()->text().contains(QString::fromStdString(c.field))) << c.field;
    }
    const QString fixed = dir.filePath(QStringLiteral("eval_fixed.yaml"));
    EXPECT_TRUE(card->writeTo(fixed).isEmpty());
    EXPECT_TRUE(QFile::exists(fixed));
    QFile foreign(dir.filePath(QStringLiteral("train.yaml")));  // the demo's own recipe: never replaced
    ASSERT_TRUE(foreign.open(QIODevice::ReadOnly));
    const QByteArray before = foreign.readAll();
    foreign.close();
    EXPECT_FALSE(card->writeTo(foreign.fileName()).isEmpty());
    ASSERT_TRUE(foreign.open(QIODevice::ReadOnly));
    EXPECT_EQ(foreign.readAll(), before);
}

}  // namespace
}  // namespace ql::ui
