#include "ui/export/table_painter.h"

#include <QAbstractItemModel>
#include <QBrush>
#include <QFontMetricsF>
#include <QPainter>
#include <QTextLayout>
#include <algorithm>
#include <numeric>

namespace ql::ui {

namespace {
constexpr double kPadding = 3.0;       // left/right inside a cell
constexpr double kRowPadding = 3.0;    // above + below the text of a row
constexpr double kMinColumn = 40.0;    // a text column never shrinks below this
constexpr int kMeasuredRows = 200;     // rows sampled for the natural column widths
constexpr double kMaxWordShare = 0.3;  // a column keeps its longest word whole up to this share of the width

// Widest run of text without a space (a config field, a module name): what wraps only mid-word.
double widestWord(const QFontMetricsF& metrics, const QString& text) {
    double widest = 0;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        widest = std::max(widest, metrics.horizontalAdvance(word));
    return widest;
}

// Lays `text` out in lines of `width`, breaking at word boundaries, or anywhere inside a word that
// is wider than the line; returns the height used.
double layOut(QTextLayout& layout, double width, Qt::Alignment align) {
    QTextOption option(align);
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    double y = 0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width);
        line.setPosition(QPointF(0, y));
        y += line.height();
    }
    layout.endLayout();
    return y;
}
}  // namespace

TablePainter::TablePainter(const QAbstractItemModel& model, const QFont& font, double width)
    : m_model(model), m_font(font), m_bold(font) {
    m_bold.setBold(true);
    const QFontMetricsF metrics(m_font), boldMetrics(m_bold);
    const int columns = model.columnCount();
    m_widths.fill(0, columns);
    m_numeric.fill(false, columns);
    QVector<double> floors(columns, kMinColumn);  // a text column shrinks no further (its longest word)
    for (int c = 0; c < columns; ++c) {
        if (model.rowCount() > 0) {
            const QVariant align = model.data(model.index(0, c), Qt::TextAlignmentRole);
            m_numeric[c] = align.isValid() && (Qt::Alignment(align.toInt()) & Qt::AlignRight);
        }
        double natural = 0, word = 0;
        for (int r = 0; r < std::min(model.rowCount(), kMeasuredRows); ++r) {
            natural = std::max(natural, metrics.horizontalAdvance(cell(r, c)));
            word = std::max(word, widestWord(metrics, cell(r, c)));
        }
        const QString headerText = model.headerData(c, Qt::Horizontal).toString();
        const double header = boldMetrics.horizontalAdvance(headerText);
        word = std::max(word, widestWord(boldMetrics, headerText));
        m_widths[c] = std::max(natural, header) + 2 * kPadding + 2;
        floors[c] = std::clamp(word + 2 * kPadding + 2, kMinColumn, std::max(kMinColumn, kMaxWordShare * width));
    }
    // Too wide: the widest text columns give up width first, down to a common width (narrow ones
    // such as a check's name stay whole), not below their longest word (up to kMaxWordShare of the
    // page: a field name wraps between words, never inside one); then every column shrinks alike.
    const double total = std::accumulate(m_widths.begin(), m_widths.end(), 0.0);
    if (total > width) {
        double level = 0;
        for (int c = 0; c < columns; ++c) level = std::max(level, m_numeric[c] ? 0.0 : m_widths[c]);
        const auto widthAt = [&](double cap) {
            double sum = 0;
            for (int c = 0; c < columns; ++c)
                sum += m_numeric[c] ? m_widths[c] : std::min(m_widths[c], std::max(cap, floors[c]));
            return sum;
        };
        double low = kMinColumn, high = level;  // bisect the cap so the table just fits
        for (int i = 0; i < 50 && widthAt(low) <= width; ++i) {
            const double mid = (low + high) / 2;
            (widthAt(mid) > width ? high : low) = mid;
        }
        for (int c = 0; c < columns; ++c) {
            if (!m_numeric[c]) m_widths[c] = std::min(m_widths[c], std::max({low, kMinColumn, floors[c]}));
        }
        const double shrunk = std::accumulate(m_widths.begin(), m_widths.end(), 0.0);
        if (shrunk > width) {
            for (double& w : m_widths) w *= width / shrunk;
        }
    }
    m_headerHeight = 0;
    for (int c = 0; c < columns; ++c) {
        m_headerHeight =
            std::max(m_headerHeight, textHeight(model.headerData(c, Qt::Horizontal).toString(), c, m_bold));
    }
    m_headerHeight += kRowPadding;
    m_rowHeights.resize(model.rowCount());
    for (int r = 0; r < model.rowCount(); ++r) {
        double tallest = metrics.height();
        for (int c = 0; c < columns; ++c) tallest = std::max(tallest, textHeight(cell(r, c), c, m_font));
        m_rowHeights[r] = tallest + kRowPadding;
    }
}

