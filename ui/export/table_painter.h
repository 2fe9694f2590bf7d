// Draws a table model onto a page: numeric columns keep their natural width, text columns share
// the rest of the page width in proportion to their natural width, and their text wraps (at any
// character when a word does not fit: module names have no spaces). Rows grow to their tallest
// cell; the header repeats on every page the table continues on. Numeric columns are
// right-aligned as in the views. A row the model tints (Qt::BackgroundRole of its first cell, e.g.
// a differing config field) is filled with that colour; other rows alternate white and light grey.
#pragma once

#include <QColor>
#include <QFont>
#include <QPointF>
#include <QVector>

class QAbstractItemModel;
class QPainter;

namespace ql::ui {

class TablePainter {
public:
    TablePainter(const QAbstractItemModel& model, const QFont& font, double width);

    double headerHeight() const { return m_headerHeight; }
    double rowHeight(int row) const { return m_rowHeights[row]; }
    double height(int first, int count) const;           // header + rows [first, first + count)
    int rowsFitting(int first, double available) const;  // how many rows from `first` fit (with the header)
    // Rows [first, first + count) under a header, top-left at `origin`.
    void paint(QPainter* painter, const QPointF& origin, int first, int count) const;

private:
    QString cell(int row, int column) const;
    double textHeight(const QString& text, int column, const QFont& font) const;
    QColor rowFill(int row, bool shaded) const;  // invalid: no fill
    void paintRow(QPainter* painter, double y, double height, const QVector<QString>& texts, bool header,
                  const QColor& fill) const;

    const QAbstractItemModel& m_model;
    QFont m_font;
    QFont m_bold;
    QVector<double> m_widths;
    QVector<bool> m_numeric;
    QVector<double> m_rowHeights;
    double m_headerHeight = 0;
};

}  // namespace ql::ui
