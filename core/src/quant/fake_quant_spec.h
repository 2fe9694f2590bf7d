// Private description of one fake quantizer, exactly as torchao's eager code runs it
// (qat/fake_quantizer.py, configs from qat/fake_quantize_config.py). Decoupled from the public
// QuantConfig: toFakeQuantSpec() maps.
#pragma once

#include "quantlens/quant_config.h"
#include "quantlens/result.h"

namespace ql::quant {

// Which eager op sequence runs.
enum class FqKind {
    Int4Plain,       // Int4WeightFakeQuantizer bf16-activation path (asym [0,15] recentred by 8, fp32)
    IntxWeight,      // IntxFakeQuantizer per-group / per-axis symmetric, in the weight dtype
    Int8Activation,  // IntxFakeQuantizer per-token asymmetric int8, in the activation dtype
    Float8,          // Float8FakeQuantizer (per row or per tensor), e4m3
    Float8Int4,      // Int4WeightFakeQuantizer fp8-activation path (fp8 per row, then int4 sym g128)
    Mx,              // MXTensor.to_mx + dequantize (prototype/qat/mx.py, EMULATED): E8M0 per block of groupSize
    Nvfp4,           // NVFP4Tensor.to_nvfp4 + dequantize (prototype/qat/nvfp4.py): e4m3 per block of 16
};

// Whose rounding `tensor / python_scalar` follows: CPU divides; CUDA multiplies by fl32(1/d).
enum class DeviceSemantics { Cpu, Cuda };

// Scale clamp of the Intx / int8-activation paths: finfo(dtype).eps before torchao 0.18,
// finfo(dtype).smallest_normal from 0.18 (pytorch/ao#4534).
enum class EpsPolicy { DtypeEps, SmallestNormal };

struct FakeQuantSpec {
    FqKind kind = FqKind::Int4Plain;
    int bits = 4;                              // IntxWeight: 2..8
    int groupSize = 128;                       // effective group (Int4Plain, IntxWeight, Float8Int4); 0 = per axis
    bool perRow = true;                        // Float8: per row (true) or per tensor
    QuantDType elem = QuantDType::Float8E4M3;  // Mx: element type (float8_e4m3fn / float8_e5m2 / float4_e2m1fn_x2)
    MxScaleMode mxMode = MxScaleMode::Rceil;   // Mx: scaling_mode
    bool perTensorScale = true;                // Nvfp4: two-level scaling (use_per_tensor_scale)
    DeviceSemantics device = DeviceSemantics::Cpu;
    EpsPolicy eps = EpsPolicy::SmallestNormal;
};

// Weight and activation quantizers of one QAT-prepared linear (activation absent: weight-only).
struct LinearFakeQuant {
    FakeQuantSpec weight;
    bool hasActivation = false;
    FakeQuantSpec activation;
};

// What QATConfig(config, step="prepare") builds under torchao `version`, incl. the version switches:
// Int4 fake-quant group forced to 128 before 0.18; Intx eps policy by version. Unsupported (prepare
// rejects it in torchao) -> Unsupported error naming the field.
Result<LinearFakeQuant> toFakeQuantSpec(const QuantConfig& config, TorchaoVersion version, DeviceSemantics device);

}  // namespace ql::quant
