#include "ui/plots/convert_charts.h"

#include <quantlens/verify_report.h>

#include <algorithm>
#include <map>

#include "ui/format.h"
#include "ui/module_names.h"
#include "ui/plots/fitting_text_ticker.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;

QString typeOf(const ConvertModuleRow& row) {
    const QString name = qs(row.module);
    return name.section(QLatin1Char('.'), -1);
}

constexpr double kArrowPx = 36.0;  // gap between boxes, where the arrow runs

// A text box at height `y` (axis-rect ratio): at the left edge, or kArrowPx right of `after`.
QCPItemText* box(QCustomPlot* plot, const QString& text, QCPItemAnchor* after, double y, const QColor& fill) {
    auto* item = new QCPItemText(plot);
    item->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    if (after) {
        item->position->setParentAnchorX(after);
        item->position->setTypeX(QCPItemPosition::ptAbsolute);
        item->position->setCoords(kArrowPx, y);
    } else {
        item->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        item->position->setCoords(0.01, y);
    }
    item->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    item->setText(text);
    item->setPadding(QMargins(6, 3, 6, 3));
    item->setPen(QPen(fill.darker(160)));
    item->setBrush(fill);
    item->setSelectable(false);
    item->setClipToAxisRect(false);  // the diagram has no axes: the whole plot is its canvas
    return item;
}

void arrow(QCustomPlot* plot, QCPItemAnchor* from, QCPItemAnchor* to) {
    auto* line = new QCPItemLine(plot);
    line->start->setParentAnchor(from);
    line->end->setParentAnchor(to);
    line->start->setCoords(3, 0);
    line->end->setCoords(-3, 0);
    line->setHead(QCPLineEnding(QCPLineEnding::esSpikeArrow, 8, 10));
    line->setPen(QPen(plotStyle::kNeutral, 1.5));
    line->setSelectable(false);
    line->setClipToAxisRect(false);
}
}  // namespace

std::vector<TypeBytes> bytesByType(const std::vector<ConvertModuleRow>& rows) {
    std::vector<TypeBytes> types;
    for (const ConvertModuleRow& row : rows) {
        const QString type = typeOf(row);
        auto it = std::find_if(types.begin(), types.end(), [&](const TypeBytes& t) { return t.type == type; });
        if (it == types.end()) it = types.insert(types.end(), TypeBytes{type});
        ++it->modules;
        it->before += row.bytesBefore;
        it->after += row.bytesAfter;
    }
    std::stable_sort(types.begin(), types.end(), [](const TypeBytes& a, const TypeBytes& b) {
        return projectionRank(a.type) < projectionRank(b.type);
    });
    return types;
}

std::vector<TypeTransition> typeTransitions(const std::vector<ConvertModuleRow>& rows) {
    std::vector<TypeTransition> groups;
    for (const ConvertModuleRow& row : rows) {
        const TypeTransition key{qs(row.typeBefore), qs(row.typeAfter), qs(row.dtypeBefore), qs(row.dtypeAfter)};
        auto it = std::find_if(groups.begin(), groups.end(), [&](const TypeTransition& g) {
            return g.before == key.before && g.after == key.after && g.dtypeBefore == key.dtypeBefore &&
                   g.dtypeAfter == key.dtypeAfter;
        });
        if (it == groups.end()) it = groups.insert(groups.end(), key);
        ++it->modules;
        it->bytesBefore += row.bytesBefore;
        it->bytesAfter += row.bytesAfter;
    }
    std::stable_sort(groups.begin(), groups.end(),
                     [](const TypeTransition& a, const TypeTransition& b) { return a.modules > b.modules; });
    return groups;
}

void drawBytesByType(QCustomPlot* plot, const std::vector<ConvertModuleRow>& rows) {
    plot->clearPlottables();
    plot->clearItems();
    const std::vector<TypeBytes> types = bytesByType(rows);
    plotStyle::setTitles(plot, QObject::tr("Bytes by module type, before vs after convert"), QObject::tr("module type"),
                         QObject::tr("MiB"));
    plotStyle::setEmptyMessage(plot, types.empty() ? QObject::tr("No convert check in this report") : QString());
    auto* group = new QCPBarsGroup(plot);
    auto* before = new QCPBars(plot->xAxis, plot->yAxis);
    auto* after = new QCPBars(plot->xAxis, plot->yAxis);
    before->setName(QObject::tr("before convert (fake quant, high precision)"));
    after->setName(QObject::tr("after convert (low-bit weights + scales)"));
    before->setBrush(plotStyle::kPrimary.lighter(140));
    before->setPen(QPen(plotStyle::kPrimary));
    after->setBrush(plotStyle::kSecondary.lighter(130));
    after->setPen(QPen(plotStyle::kSecondary));
    QVector<QString> labels;
    double top = 0;
    for (int i = 0; i < static_cast<int>(types.size()); ++i) {
        const TypeBytes& t = types[i];
        before->addData(i, t.before / kMiB);
        after->addData(i, t.after / kMiB);
        // The compression goes into the label: labels never overlap (the ticker skips some when
        // the plot is narrow); text floating over bars would. One short item a line, so eight
        // types (seven projections + lm_head) keep every label at the PDF's 680 px.
        labels << QObject::tr("%1\n×%2\n%3×")
                      .arg(t.type)
                      .arg(t.modules)
                      .arg(t.after ? QString::number(static_cast<double>(t.before) / t.after, 'f', 2)
                                   : QStringLiteral("–"));
        top = std::max(top, t.before / kMiB);
    }
    for (QCPBars* bars : {before, after}) {
        bars->setWidth(0.38);
        bars->setBarsGroup(group);
        bars->setSelectable(QCP::stNone);
    }
    auto* ticker = new FittingTextTicker(plot->xAxis, true);
    ticker->setLabels(labels);
    plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(ticker));
    plot->xAxis->setRange(-0.6, std::max<int>(1, static_cast<int>(types.size())) - 0.4);
    plot->yAxis->setRange(0, std::max(top, 1e-6) * 1.08);
    plot->yAxis->ticker()->setTickCount(3);  // apart even when the tab also pictures two deployments
    plotStyle::placeLegendAbove(plot);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

