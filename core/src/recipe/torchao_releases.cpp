#include <quantlens/torchao_releases.h>

namespace ql {

namespace {

constexpr TorchaoRelease kReleases[] = {
    {{0, 14},
     "the oldest modelled: int4 QAT fake-quantizes in groups of 128 whatever group_size says; qparams clamp with "
     "finfo(dtype).eps; 8da4w QAT, MARLIN_SPARSE packing and HQQ with OPAQUE are accepted"},
    {{0, 15}, "no change QuantLens models"},
    {{0, 16}, "MARLIN_SPARSE int4 packing removed; HQQ accepted with TILE_PACKED_TO_4D only"},
    {{0, 17}, "8da4w QAT (QATConfig(Int8DynamicActivationInt4WeightConfig)) removed"},
    {{0, 18},
     "int4 QAT honours group_size (pytorch/ao#4518); qparams clamp with finfo(dtype).smallest_normal "
     "(pytorch/ao#4534)"},
};

static_assert(kReleases[2].version == kTorchaoInt4PackingsRemoved);
static_assert(kReleases[3].version == kTorchao8da4wQatRemoved);
static_assert(kReleases[4].version == kTorchaoQatHonoursGroupSize && kReleases[4].version == kTorchaoSmallestNormalEps);
static_assert(kReleases[4].version == TorchaoVersion{}, "a recipe's default torchao_version is the newest modelled");

}  // namespace

std::span<const TorchaoRelease> torchaoReleases() {
    return kReleases;
}

bool isModelledTorchao(TorchaoVersion version) {
    for (const TorchaoRelease& release : kReleases) {
        if (release.version == version) return true;
    }
    return false;
}

std::string modelledTorchaoList() {
    std::string out;
    for (const TorchaoRelease& release : kReleases)
        out += (out.empty() ? "" : ", ") + torchaoVersionName(release.version);
    return out;
}

}  // namespace ql
