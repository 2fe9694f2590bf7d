#include "ui/export/report_exporter.h"

#include <QApplication>
#include <QFileInfo>
#include <QImage>
#include <QPageLayout>
#include <QPdfWriter>
#include <QSaveFile>
#include <memory>

#include "ui/export/atomic_file.h"
#include "ui/export/headless_gui.h"
#include "ui/export/html_report.h"
#include "ui/export/report_layout.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"

namespace ql::ui {

namespace {
constexpr double kFooterHeight = 22;  // page number line at the bottom of every PDF page

void drawFooter(QPainter* painter, double width, double y, int page, int pages, const QString& title) {
    QFont font = QApplication::font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    painter->save();
    painter->setFont(font);
    painter->setPen(QColor(0x75, 0x75, 0x75));
    // 4 px inside the page's bottom and right edges: a glyph's ink may reach past its advance.
    painter->drawText(QRectF(0, y, width - 4, kFooterHeight - 4), Qt::AlignRight | Qt::AlignBottom,
                      QObject::tr("%1 · page %2 of %3").arg(title).arg(page + 1).arg(pages));
    painter->restore();
}
}  // namespace

ReportExporter::ReportExporter(const ReportView& view) : m_document(exportDocument(view)) {}

ReportExporter::ReportExporter(ExportDocument document) : m_document(std::move(document)) {}

QSize pdfPrintableArea() {
    const QPageLayout page(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(12, 12, 12, 12),
                           QPageLayout::Millimeter);
    return page.paintRectPixels(96).size();
}

namespace {
double logicalPageHeight(const QSize& printableArea) {
    return ReportExporter::kPageWidth * printableArea.height() / printableArea.width();
}
}  // namespace

std::unique_ptr<ReportLayout> pdfLayout(const ExportDocument& document, const QSize& printableArea) {
    return std::make_unique<ReportLayout>(document, ReportExporter::kPageWidth,
                                          logicalPageHeight(printableArea) - kFooterHeight);
}

std::unique_ptr<ReportLayout> pdfLayout(const ReportView& view, const QSize& printableArea) {
    return pdfLayout(exportDocument(view), printableArea);
}

void paintPdfPage(QCPPainter* painter, const ReportLayout& layout, int page, const QSize& printableArea,
                  const QString& title) {
    const double pageHeight = logicalPageHeight(printableArea);
    painter->setWindow(0, 0, static_cast<int>(ReportExporter::kPageWidth), static_cast<int>(pageHeight));
    painter->setViewport(0, 0, printableArea.width(), printableArea.height());
    layout.paintPage(painter, page);
    drawFooter(painter, ReportExporter::kPageWidth, pageHeight - kFooterHeight, page, layout.pageCount(), title);
}

Status ReportExporter::writePdf(const QString& path) const {
    QPdfWriter writer(path);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(12, 12, 12, 12),
                                     QPageLayout::Millimeter));
    // 96 DPI: a font's points map to the same logical pixels as on screen, so text keeps its size
    // relative to the plots (at 300 DPI it would be drawn 300/96 times too large for the layout).
    writer.setResolution(96);
    writer.setTitle(m_document.title);
    writer.setCreator(QStringLiteral("QuantLens"));
    QCPPainter painter;
    if (!painter.begin(&writer)) {
        return makeError(ErrorCode::Io, QStringLiteral("%1: cannot write the PDF").arg(path).toStdString());
    }
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    const QSize area = painter.viewport().size();
    const std::unique_ptr<ReportLayout> layout = pdfLayout(m_document, area);
    for (int page = 0; page < layout->pageCount(); ++page) {
        if (page > 0) writer.newPage();
        paintPdfPage(&painter, *layout, page, area, m_document.title);
    }
    if (!painter.end()) {
        return makeError(ErrorCode::Io, QStringLiteral("%1: cannot finish the PDF").arg(path).toStdString());
    }
    return Ok{};
}

Status ReportExporter::writePng(const QString& path, int dpi) const {
    const ReportLayout layout(m_document, kPngWidth, 0);
    const double scale = dpi / 96.0;
    const QSize size(static_cast<int>(kPngWidth * scale), static_cast<int>((layout.contentHeight(0) + 10) * scale));
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    {
        // Painted at the image's default 96 DPI and scaled: fonts grow with the drawing, once.
        QCPPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.scale(scale, scale);
        layout.paintPage(&painter, 0);
    }
    image.setDotsPerMeterX(static_cast<int>(dpi / 0.0254));
    image.setDotsPerMeterY(static_cast<int>(dpi / 0.0254));
    if (!image.save(path, "PNG")) {
        return makeError(ErrorCode::Io, QStringLiteral("%1: cannot write the PNG").arg(path).toStdString());
    }
    return Ok{};
}

Status ReportExporter::writeHtml(const QString& path) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(documentToHtml(m_document).toUtf8()) < 0 || !file.commit()) {
        return makeError(ErrorCode::Io,
                         QStringLiteral("%1: cannot write the HTML (%2)").arg(path, file.errorString()).toStdString());
    }
    return Ok{};
}

Status ReportExporter::write(const QString& path) const {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool html = suffix == QLatin1String("html") || suffix == QLatin1String("htm");
    if (suffix != QLatin1String("pdf") && suffix != QLatin1String("png") && !html) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("%1: unknown export type; expected .pdf, .png or .html").arg(path).toStdString());
    }
    return writeViaTemporary(path, [&](const QString& temporary) {
        return html ? writeHtml(temporary) : suffix == QLatin1String("pdf") ? writePdf(temporary) : writePng(temporary);
    });
}

Status exportReport(const VerifyReport& report, const std::string& path) {
    const QFileInfo target(QString::fromStdString(path));
    if (!target.absoluteDir().exists()) {
        return makeError(ErrorCode::NotFound, path + ": the folder does not exist");
    }
    const HeadlessGui gui;
    if (!gui.status()) return gui.status();
    ReportView view;
    view.resize(1200, 800);
    view.setReport(std::make_shared<const VerifyReport>(report));
    return ReportExporter(view).write(QString::fromStdString(path));
}

}  // namespace ql::ui