bool sameTransitions(const std::vector<ConvertModuleRow>& a, const std::vector<ConvertModuleRow>& b) {
    const std::vector<TypeTransition> x = typeTransitions(a), y = typeTransitions(b);
    return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const TypeTransition& p, const TypeTransition& q) {
        return p.before == q.before && p.after == q.after && p.dtypeBefore == q.dtypeBefore &&
               p.dtypeAfter == q.dtypeAfter && p.modules == q.modules;
    });
}

namespace {
constexpr double kCaptionWeight = 0.4;  // a caption line's share of the height of a row of boxes

// Slot centres down the axis rect (0 top, 1 bottom): captions take kCaptionWeight of a box row.
std::vector<double> slotCentres(const std::vector<bool>& isCaption) {
    double total = 0;
    for (bool caption : isCaption) total += caption ? kCaptionWeight : 1.0;
    std::vector<double> centres;
    double used = 0;
    for (bool caption : isCaption) {
        const double weight = caption ? kCaptionWeight : 1.0;
        centres.push_back(total > 0 ? (used + weight / 2) / total : 0.5);
        used += weight;
    }
    return centres;
}

QCPItemText* caption(QCustomPlot* plot, const QString& text, double y) {
    auto* item = new QCPItemText(plot);
    item->position->setType(QCPItemPosition::ptAxisRectRatio);
    item->position->setCoords(0.01, y);
    item->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    item->setText(text);
    QFont italic = item->font();
    italic.setItalic(true);
    item->setFont(italic);
    item->setSelectable(false);
    item->setClipToAxisRect(false);
    return item;
}
}  // namespace

TransitionLines transitionLines(const std::vector<DeploymentRows>& deployments) {
    TransitionLines lines;
    for (const DeploymentRows& d : deployments) {
        lines.captions += deployments.size() > 1 ? 1 : 0;
        lines.boxRows += static_cast<int>(typeTransitions(*d.rows).size());
    }
    return lines;
}

void drawTypeTransitions(QCustomPlot* plot, const std::vector<DeploymentRows>& deployments) {
    plot->clearPlottables();
    plot->clearItems();
    plot->xAxis->setVisible(false);
    plot->yAxis->setVisible(false);
    plot->legend->setVisible(false);
    plot->setInteractions({});
    plotStyle::setTitles(plot, QObject::tr("Module type transitions: base → QAT prepare → convert"), QString(),
                         QString());
    std::vector<bool> isCaption;
    for (const DeploymentRows& d : deployments) {
        if (deployments.size() > 1) isCaption.push_back(true);
        for (std::size_t g = 0; g < typeTransitions(*d.rows).size(); ++g) isCaption.push_back(false);
    }
    plotStyle::setEmptyMessage(plot, isCaption.empty() ? QObject::tr("No convert check in this report") : QString());
    const std::vector<double> y = slotCentres(isCaption);
    std::size_t slot = 0;
    for (const DeploymentRows& d : deployments) {
        if (deployments.size() > 1) caption(plot, d.title, y[slot++]);
        for (const TypeTransition& g : typeTransitions(*d.rows)) {
            const double at = y[slot++];
            QCPItemText* base =
                box(plot, QObject::tr("Linear\n%1").arg(g.dtypeBefore), nullptr, at, QColor(0xe3, 0xf2, 0xfd));
            QCPItemText* fake = box(
                plot, QObject::tr("%1\n%2 modules · %3").arg(g.before).arg(g.modules).arg(formatBytes(g.bytesBefore)),
                base->right, at, QColor(0xff, 0xf3, 0xe0));
            QCPItemText* real =
                box(plot, QObject::tr("%1\n%2\n%3").arg(g.after, g.dtypeAfter, formatBytes(g.bytesAfter)), fake->right,
                    at, QColor(0xe8, 0xf5, 0xe9));
            arrow(plot, base->right, fake->left);
            arrow(plot, fake->right, real->left);
        }
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace ql::ui
