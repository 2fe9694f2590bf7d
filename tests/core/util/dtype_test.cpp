// dtype spellings and sizes follow safetensors' Rust enum (safetensors/src/tensor.rs, enum Dtype).
#include <gtest/gtest.h>
#include <quantlens/dtype.h>

namespace {

TEST(DType, EveryNameRoundTrips) {
    for (int i = 0; i <= static_cast<int>(ql::DType::U64); ++i) {
        const auto dtype = static_cast<ql::DType>(i);
        const auto parsed = ql::dtypeFromName(ql::dtypeName(dtype));
        ASSERT_TRUE(parsed.has_value()) << ql::dtypeName(dtype);
        EXPECT_EQ(*parsed, dtype);
    }
}

TEST(DType, UnknownAndWrongCaseAreRejected) {
    EXPECT_FALSE(ql::dtypeFromName("bf16").has_value());
    EXPECT_FALSE(ql::dtypeFromName("F128").has_value());
    EXPECT_FALSE(ql::dtypeFromName("").has_value());
}

TEST(DType, BitWidths) {
    EXPECT_EQ(ql::dtypeBits(ql::DType::F4), 4);
    EXPECT_EQ(ql::dtypeBits(ql::DType::F6_E2M3), 6);
    EXPECT_EQ(ql::dtypeBits(ql::DType::Bool), 8);
    EXPECT_EQ(ql::dtypeBits(ql::DType::BF16), 16);
    EXPECT_EQ(ql::dtypeBits(ql::DType::C64), 64);
    EXPECT_TRUE(ql::dtypeIsFloatingPoint(ql::DType::F8_E4M3));
    EXPECT_FALSE(ql::dtypeIsFloatingPoint(ql::DType::I8));
}

// torch's spellings (str(torch.bfloat16) == "torch.bfloat16", ...), as torchao's config_to_dict and
// config.json's torch_dtype write them; the safetensors-only sub-byte types have none.
TEST(DType, TorchSpellingsRoundTrip) {
    EXPECT_EQ(ql::torchDtypeName(ql::DType::BF16), "bfloat16");
    EXPECT_EQ(ql::torchDtypeName(ql::DType::F8_E4M3), "float8_e4m3fn");
    EXPECT_EQ(ql::torchDtypeName(ql::DType::F8_E8M0), "float8_e8m0fnu");
    EXPECT_EQ(ql::torchDtypeName(ql::DType::F4), "");
    EXPECT_EQ(ql::dtypeFromTorchName("float32"), ql::DType::F32);
    EXPECT_EQ(ql::dtypeFromTorchName("int8"), ql::DType::I8);
    EXPECT_FALSE(ql::dtypeFromTorchName("BF16").has_value());
    EXPECT_FALSE(ql::dtypeFromTorchName("").has_value());
    for (int d = 0; d <= static_cast<int>(ql::DType::U64); ++d) {
        const auto dtype = static_cast<ql::DType>(d);
        if (!ql::torchDtypeName(dtype).empty()) EXPECT_EQ(ql::dtypeFromTorchName(ql::torchDtypeName(dtype)), dtype);
    }
}

}  // namespace
