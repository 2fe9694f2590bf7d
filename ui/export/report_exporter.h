// The whole report (or any ExportDocument: a comparison too) as one multi-page PDF (each section
// starts a page: key numbers, explanations, plots as vectors, tables), one long PNG, or one
// self-contained HTML file (plots as inline SVG, every table in full). Usable without a window:
// exportReport() builds the tabs off screen (creating an offscreen QApplication when the process
// has none). Call on the main thread.
#pragma once

#include <quantlens/result.h>
#include <quantlens/verify_report.h>

#include <QSize>
#include <QString>
#include <memory>
#include <string>

#include "ui/export/export_document.h"

class QCPPainter;

namespace ql::ui {

class ReportLayout;
class ReportView;

// PDF pages: A4 with 12 mm margins; the printable area in device pixels at 96 DPI.
QSize pdfPrintableArea();
// The layout of the PDF pages (logical page: ReportExporter::kPageWidth wide, the footer excluded).
std::unique_ptr<ReportLayout> pdfLayout(const ExportDocument& document, const QSize& printableArea);
std::unique_ptr<ReportLayout> pdfLayout(const ReportView& view, const QSize& printableArea);
// Draws page `page` (content and a footer naming `title`) onto a painter over a device of
// `printableArea` pixels.
void paintPdfPage(QCPPainter* painter, const ReportLayout& layout, int page, const QSize& printableArea,
                  const QString& title = ExportDocument().title);

class ReportExporter {
public:
    // Logical px (96 DPI) across the printable width of A4 (703 device px): text prints about 3 % above
    // its point size, so 9 pt labels read as 9.3 pt and 6 pt exponents stay legible.
    static constexpr double kPageWidth = 680;
    static constexpr double kPngWidth = 1100;

    explicit ReportExporter(const ReportView& view);
    explicit ReportExporter(ExportDocument document);

    Status writePdf(const QString& path) const;
    Status writePng(const QString& path, int dpi = 144) const;
    Status writeHtml(const QString& path) const;
    Status write(const QString& path) const;  // by suffix: .pdf, .png, .html / .htm; atomic

private:
    ExportDocument m_document;
};

// Headless entry point for `quantlens verify --export out.pdf|png|html`.
Status exportReport(const VerifyReport& report, const std::string& path);

}  // namespace ql::ui
