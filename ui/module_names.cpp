#include "ui/module_names.h"

#include <QObject>
#include <QStringList>

#include "ui/format.h"

namespace ql::ui {

int projectionRank(const QString& layerType) {
    static const QStringList kOrder{QStringLiteral("q_proj"), QStringLiteral("k_proj"), QStringLiteral("v_proj"),
                                    QStringLiteral("o_proj"), QStringLiteral("gate_proj"), QStringLiteral("up_proj"),
                                    QStringLiteral("down_proj")};
    const int rank = static_cast<int>(kOrder.indexOf(layerType));
    return rank >= 0 ? rank : static_cast<int>(kOrder.size()) + 1;
}

QString shortModuleLabel(const WeightModuleResult& module) {
    if (module.layerIndex < 0) return qs(module.layerType.empty() ? module.module : module.layerType);
    return QStringLiteral("L%1 %2").arg(module.layerIndex).arg(qs(module.layerType));
}

QString layerText(int layerIndex) {
    return layerIndex < 0 ? QStringLiteral("—") : QString::number(layerIndex);
}

QString firstDivergingLayerText(int layer) {
    return layer < 0 ? QObject::tr("none") : QString::number(layer);
}

}  // namespace ql::ui
