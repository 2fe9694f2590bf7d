#include "ui/module_names.h"

#include <quantlens/linear_types.h>

#include <QObject>

#include "ui/format.h"

namespace ql::ui {

int projectionRank(const QString& layerType) {
    const auto& types = decoderLinearTypes();
    const std::string type = layerType.toStdString();
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (types[i] == type) return static_cast<int>(i);
    }
    return static_cast<int>(types.size()) + 1;
}

QString shortModuleLabel(const WeightModuleResult& module) {
    if (module.layerIndex < 0) return qs(module.layerType.empty() ? module.module : module.layerType);
    return QStringLiteral("L%1 %2").arg(module.layerIndex).arg(qs(module.layerType));
}

QString layerText(int layerIndex) {
    return layerIndex < 0 ? QStringLiteral("—") : QString::number(layerIndex);
}

}  // namespace ql::ui
