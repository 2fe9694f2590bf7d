#include "text_recorder.h"

#include <QFontMetricsF>
#include <QPaintEngine>
#include <QPainter>
#include <QTextItem>
#include <cmath>

#include "ui/export/screen_metrics.h"

namespace ql::ui::test {

class TextRecorder::Engine : public QPaintEngine {
public:
    Engine() : QPaintEngine(QPaintEngine::AllFeatures) {}
    bool begin(QPaintDevice*) override { return true; }
    bool end() override { return true; }
    void updateState(const QPaintEngineState&) override {}
    void drawPixmap(const QRectF&, const QPixmap&, const QRectF&) override {}
    void drawPolygon(const QPointF*, int, PolygonDrawMode) override {}
    void drawPath(const QPainterPath&) override {}
    void drawImage(const QRectF&, const QImage&, const QRectF&, Qt::ImageConversionFlags) override {}
    Type type() const override { return QPaintEngine::User; }

    void drawTextItem(const QPointF& p, const QTextItem& item) override {
        if (item.text().trimmed().isEmpty()) return;
        QPainter* painter = this->painter();
        const QTransform t = painter->combinedTransform();
        const QFontMetricsF metrics(item.font(), painter->device());
        const QRectF ink = metrics.tightBoundingRect(item.text()).translated(p);
        RecordedText text;
        text.text = item.text();
        text.box = t.map(QPolygonF(ink));
        text.line = t.map(QPolygonF(QRectF(p.x(), p.y() - metrics.ascent(), metrics.horizontalAdvance(item.text()),
                                           metrics.ascent() + metrics.descent())));
        // Font size in logical pixels at this device's 96 DPI, scaled by the transform to the device.
        const double logicalPx =
            item.font().pixelSize() > 0 ? item.font().pixelSize() : item.font().pointSizeF() * 96.0 / 72.0;
        const double scale = std::sqrt(std::fabs(t.determinant()));
        text.pointSize = logicalPx * scale * 72.0 / 96.0;
        if (painter->hasClipping()) text.clip = t.mapRect(painter->clipBoundingRect());
        texts.push_back(text);
    }

    std::vector<RecordedText> texts;
};

TextRecorder::TextRecorder(const QSize& size) : m_engine(std::make_unique<Engine>()), m_size(size) {}
TextRecorder::~TextRecorder() = default;

QPaintEngine* TextRecorder::paintEngine() const {
    return m_engine.get();
}

const std::vector<RecordedText>& TextRecorder::texts() const {
    return m_engine->texts;
}

void TextRecorder::clear() {
    m_engine->texts.clear();
}

int TextRecorder::metric(PaintDeviceMetric metric) const {
    return screenMetric(metric, m_size);
}

double overlapArea(const QPolygonF& a, const QPolygonF& b) {
    const QPolygonF both = a.intersected(b);
    double area = 0;
    for (int i = 0; i + 1 < both.size(); ++i) area += both[i].x() * both[i + 1].y() - both[i + 1].x() * both[i].y();
    return std::fabs(area) / 2;
}

}  // namespace ql::ui::test
