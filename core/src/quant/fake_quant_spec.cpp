#include "quant/fake_quant_spec.h"

#include <quantlens/quant_schemes.h>
#include <quantlens/torchao_releases.h>

#include <string>

namespace ql::quant {
namespace {

Error unsupported(const QuantConfig& config, const std::string& what) {
    return makeError(ErrorCode::Unsupported,
                     std::string(quantSchemeTorchaoClass(config.scheme)) + ": QAT prepare " + what);
}

// IntxFakeQuantizeConfig for a symmetric per-group / per-axis weight.
Result<FakeQuantSpec> intxWeightSpec(const QuantConfig& config, TorchaoVersion version) {
    const int bits = quantDTypeBits(config.weight.dtype);
    const bool signedInt = config.weight.dtype >= QuantDType::Int2 && config.weight.dtype <= QuantDType::Int8;
    if (!signedInt) {
        return unsupported(config,
                           "needs weight_dtype int2..int8, got " + std::string(quantDTypeName(config.weight.dtype)));
    }
    if (config.weight.mapping != MappingType::Symmetric) {
        return unsupported(config, "supports only SYMMETRIC weight mapping");
    }
    FakeQuantSpec spec;
    spec.kind = FqKind::IntxWeight;
    spec.bits = bits;
    if (config.weight.granularity == Granularity::PerGroup) {
        spec.groupSize = config.weight.groupSize;
    } else if (config.weight.granularity == Granularity::PerAxis && config.weight.axis == 0) {
        spec.groupSize = 0;
    } else {
        return unsupported(config, "supports weight granularity PerGroup or PerAxis(0) only");
    }
    spec.eps = version < kTorchaoSmallestNormalEps ? EpsPolicy::DtypeEps : EpsPolicy::SmallestNormal;
    return spec;
}

Result<LinearFakeQuant> int4Spec(const QuantConfig& config, TorchaoVersion version) {
    if (config.int4Packing != Int4PackingFormat::Plain && config.int4Packing != Int4PackingFormat::Preshuffled) {
        return unsupported(config, "accepts int4_packing_format PLAIN or PRESHUFFLED only");
    }
    LinearFakeQuant out;
    out.weight.kind = FqKind::Int4Plain;
    // pytorch/ao#4518: before 0.18 the fake quantizer used group 128 whatever the config said.
    out.weight.groupSize = version < kTorchaoQatHonoursGroupSize ? 128 : config.weight.groupSize;
    return out;
}

// MXDynamicActivationMXWeightConfig -> MXFakeQuantizeConfig for input and weight, same fields
// (fake_quantize_config.py _infer_fake_quantize_configs; prototype/qat/mx.py).
Result<LinearFakeQuant> mxSpec(const QuantConfig& config) {
    const EffectiveFakeQuant eff = effectiveFakeQuant(config, TorchaoVersion{});
    if (!eff.prepareSupported) {
        return unsupported(config, eff.prepareRejection);
    }
    LinearFakeQuant out;
    out.weight.kind = FqKind::Mx;
    out.weight.elem = config.weight.dtype;
    out.weight.groupSize = config.weight.groupSize;
    out.weight.mxMode = config.mxScaling;
    out.hasActivation = true;
    out.activation = out.weight;
    out.activation.elem = config.activation ? config.activation->dtype : config.weight.dtype;
    return out;
}

}  // namespace

Result<LinearFakeQuant> toFakeQuantSpec(const QuantConfig& config, TorchaoVersion version, DeviceSemantics device) {
    Result<LinearFakeQuant> result = unsupported(config, "is not supported for this scheme");
    switch (schemeFamily(config.scheme)) {
        case SchemeFamily::Int4:
            result = int4Spec(config, version);
            break;
        case SchemeFamily::Intx: {
            auto weight = intxWeightSpec(config, version);
            if (!weight) {
                return weight.error();
            }
            LinearFakeQuant out;
            out.weight = *weight;
            if (quantSchemeInfo(config.scheme).activationQuantized) {
                out.hasActivation = true;
                out.activation.kind = FqKind::Int8Activation;
                out.activation.eps = weight->eps;
            }
            result = out;
            break;
        }
        case SchemeFamily::Float8: {
            LinearFakeQuant out;
            out.weight.kind = FqKind::Float8;
            out.weight.perRow = config.weight.granularity == Granularity::PerRow;
            out.hasActivation = true;
            out.activation = out.weight;
            result = out;
            break;
        }
        case SchemeFamily::Float8Int4: {
            LinearFakeQuant out;
            out.weight.kind = FqKind::Float8Int4;
            out.weight.groupSize = 128;  // hard-coded in _infer_fake_quantize_configs
            out.hasActivation = true;
            out.activation.kind = FqKind::Float8;
            out.activation.perRow = true;
            result = out;
            break;
        }
        case SchemeFamily::Mx:
            if (version < TorchaoVersion{0, 16}) {
                return unsupported(config, "for MX needs torchao 0.16 or later (prototype/qat/mx.py)");
            }
            result = mxSpec(config);
            break;
        case SchemeFamily::Nvfp4: {
            if (version < TorchaoVersion{0, 15}) {
                return unsupported(config, "for NVFP4DynamicActivationNVFP4WeightConfig needs torchao 0.15 or later");
            }
            LinearFakeQuant out;  // _infer_fake_quantize_configs: use_per_tensor_scale = use_dynamic_per_tensor_scale
            out.weight.kind = FqKind::Nvfp4;
            out.weight.groupSize = 16;
            out.weight.elem = QuantDType::Float4E2M1;
            out.weight.perTensorScale = config.nvfp4PerTensorScale;
            out.hasActivation = true;
            out.activation = out.weight;
            result = out;
            break;
        }
        case SchemeFamily::Int8Int4:
            if (version >= kTorchao8da4wQatRemoved) {
                return unsupported(config, "was removed for this config in torchao 0.17");
            }
            return unsupported(config, "(legacy 8da4w) is not implemented; use Int8DynamicActivationIntxWeightConfig");
        case SchemeFamily::None:
            return unsupported(config, "needs a base config");
    }
    if (result) {
        result->weight.device = device;
        result->activation.device = device;
    }
    return result;
}

}  // namespace ql::quant
