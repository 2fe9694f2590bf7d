// How the inspector names modules and layers (one spelling everywhere): projection order of a
// decoder layer, short labels for chart axes, and layer indices that may be "outside the stack".
#pragma once

#include <quantlens/verify_report.h>

#include <QString>

namespace ql::ui {

// q, k, v, o, gate, up, down first (a decoder layer's order), then any other type alphabetically.
int projectionRank(const QString& layerType);
// "L3 q_proj"; modules outside the decoder stack keep their type ("lm_head").
QString shortModuleLabel(const WeightModuleResult& module);
// A decoder layer index for display: "3", or "—" for -1 (lm_head, embeddings: not in a layer).
QString layerText(int layerIndex);

}  // namespace ql::ui
