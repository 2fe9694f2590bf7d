#include "overview_rows.h"

#include <gtest/gtest.h>

#include <QScrollBar>
#include <QTableView>
#include <QTest>

#include "ui/main_window.h"
#include "ui/pages/overview_page.h"
#include "ui/report_view.h"

namespace ql::ui::test {

void expectEveryCheckRowVisible(MainWindow& window) {
    ReportView* view = window.reportView();
    view->setCurrentWidget(view->overview());
    QTest::qWait(20);  // the tab's layout runs
    auto* table = view->overview()->findChild<QTableView*>(QStringLiteral("checks"));
    ASSERT_TRUE(table);
    const int rows = table->model()->rowCount();
    ASSERT_GT(rows, 0);
    const int oneLine = table->fontMetrics().height() + 8;
    for (int row = 0; row < rows; ++row) {
        const QRect cell = table->visualRect(table->model()->index(row, 0));
        EXPECT_TRUE(table->viewport()->rect().contains(cell)) << "row " << row << " outside the table's viewport";
        EXPECT_LE(table->viewport()->mapTo(&window, cell.bottomLeft()).y(), window.height()) << "row " << row;
        EXPECT_LE(table->rowHeight(row), oneLine) << "row " << row << " wraps";
    }
    EXPECT_FALSE(table->verticalScrollBar()->isVisible());
}

}  // namespace ql::ui::test
