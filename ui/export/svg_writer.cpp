#include "ui/export/svg_writer.h"

#include <QBuffer>
#include <QPaintEngine>
#include <QPainterPath>
#include <QPainterPathStroker>
#include <QSvgGenerator>
#include <algorithm>
#include <optional>

#include "ui/export/screen_metrics.h"
#include "ui/plots/plot_render.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {

// Forwards every drawing call to `out` (a painter on the SVG generator) with the clip of the
// recording painter applied by geometry. Coordinates: recording device pixels = SVG user units.
class ClipApplyingEngine : public QPaintEngine {
public:
    explicit ClipApplyingEngine(QPainter* out) : QPaintEngine(QPaintEngine::AllFeatures), m_out(out) {}

    bool begin(QPaintDevice*) override { return true; }
    bool end() override { return true; }
    void updateState(const QPaintEngineState&) override {}
    Type type() const override { return QPaintEngine::User; }

    void drawPath(const QPainterPath& path) override { drawShape(path); }
    void drawPolygon(const QPointF* points, int count, PolygonDrawMode mode) override {
        QPainterPath path;
        path.addPolygon(QPolygonF(QList<QPointF>(points, points + count)));
        if (mode != PolylineMode) path.closeSubpath();
        path.setFillRule(mode == WindingMode ? Qt::WindingFill : Qt::OddEvenFill);
        drawShape(path, mode == PolylineMode);
    }
    void drawPixmap(const QRectF& r, const QPixmap& pixmap, const QRectF& source) override {
        drawImage(r, pixmap.toImage(), source, Qt::AutoColor);
    }
    void drawImage(const QRectF& r, const QImage& image, const QRectF& source, Qt::ImageConversionFlags) override {
        const QTransform t = painter()->combinedTransform();
        QRectF target = t.mapRect(r), from = source;
        if (const auto clip = deviceClip(); clip) {
            const QRectF visible = target.intersected(clip->boundingRect());
            if (visible.isEmpty()) return;
            // Axis-aligned images only (colour maps): cut the source rectangle in proportion.
            const double sx = source.width() / target.width(), sy = source.height() / target.height();
            from = QRectF(source.x() + (visible.x() - target.x()) * sx, source.y() + (visible.y() - target.y()) * sy,
                          visible.width() * sx, visible.height() * sy);
            target = visible;
        }
        startOutput(QTransform());
        m_out->drawImage(target, image, from);
        m_out->restore();
    }
    void drawTextItem(const QPointF& p, const QTextItem& item) override {
        QPainterPath glyphs;
        glyphs.addText(p, item.font(), item.text());
        const QTransform t = painter()->combinedTransform();
        const auto clip = deviceClip();
        if (!clip || clip->contains(t.map(glyphs).boundingRect())) {
            startOutput(t);
            m_out->setFont(item.font());
            m_out->drawText(p, item.text());
            m_out->restore();
            return;
        }
        const QPainterPath visible = t.map(glyphs).intersected(*clip);
        if (visible.isEmpty()) return;
        startOutput(QTransform());
        m_out->fillPath(visible, painter()->pen().brush());
        m_out->restore();
    }

private:
    std::optional<QPainterPath> deviceClip() const {
        QPainter* p = painter();
        if (!p->hasClipping()) return std::nullopt;
        return p->combinedTransform().map(p->clipPath());
    }

    void startOutput(const QTransform& transform) {
        QPainter* p = painter();
        m_out->save();
        m_out->setTransform(transform);
        m_out->setPen(p->pen());
        m_out->setBrush(p->brush());
        m_out->setOpacity(p->opacity());
        m_out->setRenderHints(p->renderHints());
        m_out->setBrushOrigin(p->brushOrigin());
    }

    void drawShape(const QPainterPath& path, bool openPolyline = false) {
        QPainter* p = painter();
        const QTransform t = p->combinedTransform();
        const auto clip = deviceClip();
        const double penWidth = p->pen().style() == Qt::NoPen ? 0.0 : std::max(1.0, p->pen().widthF());
        const QRectF bounds = t.map(path).boundingRect().adjusted(-penWidth, -penWidth, penWidth, penWidth);
        if (!clip || clip->contains(bounds)) {
            startOutput(t);
            if (openPolyline) m_out->setBrush(Qt::NoBrush);
            m_out->drawPath(path);
            m_out->restore();
            return;
        }
        if (!clip->intersects(bounds)) return;
        startOutput(QTransform());
        if (!openPolyline && p->brush().style() != Qt::NoBrush) {
            m_out->fillPath(t.map(path).intersected(*clip), p->brush());
        }
        if (p->pen().style() != Qt::NoPen) {
            QPen pen = p->pen();
            if (pen.widthF() <= 0 || pen.isCosmetic()) pen.setWidthF(std::max(1.0, pen.widthF()));
            QPainterPathStroker stroker(pen);
            m_out->fillPath(stroker.createStroke(t.map(path)).intersected(*clip), pen.brush());
        }
        m_out->restore();
    }

    QPainter* m_out;
};

// A paint device whose only job is to hand its engine to the recording QPainter.
class ClipApplyingDevice : public QPaintDevice {
public:
    ClipApplyingDevice(QPainter* out, const QSize& size) : m_engine(out), m_size(size) {}
    QPaintEngine* paintEngine() const override { return &m_engine; }

protected:
    int metric(PaintDeviceMetric metric) const override { return screenMetric(metric, m_size); }

private:
    mutable ClipApplyingEngine m_engine;
    QSize m_size;
};

}  // namespace

QByteArray plotToSvg(QCustomPlot* plot, const QSize& size) {
    QByteArray svg;
    QBuffer buffer(&svg);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setResolution(96);  // fonts in points map to the same pixels as on screen
    generator.setTitle(plot->objectName());
    QPainter out;
    if (!out.begin(&generator)) return {};
    ClipApplyingDevice device(&out, size);
    QCPPainter recorder;
    if (recorder.begin(&device)) {
        recorder.setMode(QCPPainter::pmVectorized);
        recorder.setMode(QCPPainter::pmNoCaching);
        renderPlot(plot, &recorder, size.width(), size.height());
        recorder.end();
    }
    out.end();
    return svg;
}

}  // namespace ql::ui
