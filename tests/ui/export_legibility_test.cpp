// Exports at model scale are legible and truthful: every PDF page (rendered to PNG here, and its
// text recorded) keeps its text inside the page and inside its clip, no two texts overlap, and
// fonts stay within a size range on A4; SVG plots draw nothing outside the axis rect even where
// the screen relies on clipping; the HTML report is one self-contained file with the plots as
// inline SVG, the explanations and every table row; tables export to CSV.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>

#include "sample_report.h"
#include "text_recorder.h"
#include "ui/export/csv_export.h"
#include "ui/export/html_report.h"
#include "ui/export/report_exporter.h"
#include "ui/export/report_layout.h"
#include "ui/export/svg_writer.h"
#include "ui/models/weight_modules_model.h"
#include "ui/pages/report_page.h"
#include "ui/pages/weights_page.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"

namespace ql::ui {
namespace {

constexpr double kMinPoints = 6.0;   // smallest text on an A4 page (legends, table cells, footer)
constexpr double kMaxPoints = 16.0;  // largest (section headings)

class ExportLegibility : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir.isValid());
        view.resize(1280, 800);
        view.setReport(test::scaleReportPtr(80));
    }
    QTemporaryDir dir;
    ReportView view;
};

std::string describe(const test::RecordedText& t) {
    const QRectF r = t.box.boundingRect();
    return t.text.toStdString() + " @(" + std::to_string(r.x()) + "," + std::to_string(r.y()) + " " +
           std::to_string(r.width()) + "x" + std::to_string(r.height()) + ")";
}

TEST_F(ExportLegibility, EveryPdfPageKeepsTextInsideNonOverlappingAndReadable) {
    const QSize area = pdfPrintableArea();
    const auto layout = pdfLayout(view, area);
    ASSERT_GE(layout->pageCount(), static_cast<int>(view.pages().size()));
    const QRectF page(QPointF(0, 0), QSizeF(area));
    QString allText;  // every page's text, to find the explanations in the body of the PDF
    for (int p = 0; p < layout->pageCount(); ++p) {
        // The page as PNG: painted through the same code path as the PDF.
        QImage image(area, QImage::Format_RGB32);
        image.fill(Qt::white);
        {
            QCPPainter painter(&image);
            paintPdfPage(&painter, *layout, p, area);
        }
        ASSERT_TRUE(image.save(dir.filePath(QStringLiteral("page-%1.png").arg(p))));
        int ink = 0;
        for (int y = 0; y < area.height(); y += 3) {
            for (int x = 0; x < area.width(); x += 3) ink += image.pixel(x, y) != qRgb(255, 255, 255) ? 1 : 0;
        }
        EXPECT_GT(ink, 200) << "page " << p << " is blank";
        test::TextRecorder recorder(area);
        {
            QCPPainter painter(&recorder);
            paintPdfPage(&painter, *layout, p, area);
        }
        const auto& texts = recorder.texts();
        ASSERT_FALSE(texts.empty()) << "page " << p;
        for (const test::RecordedText& t : texts) allText += t.text + QLatin1Char(' ');
        for (const test::RecordedText& t : texts) {
            const QRectF box = t.box.boundingRect();
            EXPECT_TRUE(page.adjusted(-0.5, -0.5, 0.5, 0.5).contains(box))
                << "page " << p << " outside: " << describe(t);
            if (t.clip) {
                EXPECT_TRUE(t.clip->adjusted(-1, -1, 1, 1).contains(box))
                    << "page " << p << " clipped: " << describe(t) << " clip (" << t.clip->x() << "," << t.clip->y()
                    << " " << t.clip->width() << "x" << t.clip->height() << ")";
            }
            EXPECT_GE(t.pointSize, kMinPoints)
                << "page " << p << " too small: " << describe(t) << " " << t.pointSize << " pt";
            EXPECT_LE(t.pointSize, kMaxPoints)
                << "page " << p << " too large: " << describe(t) << " " << t.pointSize << " pt";
        }
        // Overlap of the advance boxes: glyph runs of one line abut (a kerned Δ may reach into the
        // next run's ink, which is no overlap); smeared or stacked labels do overlap.
        for (std::size_t i = 0; i < texts.size(); ++i) {
            for (std::size_t j = i + 1; j < texts.size(); ++j) {
                const double overlap = test::overlapArea(texts[i].line, texts[j].line);
                EXPECT_LT(overlap, 1.0) << "page " << p << " overlap " << overlap << " px²: " << describe(texts[i])
                                        << " / " << describe(texts[j]);
            }
        }
    }
    // Explanations, rules and the adapter-merge recommendation are in the PDF's body.
    const QString simplified = allText.simplified();
    EXPECT_TRUE(simplified.contains(QStringLiteral("Evaluate with the adapter kept"))) << "recommendation missing";
    EXPECT_TRUE(simplified.contains(QStringLiteral("otherwise informational"))) << "adapter-merge rule missing";
    EXPECT_TRUE(simplified.contains(QStringLiteral("a pair is close when"))) << "tolerance rule missing";
}

