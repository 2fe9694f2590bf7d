// Fake quantizers vs torchao 0.18.0 (tests/reference/ql_ref/fake_quant.py): 100% bit-identity per
// scheme, ragged-K cases refused as torchao refuses them. Prints per-scheme counts.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "golden/golden_tensors.h"
#include "quant/fake_quant.h"

namespace ql::quant {
namespace {

using nlohmann::json;

QuantDType intDType(int bits) {
    return static_cast<QuantDType>(static_cast<int>(QuantDType::Int1) + bits - 1);
}

// The public config a user would declare for this case, mapped by toFakeQuantSpec.
FakeQuantSpec specFor(const json& scheme, const json& c) {
    const std::string family = scheme["family"];
    const std::string ver = scheme["torchao_version"];
    const TorchaoVersion version{0, std::stoi(ver.substr(2))};
    const auto device = scheme["device"] == "cuda" ? DeviceSemantics::Cuda : DeviceSemantics::Cpu;
    QuantConfig config;
    if (family == "int4") {
        config.scheme = QuantScheme::Int4WeightOnly;
        config.weight.groupSize = c["group_size"];
    } else if (family == "intx_weight" || family == "int8da_weight" || family == "int8_act") {
        config.scheme =
            family == "intx_weight" ? QuantScheme::IntxWeightOnly : QuantScheme::Int8DynamicActivationIntxWeight;
        config.weight.dtype = intDType(c.value("bits", 4));
        config.weight.mapping = MappingType::Symmetric;
        const int g = c.value("group_size", 32);
        config.weight.granularity = g == 0 ? Granularity::PerAxis : Granularity::PerGroup;
        config.weight.groupSize = g;
    } else if (family == "float8_weight" || family == "float8_act") {
        config.scheme = QuantScheme::Float8DynamicActivationFloat8Weight;
        config.weight.granularity = c["per_row"].get<bool>() ? Granularity::PerRow : Granularity::PerTensor;
    } else {
        config.scheme = QuantScheme::Float8DynamicActivationInt4Weight;
    }
    auto linear = toFakeQuantSpec(config, version, device);
    EXPECT_TRUE(linear.ok()) << (linear.ok() ? "" : linear.error().message);
    const bool act = family == "int8_act" || family == "float8_act";
    return act ? linear->activation : linear->weight;
}

struct Tally {
    int tensors = 0, identical = 0, refused = 0;
    int64_t elements = 0, badElements = 0;
};

Tally runScheme(const json& scheme, bool fused) {
    const auto dir = golden::referenceDir("fake_quant");
    auto file = SafetensorsFile::openFile(dir / scheme["file"].get<std::string>());
    EXPECT_TRUE(file.ok());
    Tally t;
    if (!file.ok()) return t;
    for (const json& c : scheme["cases"]) {
        const std::string idx = std::to_string(c["index"].get<int>());
        auto in = golden::loadTensor(*file, "in." + idx);
        const FakeQuantSpec spec = specFor(scheme, c);
        auto got = fused ? fakeQuantize(*in, spec) : fakeQuantizeReference(*in, spec);
        ++t.tensors;
        if (c.contains("error")) {
            EXPECT_FALSE(got.ok()) << scheme["name"] << " case " << idx << ": torchao refused, we accepted";
            if (!got.ok()) {
                ++t.refused;
                ++t.identical;
            }
            continue;
        }
        EXPECT_TRUE(got.ok()) << scheme["name"] << " case " << idx << ": " << got.error().message;
        if (!got.ok()) continue;
        auto want = golden::loadTensor(*file, "out." + idx);
        const int64_t bad = golden::bitMismatches(*got, *want);
        t.elements += want->numel();
        t.badElements += bad;
        t.identical += bad == 0;
        EXPECT_EQ(bad, 0) << scheme["name"] << " case " << idx << " (" << c["kind"] << ", " << c["dtype"] << ")";
    }
    return t;
}

json manifest() {
    std::ifstream in(golden::referenceDir("fake_quant") / "manifest.json");
    return json::parse(in);
}

void runAll(bool fused) {
    const json m = manifest();
    ASSERT_GE(m["schemes"].size(), 10u);
    for (const json& scheme : m["schemes"]) {
        const Tally t = runScheme(scheme, fused);
        std::printf(
            "%-22s %s: %d/%d tensors bit-identical (%d refused as torchao does), %.3fM elements, "
            "%lld differing\n",
            scheme["name"].get<std::string>().c_str(), fused ? "fused" : "aten ", t.identical, t.tensors, t.refused,
            t.elements / 1e6, static_cast<long long>(t.badElements));
        EXPECT_GE(t.tensors, 200) << scheme["name"];
        EXPECT_EQ(t.identical, t.tensors) << scheme["name"];
    }
}

TEST(FakeQuantGolden, AtenReferenceBitIdenticalWithTorchao) {
    runAll(false);
}

TEST(FakeQuantGolden, DispatchedPathBitIdenticalWithTorchao) {
    runAll(true);
}

}  // namespace
}  // namespace ql::quant
