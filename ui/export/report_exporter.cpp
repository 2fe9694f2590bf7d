#include "ui/export/report_exporter.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPdfWriter>
#include <QTextDocument>

#include <unistd.h>

#include <cstdio>
#include <memory>

#include <quantlens/log.h>

#include "ui/format.h"
#include "ui/pages/report_page.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"

namespace ql::ui {

namespace {
constexpr int kPageWidth = 1000;      // logical units per page width
constexpr int kPlotHeight = 380;
constexpr int kMaxTableRows = 40;

QString modelToHtml(const QAbstractItemModel& model) {
    QString html = QStringLiteral("<table border='1' cellspacing='0' cellpadding='2' style='font-size:7pt'><tr>");
    for (int c = 0; c < model.columnCount(); ++c) {
        html += QStringLiteral("<th>%1</th>").arg(model.headerData(c, Qt::Horizontal).toString().toHtmlEscaped());
    }
    html += QStringLiteral("</tr>");
    const int rows = qMin(model.rowCount(), kMaxTableRows);
    for (int r = 0; r < rows; ++r) {
        html += QStringLiteral("<tr>");
        for (int c = 0; c < model.columnCount(); ++c) {
            html += QStringLiteral("<td>%1</td>").arg(model.data(model.index(r, c)).toString().toHtmlEscaped());
        }
        html += QStringLiteral("</tr>");
    }
    html += QStringLiteral("</table>");
    if (model.rowCount() > rows) {
        html += QObject::tr("<p><i>%1 more rows in the JSON report.</i></p>").arg(model.rowCount() - rows);
    }
    return html;
}

QString sectionHtml(ReportPage* page) {
    return QStringLiteral("<h2>%1</h2><p>%2</p>").arg(page->title().toHtmlEscaped(),
                                                     page->summary().toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
}

// Draws `html` at y; returns the height it used (clipped to maxHeight).
int drawHtml(QPainter* painter, const QString& html, int y, int width, int maxHeight) {
    QTextDocument document;
    document.setHtml(html);
    document.setTextWidth(width);
    const int height = qMin(static_cast<int>(document.size().height()), maxHeight);
    if (painter && height > 0) {
        painter->save();
        painter->translate(0, y);
        document.drawContents(painter, QRectF(0, 0, width, height));
        painter->restore();
    }
    return height;
}
}  // namespace

ReportExporter::ReportExporter(const ReportView& view) : m_view(view) {}

int ReportExporter::drawSection(QPainter* painter, ReportPage* page, int y, int width, int maxHeight) const {
    int used = drawHtml(painter, sectionHtml(page), y, width, maxHeight);
    for (QCustomPlot* plot : page->plots()) {
        if (used + kPlotHeight > maxHeight) break;
        if (painter) {
            painter->save();
            painter->translate(0, y + used);
            plot->toPainter(static_cast<QCPPainter*>(painter), width, kPlotHeight);
            painter->restore();
        }
        used += kPlotHeight + 10;
    }
    for (QAbstractItemModel* model : page->tables()) {
        used += drawHtml(painter, modelToHtml(*model), y + used, width, qMax(0, maxHeight - used));
    }
    return used;
}

Status ReportExporter::writePdf(const QString& path) const {
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter);
    writer.setResolution(300);
    writer.setTitle(QStringLiteral("QuantLens verification report"));
    writer.setCreator(QStringLiteral("QuantLens"));
    QCPPainter painter;
    if (!painter.begin(&writer)) {
        return makeError(ErrorCode::Io, QStringLiteral("%1: cannot write the PDF").arg(path).toStdString());
    }
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    const QRect area = painter.viewport();
    const int pageHeight = kPageWidth * area.height() / area.width();
    painter.setWindow(0, 0, kPageWidth, pageHeight);
    bool first = true;
    for (ReportPage* page : m_view.pages()) {
        if (!first) writer.newPage();
        first = false;
        drawSection(&painter, page, 0, kPageWidth, pageHeight);
    }
    if (!painter.end()) {
        return makeError(ErrorCode::Io, QStringLiteral("%1: cannot finish the PDF").arg(path).toStdString());
    }
    return Ok{};
}

Status ReportExporter::writePng(const QString& path, int dpi) const {
    constexpr int kWidth = 1200, kUnlimited = 1 << 20;
    int height = 0;
    for (ReportPage* page : m_view.pages()) {
        height += drawSection(nullptr, page, height, kWidth, kUnlimited) + 20;
    }
    const double scale = dpi / 96.0;
    QImage image(QSize(kWidth, height) * scale, QImage::Format_RGB32);
    image.fill(Qt::white);
    image.setDotsPerMeterX(static_cast<int>(dpi / 0.0254));
    image.setDotsPerMeterY(static_cast<int>(dpi / 0.0254));
    QCPPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.scale(scale, scale);
    int y = 0;
    for (ReportPage* page : m_view.pages()) {
        y += drawSection(&painter, page, y, kWidth, kUnlimited) + 20;
    }
    painter.end();
    if (!image.save(path, "PNG")) {
        return makeError(ErrorCode::Io, QStringLiteral("%1: cannot write the PNG").arg(path).toStdString());
    }
    return Ok{};
}

// Writes next to `path` under a temporary name and renames it into place: a failed or
// interrupted export never leaves a partial file (and never truncates an existing one).
Status ReportExporter::write(const QString& path) const {
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    if (suffix != QLatin1String("pdf") && suffix != QLatin1String("png")) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1: unknown export type; expected .pdf or .png").arg(path).toStdString());
    }
    const QString temporary = info.dir().filePath(
        QStringLiteral(".%1.partial-%2.%3").arg(info.completeBaseName()).arg(::getpid()).arg(suffix));
    Status written = suffix == QLatin1String("pdf") ? writePdf(temporary) : writePng(temporary);
    if (written && std::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0) {
        written = makeError(ErrorCode::Io, QStringLiteral("%1: cannot write the file").arg(path).toStdString());
    }
    if (!written) {
        QFile::remove(temporary);
        return makeError(written.error().code,
                         QString::fromStdString(written.error().message).replace(temporary, path).toStdString());
    }
    return written;
}

