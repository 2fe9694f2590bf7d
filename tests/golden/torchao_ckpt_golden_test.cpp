// torchao-quantized safetensors (flattened layout, single file and sharded) read by the torch-free
// reader and compared with our own convert of the original weights; Intx / Float8 / tinygemm converts
// bit-identical with torchao 0.18.0 on CPU (data: tests/reference/ql_ref/torchao_ckpt.py).
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "golden/golden_tensors.h"
#include "quant/int4_tinygemm.h"
#include "quant/torchao_weights.h"
#include "support/reference_data.h"

namespace ql::quant {
namespace {

using nlohmann::json;

struct Ref {
    std::filesystem::path dir;
    json manifest;
};

std::optional<Ref> loadRef() {
    auto dir = test::referenceModuleDir("torchao_ckpt", false);
    if (!dir) {
        return std::nullopt;
    }
    auto m = test::loadJsonFile(*dir / "manifest.json");
    return m ? std::optional<Ref>(Ref{*dir, *m}) : std::nullopt;
}

at::Tensor mustLoad(const SafetensorsFile& f, const std::string& name) {
    auto t = golden::loadTensor(f, name);
    EXPECT_TRUE(t.has_value()) << "reference tensor " << name << " missing";
    return t ? *t : at::Tensor();
}

// Raw-bit mismatches; float8 (no masked_fill kernel) compares its bytes, NaN payloads included.
int64_t bad(const at::Tensor& a, const at::Tensor& b) {
    if (a.scalar_type() == at::kFloat8_e4m3fn && b.scalar_type() == at::kFloat8_e4m3fn) {
        return golden::bitMismatches(a.contiguous().view(at::kChar), b.contiguous().view(at::kChar));
    }
    return golden::bitMismatches(a, b);
}

// Parsed checkpoint weight vs our convert of the float weight, by type. Returns mismatching elements.
int64_t compareModule(const TorchaoWeight& w, const at::Tensor& hp, const json& module) {
    const std::string scheme = module["scheme"];
    if (w.type == "Int4Tensor") {
        auto got = int4PlainFromTorchao(w);
        auto ours = int4PlainConvert(hp, static_cast<int>(w.blockSize[1]), DeviceSemantics::Cpu);
        EXPECT_TRUE(got.ok() && ours.ok());
        return bad(got->qdata, ours->qdata) + bad(got->scale, ours->scale) + bad(got->zeroPoint, ours->zeroPoint);
    }
    if (w.type == "IntxUnpackedToInt8Tensor") {
        auto got = intxFromTorchao(w);
        EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.error().message);
        const int g = w.blockSize[1] == w.shape[1] ? 0 : static_cast<int>(w.blockSize[1]);
        auto ours = intxConvert(hp, got->bits, g, EpsPolicy::SmallestNormal, DeviceSemantics::Cpu);
        EXPECT_TRUE(ours.ok());
        EXPECT_EQ(w.activationQuantization, scheme.starts_with("int8da") ? "int8_asym_per_token" : "");
        return bad(got->qdata, ours->qdata) + bad(got->scale, ours->scale) + bad(got->zeroPoint, ours->zeroPoint);
    }
    EXPECT_EQ(w.type, "Float8Tensor");
    auto got = float8FromTorchao(w);
    auto ours = float8Convert(hp, w.blockSize[0] == 1, DeviceSemantics::Cpu);
    EXPECT_TRUE(got.ok() && ours.ok());
    return bad(got->qdata, ours->qdata) + bad(got->scale, ours->scale);
}

TEST(TorchaoCheckpointGolden, FlatAndShardedMatchOurConvert) {
    auto ref = loadRef();
    ASSERT_TRUE(ref);
    auto floats = SafetensorsFile::openFile(ref->dir / "float.safetensors");
    ASSERT_TRUE(floats.ok());
    int compared = 0, identical = 0;
    for (const char* layout : {"flat", "sharded"}) {
        auto ckpt = Checkpoint::open(ref->dir / layout);
        ASSERT_TRUE(ckpt.ok()) << ckpt.error().message;
        ASSERT_TRUE(hasTorchaoTensors(*ckpt));
        auto parsed = readTorchaoCheckpoint(*ckpt);
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        size_t quantized = 0;
        for (const json& m : ref->manifest["checkpoint"]["modules"]) {
            const std::string param = m["name"].get<std::string>() + ".weight";
            if (m["type"] == "Tensor") {
                EXPECT_NE(std::find(parsed->plainTensors.begin(), parsed->plainTensors.end(), param),
                          parsed->plainTensors.end())
                    << param;
                continue;
            }
            ++quantized;
            auto it = std::find_if(parsed->weights.begin(), parsed->weights.end(),
                                   [&](const TorchaoWeight& w) { return w.parameter == param; });
            ASSERT_NE(it, parsed->weights.end()) << param;
            EXPECT_EQ(it->type, m["type"].get<std::string>());
            EXPECT_EQ(it->module, m["name"].get<std::string>());
            EXPECT_EQ(it->shape, (std::vector<int64_t>{m["out"], m["in"]}));
            EXPECT_EQ(it->dtype, DType::BF16) << param;
            const int64_t n = compareModule(*it, mustLoad(*floats, param), m);
            EXPECT_EQ(n, 0) << layout << " " << param;
            ++compared;
            identical += n == 0;
        }
        EXPECT_EQ(parsed->weights.size(), quantized);
        EXPECT_EQ(parsed->plainTensors.size(), ref->manifest["checkpoint"]["metadata"].size() - 1 - quantized);
    }
    std::printf(
        "torchao checkpoints (flat + 2 shards): %d/%d quantized weights bit-identical with our convert "
        "of the float weights\n",
        identical, compared);
    EXPECT_EQ(identical, compared);
    EXPECT_GE(compared, 10);
}

TEST(TorchaoCheckpointGolden, InconsistentMetadataIsRefused) {
    auto ref = loadRef();
    ASSERT_TRUE(ref);
    const std::vector<std::pair<std::string, ErrorCode>> cases = {{"unknown_type", ErrorCode::Unsupported},
                                                                  {"missing_component", ErrorCode::NotFound},
                                                                  {"shape_mismatch", ErrorCode::InvalidInput}};
    for (const auto& [name, code] : cases) {
        auto ckpt = Checkpoint::open(ref->dir / ("bad_" + name + ".safetensors"));
        ASSERT_TRUE(ckpt.ok()) << ckpt.error().message;
        auto parsed = readTorchaoCheckpoint(*ckpt);
        ASSERT_FALSE(parsed.ok()) << name;
        EXPECT_EQ(parsed.error().code, code) << name << ": " << parsed.error().message;
        EXPECT_NE(parsed.error().message.find("model.layers.0.self_attn.q_proj"), std::string::npos)
            << parsed.error().message;
        EXPECT_NE(parsed.error().message.find("bad_" + name), std::string::npos) << parsed.error().message;
        std::printf("bad_%s: %s\n", name.c_str(), parsed.error().message.c_str());
    }
}

TEST(TorchaoConvertGolden, IntxBitIdenticalWithTorchao) {
    auto ref = loadRef();
    ASSERT_TRUE(ref);
    auto f = SafetensorsFile::openFile(ref->dir / "intx.safetensors");
    ASSERT_TRUE(f.ok());
    std::map<std::string, int> total, same, refused;
    for (const json& e : ref->manifest["intx"]) {
        const std::string key = e["key"], scheme = e["scheme"];
        const at::Tensor w = mustLoad(*f, "w." + key);
        auto q = intxConvert(w, e["bits"], e["group_size"], EpsPolicy::SmallestNormal, DeviceSemantics::Cpu);
        if (e.contains("error")) {
            EXPECT_FALSE(q.ok()) << key << ": torchao raised " << e["error"];
            refused[scheme] += !q.ok();
            continue;
        }
        ASSERT_TRUE(q.ok()) << key << ": " << q.error().message;
        const int64_t n = bad(q->qdata, mustLoad(*f, "qdata." + key)) + bad(q->scale, mustLoad(*f, "scale." + key)) +
                          bad(q->zeroPoint, mustLoad(*f, "zero." + key)) +
                          bad(intxDequantize(*q, w.scalar_type()), mustLoad(*f, "dq." + key));
        EXPECT_EQ(n, 0) << key << " (" << e["kind"] << ", bits " << e["bits"] << ", g " << e["group_size"] << ")";
        ++total[scheme];
        same[scheme] += n == 0;
    }
    for (const auto& [scheme, t] : total) {
        std::printf(
            "%s convert: %d/%d weights with qdata+scale+zero_point+dequantize() bit-identical, "
            "%d/%d ragged-K cases refused as torchao does\n",
            scheme.c_str(), same[scheme], t, refused[scheme], refused[scheme]);
        EXPECT_GE(t, 200);
        EXPECT_EQ(same[scheme], t);
    }
    EXPECT_EQ(total.size(), 2u);
}

TEST(TorchaoConvertGolden, Float8BitIdenticalWithTorchao) {
    auto ref = loadRef();
    ASSERT_TRUE(ref);
    auto f = SafetensorsFile::openFile(ref->dir / "float8.safetensors");
    ASSERT_TRUE(f.ok());
    int total = 0, same = 0;
    for (const json& e : ref->manifest["float8"]) {
        if (e.value("stays", false)) {
            continue;  // N or K not a multiple of 16: torchao's config leaves the layer unquantized
        }
        const std::string key = e["key"];
        const at::Tensor w = mustLoad(*f, "w." + key);
        auto q = float8Convert(w, e["per_row"], DeviceSemantics::Cpu);
        ASSERT_TRUE(q.ok()) << key << ": " << q.error().message;
        const int64_t n = bad(q->qdata, mustLoad(*f, "qdata." + key)) + bad(q->scale, mustLoad(*f, "scale." + key)) +
                          bad(float8Dequantize(*q, w.scalar_type()), mustLoad(*f, "dq." + key));
        EXPECT_EQ(n, 0) << key << " (" << e["kind"] << ", per_row " << e["per_row"] << ")";
        ++total;
        same += n == 0;
    }
    std::printf("float8 convert: %d/%d weights with qdata+scale+dequantize() bit-identical\n", same, total);
    EXPECT_GE(total, 200);
    EXPECT_EQ(same, total);
}

TEST(TorchaoConvertGolden, TinygemmBitIdenticalWithTorchao) {
    auto ref = loadRef();
    ASSERT_TRUE(ref);
    auto f = SafetensorsFile::openFile(ref->dir / "tinygemm.safetensors");
    ASSERT_TRUE(f.ok());
    std::map<std::string, int> total, same;
    for (const json& e : ref->manifest["tinygemm"]) {
        const std::string key = e["key"], fmt = e["format"];
        const bool tile = fmt == "tile_packed_to_4d";
        auto q = int4TinygemmConvert(mustLoad(*f, "w." + key), e["group_size"],
                                     tile ? TinygemmFormat::TilePackedTo4d : TinygemmFormat::Opaque);
        ASSERT_TRUE(q.ok()) << key << ": " << q.error().message;
        int64_t n = bad(q->scaleAndZero, mustLoad(*f, "sz." + key));
        if (tile) {
            n += bad(tinygemmNibbles(q->codes), mustLoad(*f, "nibbles." + key)) +
                 bad(int4TinygemmDequantize(*q), mustLoad(*f, "dq." + key));
        } else {
            n += bad(at::_convert_weight_to_int4pack_for_cpu(q->codes, 1), mustLoad(*f, "packed." + key));
        }
        auto y = int4TinygemmLinearCpu(mustLoad(*f, "x." + key), *q, golden::loadTensor(*f, "bias." + key));
        ASSERT_TRUE(y.ok()) << y.error().message;
        n += bad(*y, mustLoad(*f, "y." + key));
        EXPECT_EQ(n, 0) << key;
        ++total[fmt];
        same[fmt] += n == 0;
    }
    for (const auto& [fmt, t] : total) {
        std::printf("tinygemm %s: %d/%d weights with codes+scale_and_zero+linear bit-identical\n", fmt.c_str(),
                    same[fmt], t);
        EXPECT_EQ(same[fmt], t);
    }
    EXPECT_EQ(total.size(), 2u);
}

}  // namespace
}  // namespace ql::quant
