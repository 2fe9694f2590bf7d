#include "ui/export/report_layout.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QPainter>
#include <QTextDocument>
#include <algorithm>

#include "ui/export/export_document.h"
#include "ui/export/table_painter.h"
#include "ui/plots/plot_render.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
constexpr double kGap = 10;  // between blocks

QString sectionHeading(const ExportSection& section) {
    return QStringLiteral("<h2>%1</h2><p>%2</p>")
        .arg(section.title.toHtmlEscaped(),
             section.summary.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
}

// Explanations as one block per paragraph, so a long text breaks between paragraphs.
QStringList paragraphs(const QString& html) {
    QStringList parts;
    for (const QString& part : html.split(QStringLiteral("</p>"), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty()) parts << part + QStringLiteral("</p>");
    }
    return parts;
}

void setupDocument(QTextDocument& document, const QFont& font, const QString& html, double width) {
    document.setDefaultFont(font);
    document.setDocumentMargin(2);
    document.setHtml(html);
    document.setTextWidth(width);
}
}  // namespace

ReportLayout::ReportLayout(const ExportDocument& document, double pageWidth, double pageHeight)
    : m_width(pageWidth), m_pageHeight(pageHeight), m_font(QApplication::font()) {
    if (!document.headline.text.isEmpty()) {  // the verdict heads the first page; the first section follows on it
        Block headline{Block::Kind::Html, headlinePaperHtml(document.headline)};
        headline.newPage = true;
        headline.height = htmlHeight(headline.html);
        m_blocks.push_back(headline);
    }
    for (const ExportSection& section : document.sections) addSection(section);
    paginate(std::move(m_blocks));
}

ReportLayout::~ReportLayout() = default;

double ReportLayout::htmlHeight(const QString& html) const {
    QTextDocument document;
    setupDocument(document, m_font, html, m_width);
    return document.size().height();
}

void ReportLayout::addSection(const ExportSection& section) {
    Block heading{Block::Kind::Html, sectionHeading(section)};
    heading.newPage = !(m_blocks.size() == 1 && m_blocks.front().newPage);  // not right under the headline
    heading.height = htmlHeight(heading.html);
    m_blocks.push_back(heading);
    for (const QString& paragraph : paragraphs(section.explanationHtml)) {
        Block block{Block::Kind::Html, paragraph};
        block.height = htmlHeight(paragraph);
        m_blocks.push_back(block);
    }
    for (QCustomPlot* plot : section.plots) {
        Block block{Block::Kind::Plot};
        block.plot = plot;
        const QVariant height = plot->property(kExportHeightProperty);
        block.height = height.isValid() ? height.toDouble() : kPlotHeight;
        m_blocks.push_back(block);
    }
    for (const ExportTable& table : section.paperTables) addTable(*table.model, table.caption);
}

void ReportLayout::addTable(const QAbstractItemModel& model, const QString& caption) {
    if (model.rowCount() == 0) return;
    if (!caption.isEmpty()) {
        Block title{Block::Kind::Html, QStringLiteral("<p><i>%1</i></p>").arg(caption.toHtmlEscaped())};
        title.height = htmlHeight(title.html);
        m_blocks.push_back(title);
    }
    QFont font = m_font;
    font.setPointSizeF(font.pointSizeF() * 0.9);
    m_tables.push_back(std::make_unique<TablePainter>(model, font, m_width));
    Block block{Block::Kind::Table};
    block.table = m_tables.back().get();
    block.rows = std::min(model.rowCount(), kMaxTableRows);
    block.height = block.table->height(0, block.rows);
    m_blocks.push_back(block);
    if (model.rowCount() > block.rows) {
        const QString note = QObject::tr(
                                 "<p><i>%1 more rows: the HTML report and the table's CSV export have all %2, "
                                 "with every column.</i></p>")
                                 .arg(model.rowCount() - block.rows)
                                 .arg(model.rowCount());
        Block more{Block::Kind::Html, note};
        more.height = htmlHeight(note);
        m_blocks.push_back(more);
    }
}

void ReportLayout::paginate(std::vector<Block> blocks) {
    const bool paged = m_pageHeight > 0;
    m_pages.clear();
    double y = 0;
    const auto newPage = [&] {
        m_pages.emplace_back();
        y = 0;
    };
    const auto place = [&](const Block& block) {
        m_pages.back().push_back({block, y});
        y += block.height + kGap;
    };
    for (Block& block : blocks) {
        if (m_pages.empty() || (paged && block.newPage))
            newPage();
        else if (block.newPage)
            y += 2 * kGap;  // one long page: sections follow each other
        if (block.kind == Block::Kind::Table && paged) {
            // As many rows as fit on this page (a table starts on a new page rather than with
            // fewer than three rows), the rest continues on the next pages under a repeated header.
            while (block.rows > 0) {
                const int fit = block.table->rowsFitting(block.firstRow, m_pageHeight - y);
                if (fit < std::min(3, block.rows) && y > 0) {
                    newPage();
                    continue;
                }
                Block part = block;
                part.rows = std::min(std::max(fit, 1), block.rows);
                part.height = block.table->height(part.firstRow, part.rows);
                place(part);
                block.firstRow += part.rows;
                block.rows -= part.rows;
                if (block.rows > 0) newPage();
            }
            continue;
        }
        if (paged && y > 0 && y + block.height > m_pageHeight) newPage();
        place(block);
    }
}

double ReportLayout::contentHeight(int page) const {
    if (page < 0 || page >= pageCount() || m_pages[page].empty()) return 0;
    const Placed& last = m_pages[page].back();
    return last.y + last.block.height;
}

void ReportLayout::paintPage(QCPPainter* painter, int page) const {
    if (page < 0 || page >= pageCount()) return;
    for (const Placed& placed : m_pages[page]) {
        const Block& block = placed.block;
        painter->save();
        painter->translate(0, placed.y);
        switch (block.kind) {
            case Block::Kind::Html: {
                QTextDocument document;
                setupDocument(document, m_font, block.html, m_width);
                document.drawContents(painter, QRectF(0, 0, m_width, block.height));
                break;
            }
            case Block::Kind::Plot:
                renderPlot(block.plot, painter, static_cast<int>(m_width), static_cast<int>(block.height));
                break;
            case Block::Kind::Table:
                block.table->paint(painter, QPointF(0, 0), block.firstRow, block.rows);
                break;
        }
        painter->restore();
    }
}

}  // namespace ql::ui