TEST_F(ExportLegibility, PdfFileHasOnePageOfTheLayoutEachAndPdftoppmRendersThem) {
    const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
    ASSERT_TRUE(ReportExporter(view).write(pdf).ok());
    const auto layout = pdfLayout(view, pdfPrintableArea());
    const QString pdftoppm = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
    if (pdftoppm.isEmpty()) GTEST_SKIP() << "pdftoppm (poppler-utils) not installed";
    QProcess process;
    process.start(pdftoppm, {QStringLiteral("-r"), QStringLiteral("60"), QStringLiteral("-png"), pdf,
                             dir.filePath(QStringLiteral("pdf"))});
    ASSERT_TRUE(process.waitForFinished(120000));
    ASSERT_EQ(process.exitCode(), 0) << process.readAllStandardError().toStdString();
    const QStringList pages = QDir(dir.path()).entryList({QStringLiteral("pdf-*.png")});
    EXPECT_EQ(pages.size(), layout->pageCount());
    for (const QString& name : pages) {
        const QImage image(dir.filePath(name));
        EXPECT_NEAR(static_cast<double>(image.height()) / image.width(), 297.0 / 210.0, 0.01) << name.toStdString();
    }
}

struct PdfWord {
    QRectF box;  // PDF points, origin top left
    QString text;
};

// Every word of every page of `pdf` with its box, as poppler's pdftotext -bbox reads them.
std::vector<std::vector<PdfWord>> pdfWords(const QString& pdftotext, const QString& pdf) {
    QProcess process;
    process.start(pdftotext, {QStringLiteral("-bbox"), pdf, QStringLiteral("-")});
    if (!process.waitForFinished(120000)) return {};
    const QString html = QString::fromUtf8(process.readAllStandardOutput());
    std::vector<std::vector<PdfWord>> pages;
    const QRegularExpression word(QStringLiteral(
        "<word xMin=\"([\\d.]+)\" yMin=\"([\\d.]+)\" xMax=\"([\\d.]+)\" yMax=\"([\\d.]+)\">([^<]*)</word>"));
    for (const QString& page : html.split(QStringLiteral("<page "), Qt::SkipEmptyParts).mid(1)) {
        pages.emplace_back();
        for (auto it = word.globalMatch(page); it.hasNext();) {
            const auto m = it.next();
            pages.back().push_back({QRectF(QPointF(m.captured(1).toDouble(), m.captured(2).toDouble()),
                                           QPointF(m.captured(3).toDouble(), m.captured(4).toDouble())),
                                    m.captured(5)});
        }
    }
    return pages;
}

// The PDF file itself (not only its layout): on A4, the typical word is 7–13 pt tall (a font of
// about 6–11 pt; the 300-DPI writer drew 9 pt labels at over 20 pt), every word lies on the page,
// and no two words overlap.
TEST_F(ExportLegibility, PdfWordsAreOnThePageReadableAndApart) {
    const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
    if (pdftotext.isEmpty()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
    const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
    ASSERT_TRUE(ReportExporter(view).write(pdf).ok());
    const auto pages = pdfWords(pdftotext, pdf);
    ASSERT_FALSE(pages.empty());
    const QRectF a4(0, 0, 595, 842);
    for (std::size_t p = 0; p < pages.size(); ++p) {
        std::vector<double> heights;
        for (const PdfWord& w : pages[p]) {
            heights.push_back(w.box.height());
            EXPECT_TRUE(a4.contains(w.box)) << "page " << p << ": " << w.text.toStdString();
        }
        ASSERT_FALSE(heights.empty()) << "page " << p;
        std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
        const double median = heights[heights.size() / 2];
        EXPECT_GE(median, 7.0) << "page " << p;
        EXPECT_LE(median, 13.0) << "page " << p;
        for (std::size_t i = 0; i < pages[p].size(); ++i) {
            for (std::size_t j = i + 1; j < pages[p].size(); ++j) {
                const QRectF both = pages[p][i].box.intersected(pages[p][j].box);
                EXPECT_LT(both.width() * both.height(), 1.0) << "page " << p << ": " << pages[p][i].text.toStdString()
                                                             << " / " << pages[p][j].text.toStdString();
            }
        }
    }
}

TEST_F(ExportLegibility, SvgDrawsNothingOutsideTheAxisRectEvenWhenZoomed) {
    WeightsPage* weights = view.weights();
    weights->setView(WeightsPage::View::Bars);
    weights->setLogScale(true);
    QCustomPlot* plot = weights->barPlot();
    plot->resize(900, 420);
    plot->replot();
    // Zoomed so bars run past the top and a bar is cut at each side: the screen clips them.
    plot->xAxis->setRange(3.5, 40.5);
    plot->yAxis->setRange(plot->yAxis->range().lower * 10, plot->yAxis->range().upper / 20);
    plot->replot();
    const QByteArray svg = plotToSvg(plot, plot->size());
    ASSERT_FALSE(svg.isEmpty());
    QSvgRenderer renderer(svg);
    ASSERT_TRUE(renderer.isValid());
    QImage image(plot->size(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        renderer.render(&painter);
    }
    image.save(dir.filePath(QStringLiteral("bars.png")));
    const QRect inside = plot->axisRect()->rect().adjusted(-2, -2, 2, 2);
    const QRect legend = plot->legend->outerRect();  // its swatches are bar-coloured on purpose
    const auto near = [](const QColor& c, const QColor& ref) {
        return std::abs(c.red() - ref.red()) < 12 && std::abs(c.green() - ref.green()) < 12 &&
               std::abs(c.blue() - ref.blue()) < 12;
    };
    int outside = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (inside.contains(x, y) || legend.contains(x, y)) continue;
            const QColor c = image.pixelColor(x, y);
            outside += near(c, plotStyle::kFail) || near(c, plotStyle::kPass) ? 1 : 0;
        }
    }
    EXPECT_EQ(outside, 0) << "bar pixels outside the axis rect (Qt's SVG generator ignores clipping)";
}

