// Shared by the forward / LoRA golden tests: the forward reference index and logits comparison.
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "golden/golden_tensors.h"
#include "support/reference_data.h"

namespace ql::golden {

// The cases of one kind ("forward", "lora", "qat") in the forward reference's index.json, with the
// forward module's folder and the checkpoints folder; nullopt when the reference data is missing.
struct ForwardCases {
    std::filesystem::path dir, checkpoints;
    std::vector<nlohmann::json> cases;
};

inline std::optional<ForwardCases> forwardCases(const std::string& kind) {
    auto dir = test::referenceModuleDir("forward");
    auto checkpoints = test::referenceModuleDir("checkpoints");
    if (!dir || !checkpoints) {
        return std::nullopt;
    }
    auto index = test::loadJsonFile(*dir / "index.json");
    if (!index) {
        return std::nullopt;
    }
    ForwardCases out{*dir, *checkpoints, {}};
    for (const nlohmann::json& c : (*index)["cases"]) {
        if (c["kind"] == kind) {
            out.cases.push_back(c);
        }
    }
    return out;
}

struct Deviation {
    std::int64_t differing = 0;  // elements whose bits differ
    std::int64_t total = 0;
    double maxAbs = 0.0;  // max |a - b|
    double maxRel = 0.0;  // max |a - b| / max |b| over the tensor
};

inline Deviation deviation(const at::Tensor& ours, const at::Tensor& ref) {
    Deviation d;
    d.total = ref.numel();
    EXPECT_TRUE(ours.sizes().equals(ref.sizes())) << ours.sizes() << " vs " << ref.sizes();
    EXPECT_EQ(ours.scalar_type(), ref.scalar_type());
    if (!ours.sizes().equals(ref.sizes())) {
        d.differing = d.total;
        d.maxAbs = INFINITY;
        return d;
    }
    d.differing = bitMismatches(ours.to(ref.scalar_type()), ref);
    at::Tensor a = ours.to(at::kDouble), b = ref.to(at::kDouble);
    d.maxAbs = (a - b).abs().max().item<double>();
    d.maxRel = d.maxAbs / std::max(b.abs().max().item<double>(), 1e-30);
    return d;
}

inline void accumulate(Deviation& into, const Deviation& d) {
    into.differing += d.differing;
    into.total += d.total;
    into.maxAbs = std::max(into.maxAbs, d.maxAbs);
    into.maxRel = std::max(into.maxRel, d.maxRel);
}

inline std::string describe(const Deviation& d) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%lld/%lld differ, max|d| %.3g, max rel %.3g", static_cast<long long>(d.differing),
                  static_cast<long long>(d.total), d.maxAbs, d.maxRel);
    return buf;
}

}  // namespace ql::golden