QString TablePainter::cell(int row, int column) const {
    return m_model.data(m_model.index(row, column), Qt::DisplayRole)
        .toString()
        .replace(QLatin1Char('\n'), QLatin1Char(' '));
}

double TablePainter::textHeight(const QString& text, int column, const QFont& font) const {
    QTextLayout layout(text, font);
    return layOut(layout, m_widths[column] - 2 * kPadding - 2, Qt::AlignLeft);
}

QColor TablePainter::rowFill(int row, bool shaded) const {
    const QVariant background = m_model.data(m_model.index(row, 0), Qt::BackgroundRole);
    if (background.canConvert<QBrush>() && background.value<QBrush>().style() != Qt::NoBrush)
        return background.value<QBrush>().color();
    return shaded ? QColor(0xf5, 0xf5, 0xf5) : QColor();
}

double TablePainter::height(int first, int count) const {
    return m_headerHeight + std::accumulate(m_rowHeights.begin() + first, m_rowHeights.begin() + first + count, 0.0);
}

int TablePainter::rowsFitting(int first, double available) const {
    double used = m_headerHeight;
    int count = 0;
    while (first + count < m_rowHeights.size() && used + m_rowHeights[first + count] <= available)
        used += m_rowHeights[first + count++];
    return count;
}

void TablePainter::paintRow(QPainter* painter, double y, double height, const QVector<QString>& texts, bool header,
                            const QColor& fill) const {
    painter->setFont(header ? m_bold : m_font);
    const double width = std::accumulate(m_widths.begin(), m_widths.end(), 0.0);
    if (header || fill.isValid())
        painter->fillRect(QRectF(0, y, width, height), header ? QColor(0xe0, 0xe0, 0xe0) : fill);
    double x = 0;
    for (int c = 0; c < texts.size(); ++c) {
        // 2 px short of the cell on the right: a glyph's ink may reach past its advance.
        QTextLayout layout(texts[c], header ? m_bold : m_font, painter->device());
        layOut(layout, m_widths[c] - 2 * kPadding - 2, m_numeric[c] && !header ? Qt::AlignRight : Qt::AlignLeft);
        layout.draw(painter, QPointF(x + kPadding, y + kRowPadding / 2));
        x += m_widths[c];
    }
}

void TablePainter::paint(QPainter* painter, const QPointF& origin, int first, int count) const {
    painter->save();
    painter->translate(origin);
    painter->setPen(Qt::black);
    QVector<QString> header;
    for (int c = 0; c < m_model.columnCount(); ++c) header << m_model.headerData(c, Qt::Horizontal).toString();
    paintRow(painter, 0, m_headerHeight, header, true, QColor());
    double y = m_headerHeight;
    for (int i = 0; i < count; ++i) {
        QVector<QString> texts;
        for (int c = 0; c < m_model.columnCount(); ++c) texts << cell(first + i, c);
        paintRow(painter, y, m_rowHeights[first + i], texts, false, rowFill(first + i, i % 2 == 1));
        y += m_rowHeights[first + i];
    }
    painter->restore();
}

}  // namespace ql::ui