namespace {

// Headless exports route Qt's own diagnostics (offscreen platform notes, QPainter failures) into the
// core log at debug level, so the command line keeps its one-line error contract.
void qtToCoreLog(QtMsgType, const QMessageLogContext&, const QString& message) {
    ql::log(LogLevel::Debug, "qt: " + message.toStdString());
}

struct QtMessageRedirect {
    QtMessageHandler previous = qInstallMessageHandler(qtToCoreLog);
    ~QtMessageRedirect() { qInstallMessageHandler(previous); }
};

}  // namespace

Status exportReport(const VerifyReport& report, const std::string& path) {
    const QtMessageRedirect redirect;
    const QFileInfo target(QString::fromStdString(path));
    if (!target.absoluteDir().exists()) {
        return makeError(ErrorCode::NotFound, path + ": the folder does not exist");
    }
    std::unique_ptr<QApplication> ownApp;
    if (!QCoreApplication::instance()) {
        static int argc = 1;
        static char name[] = "quantlens";
        static char* argv[] = {name, nullptr};
        qputenv("QT_QPA_PLATFORM", "offscreen");
        ownApp = std::make_unique<QApplication>(argc, argv);
    } else if (!qobject_cast<QApplication*>(QCoreApplication::instance())) {
        return makeError(ErrorCode::Unsupported, "exporting a report needs a QApplication; this process has a non-GUI one");
    }
    ReportView view;
    view.resize(1200, 800);
    view.setReport(std::make_shared<const VerifyReport>(report));
    return ReportExporter(view).write(QString::fromStdString(path));
}

}  // namespace ql::ui
