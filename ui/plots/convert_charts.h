// The convert check as pictures: bytes by module type before vs after convert (with the
// compression of each type), and the type transition of each group of modules, e.g.
// Linear → FakeQuantizedLinear[int4 g128] → Linear[Int4Tensor plain].
#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace ql {
struct ConvertModuleRow;
}

class QCustomPlot;

namespace ql::ui {

struct TypeBytes {
    QString type;  // the module's layer type ("q_proj", "lm_head")
    int modules = 0;
    std::uint64_t before = 0, after = 0;
};
// Per layer type, in decoder order (q, k, v, o, gate, up, down, then others).
std::vector<TypeBytes> bytesByType(const std::vector<ConvertModuleRow>& rows);

struct TypeTransition {
    QString before, after;  // typeBefore / typeAfter of the rows
    QString dtypeBefore, dtypeAfter;
    int modules = 0;
    std::uint64_t bytesBefore = 0, bytesAfter = 0;
};
// Groups of modules that share one transition, largest group first.
std::vector<TypeTransition> typeTransitions(const std::vector<ConvertModuleRow>& rows);

void drawBytesByType(QCustomPlot* plot, const std::vector<ConvertModuleRow>& rows);
// One deployment's rows for the transitions picture; `title` captions its rows when several are drawn.
struct DeploymentRows {
    QString title;
    const std::vector<ConvertModuleRow>* rows = nullptr;
};
// One row of boxes per transition group, deployment after deployment (each under its title when
// there are several).
void drawTypeTransitions(QCustomPlot* plot, const std::vector<DeploymentRows>& deployments);
// What the picture of `deployments` stacks (for its height): rows of boxes and caption lines.
struct TransitionLines {
    int boxRows = 0, captions = 0;
};
TransitionLines transitionLines(const std::vector<DeploymentRows>& deployments);
// Whether two deployments' rows make the same transition picture.
bool sameTransitions(const std::vector<ConvertModuleRow>& a, const std::vector<ConvertModuleRow>& b);

}  // namespace ql::ui
