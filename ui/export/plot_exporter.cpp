#include "ui/export/plot_exporter.h"

#include <QClipboard>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>

#include "ui/export/atomic_file.h"
#include "ui/export/svg_writer.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

Status exportPlot(QCustomPlot* plot, const QString& path, int dpi) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf") && suffix != QLatin1String("svg")) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1: unknown image type; expected .png, .svg or .pdf").arg(path).toStdString());
    }
    const int width = plot->width() > 50 ? plot->width() : 900;
    const int height = plot->height() > 50 ? plot->height() : 500;
    return writeViaTemporary(path, [&](const QString& temporary) -> Status {
        bool ok = false;
        if (suffix == QLatin1String("png")) {
            ok = plot->savePng(temporary, width, height, dpi / 96.0, -1, dpi, QCP::ruDotsPerInch);
        } else if (suffix == QLatin1String("pdf")) {
            ok = plot->savePdf(temporary, width, height, QCP::epNoCosmetic, QStringLiteral("QuantLens"),
                               plot->objectName());
        } else {
            QFile file(temporary);
            const QByteArray svg = plotToSvg(plot, QSize(width, height));
            ok = !svg.isEmpty() && file.open(QIODevice::WriteOnly) && file.write(svg) == svg.size();
        }
        if (!ok)
            return makeError(ErrorCode::Io, QStringLiteral("%1: cannot write the plot").arg(temporary).toStdString());
        return Ok{};
    });
}

void copyPlotToClipboard(QCustomPlot* plot, int dpi) {
    QPixmap pixmap = plot->toPixmap(plot->width(), plot->height(), dpi / 96.0);
    pixmap.setDevicePixelRatio(dpi / 96.0);
    QGuiApplication::clipboard()->setPixmap(pixmap);
}

}  // namespace ql::ui
