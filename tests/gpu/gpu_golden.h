// Shared by the gpu tests: the CUDA skip, and the int4 fake-quant / convert golden cases written by
// tests/reference/ql_ref/fake_quant.py (torchao 0.18.0; "*_cuda" schemes: CUDA division semantics).
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "golden/golden_tensors.h"
#include "quant/fake_quant_spec.h"
#include "support/reference_data.h"

// Every test that needs a device starts with this; without CUDA it reports a skip, not a pass.
#define QL_REQUIRE_CUDA()                                                \
    do {                                                                 \
        if (!at::hasCUDA()) GTEST_SKIP() << "no CUDA device (gpu test)"; \
    } while (0)

namespace ql::gpu {

struct FqCase {
    std::string label;              // "<scheme> case <i> (<kind>, <dtype>)"
    at::Tensor in;                  // [N, K] CPU
    std::optional<at::Tensor> out;  // torchao's result; nullopt when torchao refused (ragged K)
    int group = 128;                // the group torchao's fake quantizer used
    quant::DeviceSemantics device = quant::DeviceSemantics::Cpu;
};

// All cases of one int4 scheme ("int4_plain_cpu" or "int4_plain_cuda"); empty + recorded failure when
// the reference data is missing.
inline std::vector<FqCase> int4Cases(const std::string& scheme) {
    std::vector<FqCase> cases;
    auto dir = test::referenceModuleDir("fake_quant", /*requireIndex=*/false);
    if (!dir) return cases;
    auto manifest = test::loadJsonFile(*dir / "manifest.json");
    if (!manifest) return cases;
    for (const auto& s : (*manifest)["schemes"]) {
        if (s["name"] != scheme) continue;
        auto file = SafetensorsFile::openFile(*dir / s["file"].get<std::string>());
        EXPECT_TRUE(file.ok()) << scheme;
        if (!file.ok()) return cases;
        for (const auto& c : s["cases"]) {
            const std::string idx = std::to_string(c["index"].get<int>());
            FqCase fc;
            fc.label = scheme + " case " + idx + " (" + c["kind"].get<std::string>() + ", " +
                       c["dtype"].get<std::string>() + ")";
            fc.in = *golden::loadTensor(*file, "in." + idx);
            fc.out = c.contains("error") ? std::nullopt : golden::loadTensor(*file, "out." + idx);
            fc.group = c["torchao_group"];
            fc.device = s["device"] == "cuda" ? quant::DeviceSemantics::Cuda : quant::DeviceSemantics::Cpu;
            cases.push_back(std::move(fc));
        }
    }
    EXPECT_GE(cases.size(), 200u) << "scheme " << scheme << " missing from the fake_quant manifest";
    return cases;
}

}  // namespace ql::gpu
