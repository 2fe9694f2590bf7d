#include "ui/export/plot_exporter.h"

#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QSvgGenerator>

#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
Error writeError(const QString& path, const QString& what) {
    return makeError(ErrorCode::Io, QStringLiteral("%1: %2").arg(path, what).toStdString());
}

bool saveSvg(QCustomPlot* plot, const QString& path) {
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(plot->size());
    generator.setViewBox(QRect(QPoint(0, 0), plot->size()));
    generator.setTitle(plot->objectName());
    QCPPainter painter;
    if (!painter.begin(&generator)) {
        return false;
    }
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    plot->toPainter(&painter, plot->width(), plot->height());
    return painter.end();
}
}  // namespace

Status exportPlot(QCustomPlot* plot, const QString& path, int dpi) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const int width = plot->width() > 50 ? plot->width() : 900;
    const int height = plot->height() > 50 ? plot->height() : 500;
    bool ok = false;
    if (suffix == QLatin1String("png")) {
        ok = plot->savePng(path, width, height, dpi / 96.0, -1, dpi, QCP::ruDotsPerInch);
    } else if (suffix == QLatin1String("pdf")) {
        ok = plot->savePdf(path, width, height, QCP::epNoCosmetic, QStringLiteral("QuantLens"), plot->objectName());
    } else if (suffix == QLatin1String("svg")) {
        ok = saveSvg(plot, path);
    } else {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1: unknown image type; expected .png, .svg or .pdf").arg(path).toStdString());
    }
    if (!ok) {
        return writeError(path, QStringLiteral("cannot write the plot"));
    }
    return Ok{};
}

void copyPlotToClipboard(QCustomPlot* plot, int dpi) {
    QPixmap pixmap = plot->toPixmap(plot->width(), plot->height(), dpi / 96.0);
    pixmap.setDevicePixelRatio(dpi / 96.0);
    QGuiApplication::clipboard()->setPixmap(pixmap);
}

}  // namespace ql::ui
