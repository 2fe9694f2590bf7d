// The activations check per token: a heat map of the hidden-state divergence with the decoder
// layers down and the token positions (all prompts, concatenated) across. Hover gives the layer,
// the position, the token's text and the value; a click picks a position (positionClicked), for
// the top-k tokens of both sides. Exact zeros are drawn in the "identical" colour, never on the
// log colour scale.
#pragma once

#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <vector>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPItemStraightLine;

namespace ql::ui {

class FittingTextTicker;

class TokenLayerHeatMap : public QObject {
    Q_OBJECT
public:
    explicit TokenLayerHeatMap(QCustomPlot* plot);

    // values[layerRow][position]; layers[layerRow] is the decoder layer; tokens[position] the text;
    // promptStarts: the first position of each prompt (boundaries drawn as lines).
    void setData(const std::vector<std::vector<double>>& values, const std::vector<int>& layers,
                 const QStringList& tokens, const std::vector<int>& promptStarts);
    void setSelectedPosition(int position);
    QString toolTipAt(const QPointF& pixel) const;
    int positionAt(const QPointF& pixel) const;
    bool hasData() const { return !m_values.empty(); }

Q_SIGNALS:
    void positionClicked(int position);

private:
    int rowAt(const QPointF& pixel) const;

    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorMap* m_zeros;
    QCPColorScale* m_scale;
    QCPItemStraightLine* m_selection;
    FittingTextTicker* m_ticker;     // token text along x
    FittingTextTicker* m_rowTicker;  // layer index along y
    std::vector<std::vector<double>> m_values;
    std::vector<int> m_layers;
    QStringList m_tokens;
};

}  // namespace ql::ui
