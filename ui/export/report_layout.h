// A document (export_document.h: the report's tabs, or a comparison) laid out for paper or one long image, in logical
// pixels at 96 DPI (fonts in points therefore render at their on-screen size relative to the plots; the caller's
// window/scale maps the page onto the device). Each tab starts a page: its title and key numbers, its explanations, its
// plots (vectors, laid out at the page width), then its tables (at most kMaxTableRows rows, continued across pages with
// the header repeated). Nothing is clipped: a block that does not fit moves to the next page.
#pragma once

#include <QFont>
#include <QList>
#include <QString>
#include <memory>
#include <vector>

class QAbstractItemModel;
class QCustomPlot;
class QCPPainter;

namespace ql::ui {

struct ExportDocument;
struct ExportSection;
class TablePainter;

class ReportLayout {
public:
    static constexpr int kMaxTableRows = 60;
    static constexpr double kPlotHeight = 330;
    // A plot may ask for another height in exports (a double property of the QCustomPlot).
    static constexpr const char* kExportHeightProperty = "ql_export_height";

    // pageHeight <= 0: one page as tall as the content (PNG).
    ReportLayout(const ExportDocument& document, double pageWidth, double pageHeight);
    ~ReportLayout();

    int pageCount() const { return static_cast<int>(m_pages.size()); }
    double pageWidth() const { return m_width; }
    double contentHeight(int page) const;  // used height of a page
    void paintPage(QCPPainter* painter, int page) const;

private:
    struct Block {
        enum class Kind { Html, Plot, Table } kind = Kind::Html;
        QString html;
        QCustomPlot* plot = nullptr;
        const TablePainter* table = nullptr;
        int firstRow = 0, rows = 0;
        double height = 0;
        bool newPage = false;  // starts a tab's section
    };
    struct Placed {
        Block block;
        double y = 0;
    };

    void addSection(const ExportSection& section);
    void addTable(const QAbstractItemModel& model, const QString& caption);
    double htmlHeight(const QString& html) const;
    void paginate(std::vector<Block> blocks);

    double m_width;
    double m_pageHeight;
    QFont m_font;
    std::vector<Block> m_blocks;
    std::vector<std::unique_ptr<TablePainter>> m_tables;
    std::vector<std::vector<Placed>> m_pages;
};

}  // namespace ql::ui
