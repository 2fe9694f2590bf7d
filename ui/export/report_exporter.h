// The whole report as one multi-page PDF (one page per tab: its key numbers, plots as vectors and
// its tables) or as one tall PNG. Usable without a window: exportReport() builds the tabs off
// screen (creating an offscreen QApplication when the process has none). Call on the main thread.
#pragma once

#include <quantlens/result.h>
#include <quantlens/verify_report.h>

#include <QString>

#include <string>

class QPainter;

namespace ql::ui {

class ReportPage;
class ReportView;

class ReportExporter {
public:
    explicit ReportExporter(const ReportView& view);

    Status writePdf(const QString& path) const;
    Status writePng(const QString& path, int dpi = 144) const;
    Status write(const QString& path) const;  // by suffix: .pdf or .png

private:
    // Draws one tab into the band starting at y (logical units, `width` wide); returns its height.
    // With painter == nullptr only measures.
    int drawSection(QPainter* painter, ReportPage* page, int y, int width, int maxHeight) const;

    const ReportView& m_view;
};

// Headless entry point for `quantlens verify --export out.pdf|png`.
Status exportReport(const VerifyReport& report, const std::string& path);

}  // namespace ql::ui
