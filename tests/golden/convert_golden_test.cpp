// Int4 PLAIN convert vs torchao 0.18.0's Int4Tensor (quantize_ on CPU with the FBGEMM transcription of
// mslk's int4_row_quantize_zp/pack_int4; see ql_ref/fake_quant.py): qdata, scale, zero_point
// bit-identical; kernel-emulating linear vs the Python emulation (torchao has no CPU PLAIN int4 mm).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "golden/golden_tensors.h"
#include "quant/fake_quant.h"
#include "quant/int4_convert.h"

namespace ql::quant {
namespace {

using nlohmann::json;

TEST(ConvertGolden, Int4PlainBitIdenticalWithTorchao) {
    const auto dir = golden::referenceDir("fake_quant");
    std::ifstream in(dir / "convert_manifest.json");
    const json m = json::parse(in);
    auto file = SafetensorsFile::openFile(dir / "convert_int4.safetensors");
    ASSERT_TRUE(file.ok());
    int converted = 0, identical = 0, staysBf16 = 0, linearIdentical = 0;
    int64_t bytes = 0;
    for (const json& c : m["cases"]) {
        const std::string idx = std::to_string(c["index"].get<int>());
        const at::Tensor w = *golden::loadTensor(*file, "w." + idx);
        const int g = c["group_size"];
        auto q = int4PlainConvert(w, g, DeviceSemantics::Cpu);
        if (c.value("stays_bf16", false)) {
            EXPECT_FALSE(q.ok()) << "case " << idx << ": torchao kept it bf16";
            staysBf16 += !q.ok();
            continue;
        }
        ASSERT_TRUE(q.ok()) << q.error().message;
        ++converted;
        const int64_t bad = golden::bitMismatches(q->qdata, *golden::loadTensor(*file, "qdata." + idx)) +
                            golden::bitMismatches(q->scale, *golden::loadTensor(*file, "scale." + idx)) +
                            golden::bitMismatches(q->zeroPoint, *golden::loadTensor(*file, "zero." + idx));
        EXPECT_EQ(bad, 0) << "case " << idx << " (" << c["kind"] << ")";
        identical += bad == 0;
        bytes += q->qdata.numel();
        // Codes of convert == codes of the fake path (same device semantics): unpack(pack(c)) == c.
        EXPECT_EQ(golden::bitMismatches(unpackInt4(q->qdata), int4PlainCodes(w, g, DeviceSemantics::Cpu)), 0);
        auto bias = golden::loadTensor(*file, "bias." + idx);
        auto y = int4PlainLinear(*golden::loadTensor(*file, "x." + idx), *q, bias);
        ASSERT_TRUE(y.ok()) << y.error().message;
        const int64_t badY = golden::bitMismatches(*y, *golden::loadTensor(*file, "y." + idx));
        EXPECT_EQ(badY, 0) << "linear case " << idx;
        linearIdentical += badY == 0;
    }
    std::printf(
        "int4 plain convert: %d/%d weights with qdata+scale+zero_point bit-identical (%lld packed bytes), "
        "%d/%d K%%g!=0 layers left bf16 as torchao does, linear (kernel emulation vs python): %d/%d "
        "bit-identical\n",
        identical, converted, static_cast<long long>(bytes), staysBf16, staysBf16, linearIdentical, converted);
    EXPECT_GE(converted, 50);
    EXPECT_EQ(identical, converted);
}

}  // namespace
}  // namespace ql::quant
