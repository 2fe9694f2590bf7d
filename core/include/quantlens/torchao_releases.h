// The torchao release table: the releases whose behaviour QuantLens models, and the one place that
// says in which release each modelled behaviour changed. Recipes (`torchao_version:`), the numerics
// resolution (quant_config.h), the config check's pitfalls and the recipe dialogs read it.
#pragma once

#include <quantlens/quant_config.h>

#include <span>
#include <string>
#include <string_view>

namespace ql {

// Where a modelled behaviour changed (the first release with the new behaviour).
// MARLIN_SPARSE int4 packing removed; HQQ no longer accepted with OPAQUE packing.
inline constexpr TorchaoVersion kTorchaoInt4PackingsRemoved{0, 16};
// QATConfig(Int8DynamicActivationInt4WeightConfig) (8da4w QAT) removed; the class moved to prototype.
inline constexpr TorchaoVersion kTorchao8da4wQatRemoved{0, 17};
// Int4 QAT prepare fake-quantizes with the configured group size, not 128 (pytorch/ao#3572, fixed by #4518).
inline constexpr TorchaoVersion kTorchaoQatHonoursGroupSize{0, 18};
// Intx / 8da4w / tinygemm qparams clamp with finfo(dtype).smallest_normal instead of eps (pytorch/ao#4534).
inline constexpr TorchaoVersion kTorchaoSmallestNormalEps{0, 18};

struct TorchaoRelease {
    TorchaoVersion version;
    std::string_view changes;  // what QuantLens models differently from the release before
};

// Every modelled release, oldest first; the last is the default of a recipe.
std::span<const TorchaoRelease> torchaoReleases();

bool isModelledTorchao(TorchaoVersion version);

// "0.14, 0.15, ..." for error messages.
std::string modelledTorchaoList();

}  // namespace ql
