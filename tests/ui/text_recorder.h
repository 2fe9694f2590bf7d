// A paint device that records every piece of text drawn on it: its string, its box on the device
// (a polygon: rotated text stays rotated), its font size in points on the page, and the clip in
// force (on the device). Tests draw an export page or a plot on it and check the layout: text
// inside the page and its clip, no two texts overlapping, sizes within a range.
#pragma once

#include <QPaintDevice>
#include <QPolygonF>
#include <QRectF>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace ql::ui::test {

struct RecordedText {
    QString text;
    QPolygonF box;               // tight ink box on the device
    QPolygonF line;              // the text's advance × (ascent + descent) box: runs of one line abut
    double pointSize = 0;        // on the device (device pixels at 96 DPI → points)
    std::optional<QRectF> clip;  // device clip rectangle, when clipping was on
};

class TextRecorder : public QPaintDevice {
public:
    explicit TextRecorder(const QSize& size);  // device pixels at 96 DPI
    ~TextRecorder() override;
    QPaintEngine* paintEngine() const override;
    const std::vector<RecordedText>& texts() const;
    void clear();
    QSize size() const { return m_size; }

protected:
    int metric(PaintDeviceMetric metric) const override;

private:
    class Engine;
    std::unique_ptr<Engine> m_engine;
    QSize m_size;
};

// Area of the intersection of two convex boxes, in device pixels².
double overlapArea(const QPolygonF& a, const QPolygonF& b);

}  // namespace ql::ui::test
