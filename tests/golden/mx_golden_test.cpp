// MX (MXFP8 / MXFP4) and NVFP4 kernels vs torchao 0.18.0 on CPU (tests/reference/ql_ref/mx_formats.py):
// E8M0 scales, element codes and dequantized values bit-identical for every element type x scale mode,
// K % block != 0 refused as torchao refuses it; the QAT linear (MXFakeQuantizedLinear, EMULATED) through the
// engine's FQ form and the converted MXTensor (codes, unswizzled scales, dequant, forward through the Q form)
// bit-identical; NVFP4Tensor.to_nvfp4 codes, e4m3 block scales, per-tensor scale and dequantize bit-identical.
// Expected values are torchao's own outputs, nothing re-derived.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "golden/golden_tensors.h"
#include "model/linear_forms.h"
#include "quant/fake_quant.h"
#include "quant/mx_kernels.h"
#include "quant/nvfp4_kernels.h"
#include "recipe/enum_names.h"

namespace ql::quant {
namespace {

using nlohmann::json;

json manifest() {
    std::ifstream in(golden::referenceDir("mx_formats") / "manifest.json");
    return json::parse(in);
}

SafetensorsFile openFile(const std::string& name) {
    auto file = SafetensorsFile::openFile(golden::referenceDir("mx_formats") / name);
    EXPECT_TRUE(file.ok()) << name;
    return std::move(*file);
}

// The public config a user declares for this case, mapped by toFakeQuantSpec (so the test covers the mapping).
LinearFakeQuant specFor(const json& c) {
    QuantConfig config;
    config.scheme = QuantScheme::MxDynamicActivationMxWeight;
    config.kernelPreference = KernelPreference::Emulated;
    config.weight.dtype = *recipe::enumFromName(recipe::quantDTypeTable(), c["elem"].get<std::string>());
    config.weight.groupSize = c.value("block_size", 32);
    config.mxScaling = *recipe::enumFromName(recipe::mxScaleModeTable(), c["mode"].get<std::string>());
    auto linear = toFakeQuantSpec(config, TorchaoVersion{0, 18}, DeviceSemantics::Cpu);
    EXPECT_TRUE(linear.ok()) << (linear.ok() ? "" : linear.error().message);
    return linear.ok() ? *linear : LinearFakeQuant{};
}

at::Tensor asBytes(const at::Tensor& t) {
    return t.contiguous().view(at::kByte);
}

std::string label(const json& c) {
    return c["elem"].get<std::string>() + " " + c["mode"].get<std::string>() + " " + c["kind"].get<std::string>() +
           " case " + std::to_string(c["index"].get<int>());
}

TEST(MxGolden, ScalesCodesAndFakeQuantBitIdenticalWithTorchao) {
    const json m = manifest();
    SafetensorsFile file = openFile("fake_quant.safetensors");
    std::map<std::string, int> identical, total;
    int refused = 0;
    for (const json& c : m["fake_quant"]) {
        const std::string i = std::to_string(c["index"].get<int>());
        const std::string key = c["elem"].get<std::string>() + "/" + c["mode"].get<std::string>();
        at::Tensor x = *golden::loadTensor(file, "in." + i);
        const LinearFakeQuant spec = specFor(c);
        const bool activation = c["shape"].size() == 3;
        auto got = fakeQuantize(x, activation ? spec.activation : spec.weight);
        ++total[key];
        if (c.contains("error")) {
            EXPECT_FALSE(got.ok()) << label(c) << ": torchao refused K % block != 0, we accepted";
            refused += !got.ok();
            identical[key] += !got.ok();
            continue;
        }
        ASSERT_TRUE(got.ok()) << label(c) << ": " << got.error().message;
        const MxBlocks blocks =
            mxQuantize(x.reshape({-1, x.size(-1)}), spec.weight.elem, spec.weight.groupSize, spec.weight.mxMode);
        const int64_t badScale = golden::bitMismatches(blocks.scale, *golden::loadTensor(file, "scale." + i));
        const int64_t badCodes = golden::bitMismatches(asBytes(blocks.qdata), *golden::loadTensor(file, "qdata." + i));
        const int64_t badValues = golden::bitMismatches(*got, *golden::loadTensor(file, "out." + i));
        EXPECT_EQ(badScale, 0) << label(c) << ": E8M0 scales";
        EXPECT_EQ(badCodes, 0) << label(c) << ": element codes";
        EXPECT_EQ(badValues, 0) << label(c) << ": dequantized values";
        identical[key] += badScale == 0 && badCodes == 0 && badValues == 0;
    }
    for (const auto& [key, n] : total) {
        std::printf("mx fake quant %-24s %d/%d cases bit-identical (scales, codes, values)\n", key.c_str(),
                    identical[key], n);
        EXPECT_EQ(identical[key], n) << key;
    }
    EXPECT_EQ(total.size(), 12u);  // 3 element types x 4 scale modes
    EXPECT_GE(refused, 12);
}

TEST(MxGolden, QatLinearForwardBitIdenticalWithMXFakeQuantizedLinear) {
    const json m = manifest();
    SafetensorsFile file = openFile("linear.safetensors");
    int identical = 0;
    for (const json& c : m["linear"]) {
        const std::string i = std::to_string(c["index"].get<int>());
        model::LinearSlot slot{"linear." + i, *golden::loadTensor(file, "w." + i), golden::loadTensor(file, "b." + i),
                               std::nullopt};
        auto prepared = model::prepareLinear(slot, model::FormSpec{LinearForm::FQ, specFor(c)}, true);
        ASSERT_TRUE(prepared.ok()) << label(c) << ": " << prepared.error().message;
        auto y = model::runLinear(*prepared, *golden::loadTensor(file, "x." + i));
        ASSERT_TRUE(y.ok()) << label(c) << ": " << y.error().message;
        const int64_t bad = golden::bitMismatches(*y, *golden::loadTensor(file, "y." + i));
        EXPECT_EQ(bad, 0) << label(c) << " (bias " << c["bias"] << ")";
        identical += bad == 0;
    }
    std::printf("mx QAT linear forward: %d/%zu cases bit-identical with MXFakeQuantizedLinear\n", identical,
                m["linear"].size());
    EXPECT_EQ(identical, static_cast<int>(m["linear"].size()));
    EXPECT_GE(identical, 24);
}

TEST(MxGolden, ConvertToMXTensorBitIdentical) {
    const json m = manifest();
    SafetensorsFile file = openFile("convert.safetensors");
    int identical = 0;
    for (const json& c : m["convert"]) {
        const std::string i = std::to_string(c["index"].get<int>());
        const LinearFakeQuant spec = specFor(c);
        at::Tensor w = *golden::loadTensor(file, "w." + i);
        const MxBlocks blocks = mxQuantize(w, spec.weight.elem, spec.weight.groupSize, spec.weight.mxMode);
        const int64_t badCodes = golden::bitMismatches(asBytes(blocks.qdata), *golden::loadTensor(file, "qdata." + i));
        const int64_t badScale = golden::bitMismatches(blocks.scale, *golden::loadTensor(file, "scale." + i));
        const int64_t badDq =
            golden::bitMismatches(mxDequantize(blocks, spec.weight.elem, spec.weight.groupSize, at::kBFloat16),
                                  *golden::loadTensor(file, "dq." + i));
        model::LinearSlot slot{"linear." + i, w, golden::loadTensor(file, "b." + i), std::nullopt};
        auto prepared = model::prepareLinear(slot, model::FormSpec{LinearForm::Q, spec}, true);
        ASSERT_TRUE(prepared.ok()) << label(c) << ": " << prepared.error().message;
        auto y = model::runLinear(*prepared, *golden::loadTensor(file, "x." + i));
        ASSERT_TRUE(y.ok()) << label(c) << ": " << y.error().message;
        const int64_t badY = golden::bitMismatches(*y, *golden::loadTensor(file, "y." + i));
        EXPECT_EQ(badCodes + badScale + badDq + badY, 0) << label(c) << ": codes " << badCodes << ", scales "
                                                         << badScale << ", dequant " << badDq << ", forward " << badY;
        identical += badCodes + badScale + badDq + badY == 0;
    }
    std::printf("mx convert (MXTensor codes, scales, dequant, forward): %d/%zu cases bit-identical\n", identical,
                m["convert"].size());
    EXPECT_EQ(identical, static_cast<int>(m["convert"].size()));
    EXPECT_GE(identical, 24);
}

TEST(Nvfp4Golden, CodesScalesAndDequantBitIdenticalWithToNvfp4) {
    const json m = manifest();
    SafetensorsFile file = openFile("nvfp4.safetensors");
    int identical = 0, refused = 0;
    for (const json& c : m["nvfp4"]) {
        const std::string i = std::to_string(c["index"].get<int>());
        const std::string what = "nvfp4 " + c["kind"].get<std::string>() + " case " + i;
        at::Tensor x = *golden::loadTensor(file, "in." + i);
        QuantConfig config;
        config.scheme = QuantScheme::Nvfp4DynamicActivationNvfp4Weight;
        config.nvfp4PerTensorScale = c["per_tensor_scale"].get<bool>();
        auto linear = toFakeQuantSpec(config, TorchaoVersion{0, 18}, DeviceSemantics::Cpu);
        ASSERT_TRUE(linear.ok()) << linear.error().message;
        auto got = fakeQuantize(x, linear->weight);
        if (c.contains("error")) {
            EXPECT_FALSE(got.ok()) << what << ": torchao refused K % 16 != 0, we accepted";
            refused += !got.ok();
            identical += !got.ok();
            continue;
        }
        ASSERT_TRUE(got.ok()) << what << ": " << got.error().message;
        std::optional<at::Tensor> pts;
        if (config.nvfp4PerTensorScale) pts = nvfp4PerTensorScale(x);
        const Nvfp4Blocks blocks = nvfp4Quantize(x, pts);
        int64_t bad = golden::bitMismatches(asBytes(blocks.scale), *golden::loadTensor(file, "scale." + i));
        bad += golden::bitMismatches(blocks.qdata, *golden::loadTensor(file, "qdata." + i));
        if (pts) bad += golden::bitMismatches(pts->reshape({1}), *golden::loadTensor(file, "pts." + i));
        bad += golden::bitMismatches(*got, *golden::loadTensor(file, "out." + i));
        EXPECT_EQ(bad, 0) << what << " (" << c["dtype"] << ", per-tensor " << c["per_tensor_scale"] << ")";
        identical += bad == 0;
    }
    std::printf(
        "nvfp4 to_nvfp4 (codes, e4m3 scales, per-tensor scale, dequantize): %d/%zu cases bit-identical "
        "(%d refused as torchao does)\n",
        identical, m["nvfp4"].size(), refused);
    EXPECT_EQ(identical, static_cast<int>(m["nvfp4"].size()));
    EXPECT_GE(refused, 2);
}

}  // namespace
}  // namespace ql::quant
