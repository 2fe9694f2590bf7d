// The Overview at the inspector's working size (1280×800): every check's row is visible without
// scrolling, one line each (the whole text in the cell's tooltip). The demo report, whose diagnosis
// card takes the upper part of the tab, is checked in demo_end_to_end_test.cpp.
#include <gtest/gtest.h>
#include <quantlens/report_io.h>

#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "overview_rows.h"
#include "sample_report.h"
#include "ui/main_window.h"
#include "ui/models/check_summary_model.h"
#include "ui/pages/overview_page.h"
#include "ui/report_view.h"

namespace ql::ui {
namespace {

TEST(OverviewFit, AllFailingReportShowsEveryCheckAt1280x800) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const VerifyReport report = test::allFailingReport();
    ASSERT_EQ(report.checks.size(), 6u);
    const QString path = dir.filePath(QStringLiteral("failing.json"));
    ASSERT_TRUE(writeReportJson(report, path.toStdString()).ok());
    MainWindow window([](const VerifyRequest&) -> VerifyJob { return {}; });
    window.resize(1280, 800);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    QSignalSpy shown(&window, &MainWindow::reportShown);
    window.openReport(path);
    ASSERT_TRUE(shown.wait(20000));
    EXPECT_EQ(window.size(), QSize(1280, 800));
    test::expectEveryCheckRowVisible(window);
}

TEST(OverviewFit, AnElidedCellHasItsWholeTextAsTooltip) {
    const ReportPtr report = test::sampleReportPtr();
    CheckSummaryModel model;
    model.setReport(report);
    ASSERT_EQ(model.rowCount(), 6);
    int texts = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        for (int column : {CheckSummaryModel::Rule, CheckSummaryModel::Result, CheckSummaryModel::KeyNumbers}) {
            const QModelIndex index = model.index(row, column);
            texts += index.data(Qt::DisplayRole).toString().isEmpty() ? 0 : 1;
            EXPECT_EQ(index.data(Qt::ToolTipRole).toString(), index.data(Qt::DisplayRole).toString())
                << row << "," << column;
        }
    }
    EXPECT_GE(texts, 12);  // every rule and result at least
}

}  // namespace
}  // namespace ql::ui