TEST_F(ExportLegibility, HtmlIsSelfContainedWithInlineSvgExplanationsAndFullTables) {
    const QString html = reportToHtml(view);
    EXPECT_TRUE(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    EXPECT_FALSE(html.contains(QStringLiteral("<script")));
    EXPECT_FALSE(html.contains(QStringLiteral("<link")));
    EXPECT_FALSE(html.contains(QRegularExpression(QStringLiteral("src=\"(?!data:)"))));
    int plots = 0;
    for (ReportPage* page : view.pages()) plots += static_cast<int>(page->exportPlots().size());
    const QRegularExpression svgElement(QStringLiteral("<svg[\\s\\S]*?</svg>"));
    int valid = 0, count = 0;
    for (auto it = svgElement.globalMatch(html); it.hasNext();) {
        ++count;
        QSvgRenderer renderer(it.next().captured(0).toUtf8());
        valid += renderer.isValid() ? 1 : 0;
    }
    EXPECT_EQ(count, plots);
    EXPECT_EQ(valid, plots);
    EXPECT_TRUE(html.contains(QStringLiteral("Evaluate with the adapter kept unmerged")));  // the recommendation
    EXPECT_TRUE(html.contains(QStringLiteral("a pair is close when")));
    const QString weights =
        html.section(QStringLiteral("<section id=\"weights\">"), 1).section(QStringLiteral("</section>"), 0, 0);
    EXPECT_EQ(weights.count(QStringLiteral("<tr")), test::scaleModules(80) + 1);  // every module + the header
    EXPECT_TRUE(
        weights.contains(wrappableCellHtml(QStringLiteral("model.layers.79.mlp.down_proj"))));  // may wrap at its dots
    const QString path = dir.filePath(QStringLiteral("report.html"));
    ASSERT_TRUE(ReportExporter(view).write(path).ok());
    EXPECT_GT(QFileInfo(path).size(), 100000);
}

TEST(CsvExport, QuotesTextAndKeepsNumbersAtFullPrecision) {
    WeightModulesModel model;
    model.setReport(test::scaleReportPtr(2));
    const QString csv = modelToCsv(model);
    const QStringList lines = csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), test::scaleModules(2) + 1);
    EXPECT_TRUE(lines[0].startsWith(QStringLiteral("Module,Layer,Type,Shape")));
    EXPECT_TRUE(lines[1].startsWith(QStringLiteral("model.layers.0.self_attn.q_proj,0,q_proj,\"[2048, 1024]\"")))
        << lines[1].toStdString();
    const double maxAbs = model.rowAt(0)->diff.maxAbs;
    EXPECT_TRUE(lines[1].contains(QString::number(maxAbs, 'g', 17))) << lines[1].toStdString();
    QTemporaryDir dir;
    ASSERT_TRUE(writeCsv(model, dir.filePath(QStringLiteral("weights.csv"))).ok());
    EXPECT_FALSE(writeCsv(model, dir.filePath(QStringLiteral("missing/weights.csv"))).ok());
    EXPECT_FALSE(QFileInfo::exists(dir.filePath(QStringLiteral("missing"))));
}

}  // namespace
}  // namespace ql::ui
