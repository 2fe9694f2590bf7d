// Exports write valid files: PNG / PDF / SVG magic bytes, non-trivial sizes, PNG pixel size = DPI scale.
#include <gtest/gtest.h>

#include <QFile>
#include <QImage>
#include <QTemporaryDir>

#include "sample_report.h"
#include "ui/export/plot_exporter.h"
#include "ui/export/report_exporter.h"
#include "ui/pages/weights_page.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"

namespace ql::ui {
namespace {

QByteArray head(const QString& path, int bytes) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.read(bytes) : QByteArray();
}

class ExportTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir.isValid());
        view.resize(1200, 800);
        view.setReport(test::sampleReportPtr());
    }
    QString path(const char* name) const { return dir.filePath(QString::fromLatin1(name)); }
    QTemporaryDir dir;
    ReportView view;
};

TEST_F(ExportTest, PlotAsPngAtChosenDpi) {
    QCustomPlot* plot = view.weights()->barPlot();
    plot->resize(600, 300);
    ASSERT_TRUE(exportPlot(plot, path("plot.png"), 192).ok());
    EXPECT_EQ(head(path("plot.png"), 8), QByteArray("\x89PNG\r\n\x1a\n", 8));
    const QImage image(path("plot.png"));
    EXPECT_EQ(image.width(), 1200);  // 600 logical px × 192/96
    EXPECT_EQ(image.height(), 600);
    EXPECT_NEAR(image.dotsPerMeterX() * 0.0254, 192.0, 1.0);
}

TEST_F(ExportTest, PlotAsSvgAndPdf) {
    QCustomPlot* plot = view.weights()->barPlot();
    plot->resize(600, 300);
    ASSERT_TRUE(exportPlot(plot, path("plot.svg")).ok());
    EXPECT_TRUE(head(path("plot.svg"), 200).contains("<svg") || head(path("plot.svg"), 400).contains("<svg"));
    ASSERT_TRUE(exportPlot(plot, path("plot.pdf")).ok());
    EXPECT_EQ(head(path("plot.pdf"), 5), QByteArray("%PDF-"));
    EXPECT_FALSE(exportPlot(plot, path("plot.bmp")).ok());
}

TEST_F(ExportTest, WholeReportAsMultiPagePdf) {
    ASSERT_TRUE(ReportExporter(view).writePdf(path("report.pdf")).ok());
    const QByteArray pdf = [&] {
        QFile f(path("report.pdf"));
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }();
    EXPECT_TRUE(pdf.startsWith("%PDF-"));
    EXPECT_GT(pdf.size(), 10000);
    EXPECT_GE(pdf.count("/Type /Page\n") + pdf.count("/Type /Page\r") + pdf.count("/Type /Page "),
              view.pages().size() > 0 ? 1 : 0);
}

TEST_F(ExportTest, WholeReportAsOnePng) {
    ASSERT_TRUE(ReportExporter(view).writePng(path("report.png"), 96).ok());
    const QImage image(path("report.png"));
    EXPECT_EQ(image.width(), static_cast<int>(ReportExporter::kPngWidth));
    EXPECT_GT(image.height(), 2000);  // eight sections stacked
}

TEST_F(ExportTest, HeadlessEntryPoint) {
    ASSERT_TRUE(exportReport(test::sampleReport(), path("cli.pdf").toStdString()).ok());
    EXPECT_EQ(head(path("cli.pdf"), 5), QByteArray("%PDF-"));
    const Status bad = exportReport(test::sampleReport(), path("cli.txt").toStdString());
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("cli.txt"), std::string::npos);
}

}  // namespace
}  // namespace ql::ui
