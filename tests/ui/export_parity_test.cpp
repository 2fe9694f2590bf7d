// Exports attached to a pull request, as the command line writes them (a ReportView that was never
// shown nor replotted, like `quantlens verify --export` / `quantlens export`): every plot's legend
// is drawn, the bytes chart labels every module type at the PDF's width, the PDF opens with the
// verdict as a headline, tints differing config rows and keeps field names whole, and the HTML
// report's tables fit a 1280 px window.
#include <gtest/gtest.h>

#include <QFontMetricsF>
#include <QImage>
#include <QRegularExpression>
#include <algorithm>

#include "sample_report.h"
#include "text_recorder.h"
#include "ui/export/html_report.h"
#include "ui/export/report_exporter.h"
#include "ui/export/report_layout.h"
#include "ui/export/table_painter.h"
#include "ui/export/verdict_headline.h"
#include "ui/models/config_diff_model.h"
#include "ui/pages/layers_page.h"
#include "ui/pages/report_page.h"
#include "ui/plots/plot_render.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"

namespace ql::ui {
namespace {

// Never shown and no event processed: the queued replots of setReport() have not run, exactly as
// in the command line's export.
class ExportParity : public ::testing::Test {
protected:
    void SetUp() override {
        view.resize(1280, 800);
        view.setReport(test::scaleReportPtr(8));
    }
    ReportView view;
};

QString textDrawn(QCustomPlot* plot, const QSize& size) {
    test::TextRecorder recorder(size);
    {
        QCPPainter painter(&recorder);
        renderPlot(plot, &painter, size.width(), size.height());
    }
    QString all;  // in drawing order, runs joined: a Δ from a fallback font is a run of its own
    for (const test::RecordedText& t : recorder.texts()) all += t.text;
    return all;
}

TEST_F(ExportParity, EveryLegendEntryIsDrawnWithoutAReplot) {
    int entries = 0;
    for (ReportPage* page : view.pages()) {
        for (QCustomPlot* plot : page->exportPlots()) {
            QStringList names;
            for (QCPAbstractLegendItem* item : plotStyle::legendEntries(plot->legend)) {
                if (auto* entry = qobject_cast<QCPPlottableLegendItem*>(item)) names << entry->plottable()->name();
            }
            const QString drawn = textDrawn(plot, QSize(680, 330));
            for (const QString& name : names) {
                ++entries;
                // A legend entry drawn on two lines is one line in the text run.
                EXPECT_TRUE(drawn.contains(QString(name).remove(QLatin1Char('\n'))))
                    << page->title().toStdString() << " / " << plot->objectName().toStdString() << ": legend entry '"
                    << name.toStdString() << "' not drawn";
            }
        }
    }
    EXPECT_GE(entries, 5);  // logits histogram, per position (2), activations (2) at least
}

TEST_F(ExportParity, BytesChartLabelsEveryModuleTypeAtThePdfWidth) {
    const QString drawn =
        textDrawn(view.layers()->bytesPlot(), QSize(static_cast<int>(ReportExporter::kPageWidth), 330));
    for (const char* type : {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "lm_head"}) {
        EXPECT_TRUE(drawn.contains(QString::fromLatin1(type))) << type << " not labelled in:\n" << drawn.toStdString();
    }
}

TEST_F(ExportParity, PdfOpensWithTheVerdictAsAHeadline) {
    const QSize area = pdfPrintableArea();
    const auto layout = pdfLayout(view, area);
    test::TextRecorder recorder(area);
    {
        QCPPainter painter(&recorder);
        paintPdfPage(&painter, *layout, 0, area);
    }
    const auto& texts = recorder.texts();
    ASSERT_FALSE(texts.empty());
    const auto top = std::min_element(texts.begin(), texts.end(), [](const auto& a, const auto& b) {
        return a.box.boundingRect().top() < b.box.boundingRect().top();
    });
    const QString verdict = verdictHeadline(*view.report()).text;
    EXPECT_TRUE(verdict.startsWith(top->text.trimmed().left(8))) << "first text: " << top->text.toStdString();
    std::vector<double> sizes;
    for (const auto& t : texts) sizes.push_back(t.pointSize);
    std::nth_element(sizes.begin(), sizes.begin() + sizes.size() / 2, sizes.end());
    EXPECT_GE(top->pointSize, 1.3 * sizes[sizes.size() / 2]) << "the verdict is body-sized";
    // Once: the Overview's own summary no longer repeats it as body text.
    int mentions = 0;
    for (const auto& t : texts)
        mentions += t.text.contains(QString::fromStdString(view.report()->verdictText()).left(12)) ? 1 : 0;
    EXPECT_EQ(mentions, 1);
}

TEST_F(ExportParity, PaperTableTintsDifferingConfigRows) {
    ConfigDiffModel model;
    model.setReport(view.report());
    QFont font;
    font.setPointSizeF(8);
    const TablePainter table(model, font, ReportExporter::kPageWidth);
    QImage image(static_cast<int>(ReportExporter::kPageWidth), static_cast<int>(table.height(0, model.rowCount())) + 2,
                 QImage::Format_RGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        table.paint(&painter, QPointF(0, 0), 0, model.rowCount());
    }
    double y = table.headerHeight();
    int tinted = 0;
    for (int r = 0; r < model.rowCount(); ++r) {
        const QColor expected = model.data(model.index(r, 0), Qt::BackgroundRole).value<QBrush>().color();
        const bool differs = model.rowAt(r)->verdict != DiffClass::Same;
        const QColor seen = image.pixelColor(1, static_cast<int>(y + 1));  // left of the text (3 px padding)
        if (differs) {
            ++tinted;
            EXPECT_EQ(seen, expected) << "row " << r << " " << model.rowAt(r)->field;
        } else {
            EXPECT_TRUE(seen == QColor(Qt::white) || seen == QColor(0xf5, 0xf5, 0xf5)) << "row " << r;
        }
        y += table.rowHeight(r);
    }
    EXPECT_GE(tinted, 2);
}

TEST_F(ExportParity, PaperTableKeepsConfigFieldNamesWhole) {
    ConfigDiffModel model;
    model.setReport(view.report());
    const TablePainter table(model, QFont(), ReportExporter::kPageWidth);
    test::TextRecorder recorder(QSize(static_cast<int>(ReportExporter::kPageWidth), 2000));
    {
        QPainter painter(&recorder);
        table.paint(&painter, QPointF(0, 0), 0, model.rowCount());
    }
    QStringList lines;
    for (const auto& t : recorder.texts()) lines << t.text.trimmed();
    for (int r = 0; r < model.rowCount(); ++r) {
        const QString field = QString::fromStdString(model.rowAt(r)->field);
        EXPECT_TRUE(lines.contains(field))
            << field.toStdString() << " broken across lines: " << lines.join(QLatin1Char('|')).toStdString();
    }
}

// Min-content width of one cell as a browser computes it: a nowrap (numeric) cell is its whole
// text, another cell its widest piece between spaces and <wbr>.
double minContent(const QString& cellHtml, bool nowrap, const QFontMetricsF& metrics) {
    QString text = cellHtml;
    text.replace(QStringLiteral("<wbr>"), QStringLiteral("\n"));
    text.replace(QStringLiteral("&amp;"), QStringLiteral("&"))
        .replace(QStringLiteral("&lt;"), QStringLiteral("<"))
        .replace(QStringLiteral("&gt;"), QStringLiteral(">"))
        .replace(QStringLiteral("&quot;"), QStringLiteral("\""));
    if (nowrap) return metrics.horizontalAdvance(text.remove(QLatin1Char('\n')));
    double widest = 0;
    for (const QString& piece : text.split(QRegularExpression(QStringLiteral("[\\s\\n]+")), Qt::SkipEmptyParts)) {
        widest = std::max(widest, metrics.horizontalAdvance(piece));
    }
    return widest;
}

TEST_F(ExportParity, HtmlTablesFitA1280PxWindow) {
    const QString html = reportToHtml(view);
    // The stylesheet: text cells wrap, only numeric ones keep a line; the page is at most 1000 px.
    const QString css = html.section(QStringLiteral("<style>"), 1).section(QStringLiteral("</style>"), 0, 0);
    const QString td = css.section(QStringLiteral("\ntd {"), 1).section(QLatin1Char('}'), 0, 0);
    EXPECT_FALSE(td.contains(QStringLiteral("nowrap"))) << "td {" << td.toStdString() << "}";
    EXPECT_TRUE(css.contains(QStringLiteral("max-width: 1000px")));
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(12);
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF metrics(font), boldMetrics(bold);
    constexpr double kCellPadding = 8 + 1;   // 4 px each side, and a border's share
    constexpr double kAvailable = 1000 - 2;  // the body's width less the table frame
    const QRegularExpression table(QStringLiteral("<table>([\\s\\S]*?)</table>"));
    const QRegularExpression row(QStringLiteral("<tr[^>]*>([\\s\\S]*?)</tr>"));
    const QRegularExpression cell(QStringLiteral("<t([hd])( class=\"num\")?>([\\s\\S]*?)</t[hd]>"));
    int tables = 0;
    for (auto t = table.globalMatch(html); t.hasNext(); ++tables) {
        const QString body = t.next().captured(1);
        std::vector<double> widths;
        for (auto r = row.globalMatch(body); r.hasNext();) {
            int column = 0;
            for (auto c = cell.globalMatch(r.next().captured(1)); c.hasNext(); ++column) {
                const auto m = c.next();
                const bool header = m.captured(1) == QLatin1String("h");
                const double w =
                    minContent(m.captured(3), !m.captured(2).isEmpty(), header ? boldMetrics : metrics) + kCellPadding;
                if (static_cast<int>(widths.size()) <= column) widths.resize(column + 1, 0);
                widths[column] = std::max(widths[column], w);
            }
        }
        double total = 0;
        for (double w : widths) total += w;
        EXPECT_LE(total, kAvailable) << "table " << tables << " needs " << total << " px at least (" << widths.size()
                                     << " columns)";
    }
    EXPECT_GE(tables, 5);
}

}  // namespace
}  // namespace ql::ui
