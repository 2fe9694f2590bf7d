// How long each tab of the inspector takes to show a report at model scale: setReport (models,
// plots, tables), the queued replots and layouts, and one paint of the view at 1280×800 with that
// tab current, on the
// 253- and 561-module fixture reports (tests/ui/sample_report.cpp), offscreen. The exports too
// (PDF layout of every page, HTML). Timings live here, never in a timed unit test.
//
//   QT_QPA_PLATFORM=offscreen <builddir>/tests/bench/ql_ui_tabs_bench
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QPixmap>
#include <QTabWidget>

#include "sample_report.h"
#include "ui/export/html_report.h"
#include "ui/export/report_exporter.h"
#include "ui/export/report_layout.h"
#include "ui/pages/report_page.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"

namespace {

using ql::ui::ReportView;

struct Fixture {
    ReportView view;
    ql::ui::ReportPtr report;
    explicit Fixture(int layers) : report(ql::ui::test::scaleReportPtr(layers)) {
        view.resize(1280, 800);
        view.show();
        QApplication::processEvents();
    }
};

// state.range(0): decoder layers (36 -> 253 modules, 80 -> 561); range(1): tab index.
void bmShowTab(benchmark::State& state) {
    Fixture fixture(static_cast<int>(state.range(0)));
    const int tab = static_cast<int>(state.range(1));
    ql::ui::ReportPage* page = fixture.view.pages()[tab];
    for (auto _ : state) {
        fixture.view.setReport(nullptr);
        fixture.view.setCurrentIndex(tab);
        page->setReport(fixture.report);
        QApplication::processEvents();         // the queued replots and layouts run here
        QPixmap pixmap = fixture.view.grab();  // paint of the current tab
        benchmark::DoNotOptimize(pixmap);
    }
    state.SetLabel(page->title().toStdString());
}

void bmSetReportAllTabs(benchmark::State& state) {
    Fixture fixture(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        fixture.view.setReport(fixture.report);
        QApplication::processEvents();
    }
}

void bmPdfLayoutAndPages(benchmark::State& state) {
    Fixture fixture(static_cast<int>(state.range(0)));
    fixture.view.setReport(fixture.report);
    const QSize area = ql::ui::pdfPrintableArea();
    for (auto _ : state) {
        const auto layout = ql::ui::pdfLayout(fixture.view, area);
        QImage page(area, QImage::Format_RGB32);
        for (int p = 0; p < layout->pageCount(); ++p) {
            QCPPainter painter(&page);
            ql::ui::paintPdfPage(&painter, *layout, p, area);
        }
        state.counters["pages"] = layout->pageCount();
    }
}

void bmHtml(benchmark::State& state) {
    Fixture fixture(static_cast<int>(state.range(0)));
    fixture.view.setReport(fixture.report);
    for (auto _ : state) {
        const QString html = ql::ui::reportToHtml(fixture.view);
        state.counters["bytes"] = static_cast<double>(html.toUtf8().size());
    }
}

void tabArgs(benchmark::internal::Benchmark* b) {
    for (int layers : {36, 80}) {
        for (int tab = 0; tab < 8; ++tab) b->Args({layers, tab});
    }
}

BENCHMARK(bmShowTab)->Apply(tabArgs)->Unit(benchmark::kMillisecond)->MinTime(0.5);
BENCHMARK(bmSetReportAllTabs)->Arg(36)->Arg(80)->Unit(benchmark::kMillisecond);
BENCHMARK(bmPdfLayoutAndPages)->Arg(36)->Arg(80)->Unit(benchmark::kMillisecond);
BENCHMARK(bmHtml)->Arg(36)->Arg(80)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
