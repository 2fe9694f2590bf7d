// Soak: one MainWindow opens report after report (small, 29, 253 and 561 modules, bit-identical,
// all failing, and the small one again over the others), and on each visits every tab, drills
// into the worst and the last module (through the picker, as a user types), filters, goes back and
// forth, and exports the report, a plot and a table. Every plot is replotted synchronously at each
// step, so a stale layout or legend state left by the previous report is hit at once. It caught
// the null legend cell of a wrapped legend (4 entries, 3 a row: QCPLegend::item() is null for the
// empty cells) that crashed loading a report over another.
#include <gtest/gtest.h>
#include <quantlens/report_io.h>

#include <QAbstractItemView>
#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

#include "sample_report.h"
#include "ui/export/csv_export.h"
#include "ui/export/plot_exporter.h"
#include "ui/export/report_exporter.h"
#include "ui/main_window.h"
#include "ui/pages/layer_page.h"
#include "ui/pages/report_page.h"
#include "ui/pages/weights_page.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"
#include "ui/widgets/module_filter_bar.h"
#include "ui/widgets/module_picker.h"

namespace ql::ui {
namespace {

constexpr int kTimeoutMs = 20000;

struct Fixture {
    const char* name;
    VerifyReport report;
};

std::vector<Fixture> fixtures() {
    std::vector<Fixture> out;
    out.push_back({"sample", test::sampleReport()});
    out.push_back({"scale29", test::scaleReport(4)});
    out.push_back({"scale253", test::scaleReport(36)});
    out.push_back({"identical", test::identicalReport(4)});
    out.push_back({"failing", test::allFailingReport()});
    out.push_back({"scale561", test::scaleReport(80)});
    out.push_back({"sample_again", test::sampleReport()});  // the small one over the largest
    return out;
}

int worstModule(const VerifyReport& report) {
    const auto& modules = report.weights->modules;
    const auto worst = std::max_element(modules.begin(), modules.end(),
                                        [](const auto& a, const auto& b) { return a.diff.maxAbs < b.diff.maxAbs; });
    return static_cast<int>(worst - modules.begin());
}

// Replots every plot of every tab now (not queued): the legend and layout handlers run here.
void replotAll(ReportView* view) {
    for (ReportPage* page : view->pages()) {
        for (QCustomPlot* plot : page->plots()) plot->replot(QCustomPlot::rpImmediateRefresh);
    }
    QTest::qWait(5);
}

// Every legend entry lies inside its plot (a legend left in a wrong grid state is cut or empty).
void expectLegendsInside(ReportView* view, const char* fixture) {
    for (ReportPage* page : view->pages()) {
        if (!page->isVisible()) continue;
        for (QCustomPlot* plot : page->plots()) {
            if (!plot->isVisible() || !plot->legend->visible()) continue;
            for (const QCPAbstractLegendItem* item : plotStyle::legendEntries(plot->legend)) {
                EXPECT_LE(item->outerRect().right(), plot->viewport().right() + 1)
                    << fixture << " " << plot->objectName().toStdString();
            }
        }
    }
}

// With `shots` (QL_SOAK_DIR set), each tab as the window shows it is saved to
// <shots>/<fixture>_<nn>_<tab>.png, to look at.
void visitEveryTab(MainWindow* window, const char* fixture, const QString& shots) {
    ReportView* view = window->reportView();
    for (int i = 0; i < view->count(); ++i) {
        view->setCurrentIndex(i);
        QTest::qWait(10);
        replotAll(view);
        expectLegendsInside(view, fixture);
        if (!shots.isEmpty()) {
            const QString name = QStringLiteral("%1_%2_%3.png")
                                     .arg(QString::fromLatin1(fixture))
                                     .arg(i, 2, 10, QLatin1Char('0'))
                                     .arg(view->tabText(i).remove(QLatin1Char('&')).toLower());
            window->grab().save(QDir(shots).filePath(name));
        }
    }
}

// Types part of the module's name into the picker and picks the first match, as a user does.
void pickByTyping(LayerPage* layer, const QString& text) {
    ModulePicker* picker = layer->picker();
    picker->lineEdit()->selectAll();
    QTest::keyClicks(picker->lineEdit(), text);
    QTest::keyClick(picker->lineEdit(), Qt::Key_Return);
    QTest::qWait(10);
}

TEST(Soak, ReportAfterReportInOneWindowEveryTabDrillFilterExport) {
    QTemporaryDir temporary;
    ASSERT_TRUE(temporary.isValid());
    // QL_SOAK_DIR keeps the report JSONs and exports, to open them in the GUI or a browser.
    const QDir dir(qEnvironmentVariableIsEmpty("QL_SOAK_DIR") ? temporary.path() : qEnvironmentVariable("QL_SOAK_DIR"));
    ASSERT_TRUE(dir.mkpath(QStringLiteral(".")));
    MainWindow window([](const VerifyRequest&) -> VerifyJob {
        return [](const ProgressFn&) -> Result<VerifyReport> { return test::sampleReport(); };
    });
    window.resize(1280, 800);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    ReportView* view = window.reportView();
    bool narrow = false;
    for (const Fixture& fixture : fixtures()) {
        SCOPED_TRACE(fixture.name);
        window.resize(narrow ? QSize(760, 560) : QSize(1280, 800));  // narrow plots wrap their legends
        narrow = !narrow;
        const QString path = dir.filePath(QString::fromLatin1(fixture.name) + QStringLiteral(".json"));
        ASSERT_TRUE(writeReportJson(fixture.report, path.toStdString()).ok());
        QSignalSpy shown(&window, &MainWindow::reportShown);
        window.openReport(path);  // read off the GUI thread, as File ▸ Open report does
        ASSERT_TRUE(shown.wait(kTimeoutMs));
        ASSERT_TRUE(view->report());
        const std::size_t modules = view->report()->weights->modules.size();
        ASSERT_EQ(modules, fixture.report.weights->modules.size());
        replotAll(view);
        visitEveryTab(&window, fixture.name, qEnvironmentVariable("QL_SOAK_DIR"));

        // Drill into the worst module from the Weights tab, then into the last (lm_head at scale)
        // through the picker, and back and forth over the places visited.
        view->setCurrentWidget(view->weights());
        view->showModule(worstModule(*view->report()));
        replotAll(view);
        EXPECT_EQ(view->layer()->currentModule(), worstModule(*view->report()));
        const int last = static_cast<int>(modules) - 1;
        const QString lastName = QString::fromStdString(view->report()->weights->modules[last].module);
        pickByTyping(view->layer(), lastName.right(std::min<qsizetype>(lastName.size(), 9)));
        view->layer()->selectModule(last);  // when the typed tail matched an earlier module too
        replotAll(view);
        EXPECT_EQ(view->layer()->currentModule(), last);
        expectLegendsInside(view, fixture.name);
        view->goBack();
        replotAll(view);
        view->goForward();
        replotAll(view);

        // Filter the Weights tab (text, then a regex that matches nothing), on both views.
        view->setCurrentWidget(view->weights());
        QLineEdit* search = view->weights()->filterBar()->searchEdit();
        for (WeightsPage::View shape : {WeightsPage::View::Bars, WeightsPage::View::HeatMap}) {
            view->weights()->setView(shape);
            for (const QString& text : {QStringLiteral("mlp"), QStringLiteral("^nothing$"), QString()}) {
                search->setText(text);
                QTest::qWait(10);
                replotAll(view);
            }
            view->weights()->setLogScale(true);
            replotAll(view);
            view->weights()->setLogScale(false);
            view->weights()->resetZoom();
            replotAll(view);
        }

        // Exports: the whole report, the current plot, the current table.
        const QString stem = dir.filePath(QString::fromLatin1(fixture.name));
        for (const char* suffix : {".pdf", ".html"}) {
            const QString out = stem + QString::fromLatin1(suffix);
            const Status status = ReportExporter(*view).write(out);
            EXPECT_TRUE(status.ok()) << out.toStdString() << ": " << (status.ok() ? "" : status.error().message);
            EXPECT_GT(QFileInfo(out).size(), 0) << out.toStdString();
        }
        ASSERT_TRUE(window.currentPlot());
        EXPECT_TRUE(exportPlot(window.currentPlot(), stem + QStringLiteral(".png"), 96).ok());
        ASSERT_TRUE(window.currentTable());
        EXPECT_TRUE(writeCsv(*window.currentTable()->model(), stem + QStringLiteral(".csv")).ok());
        replotAll(view);
    }
}

// The smallest reproduction of the crash: a plot whose legend wraps three a row gets a fourth
// entry; the replot's legend fitting then met the empty cells of the second row.
TEST(Soak, AWrappedLegendWithEmptyCellsReplots) {
    QCustomPlot plot;
    plot.resize(900, 400);
    plotStyle::placeLegendAbove(&plot);
    for (int i = 0; i < 4; ++i) plot.addGraph()->setName(QStringLiteral("series %1").arg(i));
    plot.replot();
    plot.replot();
    EXPECT_EQ(plotStyle::legendEntries(plot.legend).size(), 4);
    EXPECT_GT(plot.legend->itemCount(), 4);  // the grid holds empty cells: the case being tested
    plot.clearGraphs();
    plot.replot();
    EXPECT_TRUE(plotStyle::legendEntries(plot.legend).isEmpty());
}

}  // namespace
}  // namespace ql::ui
