"""torchao config_to_dict JSON and HF TorchAoConfig quantization_config for QuantLens' config parser.

build(out) writes, for each case, `<name>.json` (config_to_dict of the live config), `<name>.repr.txt`
(repr() of the same live config, as print(config) shows it in a training log), for a subset
`<name>.hf.json` (transformers TorchAoConfig(quant_type=config).to_json_string()), and `cases.json`:
the canonical fields read back from the live config objects, plus the fake-quant group size that
torchao's own `_infer_fake_quantize_configs` infers (None where QAT prepare rejects the config).
"""
import json
from pathlib import Path

import torch
from torchao.core.config import config_to_dict
from torchao.prototype.quantization.int4.inference_workflow import Int8DynamicActivationInt4WeightConfig
from torchao.quantization import (Float8DynamicActivationFloat8WeightConfig, Float8DynamicActivationInt4WeightConfig,
                                  Int4WeightOnlyConfig, Int8DynamicActivationIntxWeightConfig, IntxWeightOnlyConfig)
from torchao.quantization.granularity import PerAxis, PerGroup, PerRow, PerTensor
from torchao.quantization.qat import QATConfig
from torchao.quantization.qat.fake_quantize_config import _infer_fake_quantize_configs
from torchao.quantization.quant_primitives import MappingType
from torchao.quantization.quantize_.workflows import Int4ChooseQParamsAlgorithm, Int4PackingFormat, IntxPackingFormat

from torchao.prototype.mx_formats import MXDynamicActivationMXWeightConfig, NVFP4DynamicActivationNVFP4WeightConfig
from torchao.prototype.mx_formats.config import ScaleCalculationMode
from torchao.quantization.quantize_.common.kernel_preference import KernelPreference

from ._common import write_json

MX4 = torch.float4_e2m1fn_x2


def _cases():
    return {
        "int4_default": Int4WeightOnlyConfig(),
        "int4_g32_preshuffled": Int4WeightOnlyConfig(group_size=32, int4_packing_format=Int4PackingFormat.PRESHUFFLED),
        "int4_tile_hqq": Int4WeightOnlyConfig(group_size=64, int4_packing_format=Int4PackingFormat.TILE_PACKED_TO_4D,
                                              int4_choose_qparams_algorithm=Int4ChooseQParamsAlgorithm.HQQ,
                                              int4_tile_packed_ntile=16),
        "int4_plain_int32": Int4WeightOnlyConfig(group_size=256, int4_packing_format=Int4PackingFormat.PLAIN_INT32),
        "intx_default": IntxWeightOnlyConfig(),
        "intx_int4_g32": IntxWeightOnlyConfig(weight_dtype=torch.int4, granularity=PerGroup(32)),
        "intx_int2_asym_bf16scale": IntxWeightOnlyConfig(weight_dtype=torch.int2, granularity=PerAxis(0),
                                                         mapping_type=MappingType.ASYMMETRIC, scale_dtype=torch.bfloat16),
        "da8_intx_default": Int8DynamicActivationIntxWeightConfig(),
        "da8_intx_int4_axis_opaque": Int8DynamicActivationIntxWeightConfig(
            weight_dtype=torch.int4, weight_granularity=PerAxis(0), act_mapping_type=MappingType.SYMMETRIC,
            intx_packing_format=IntxPackingFormat.OPAQUE_TORCHAO_AUTO),
        "8da4w_default": Int8DynamicActivationInt4WeightConfig(),
        "8da4w_g128_sym": Int8DynamicActivationInt4WeightConfig(group_size=128, act_mapping_type=MappingType.SYMMETRIC),
        "fp8_default": Float8DynamicActivationFloat8WeightConfig(),
        "fp8_perrow": Float8DynamicActivationFloat8WeightConfig(granularity=PerRow()),
        "fp8_pertensor_list_e5m2": Float8DynamicActivationFloat8WeightConfig(
            weight_dtype=torch.float8_e5m2, granularity=[PerTensor(), PerTensor()], activation_value_ub=1200.0),
        "fp8_int4_default": Float8DynamicActivationInt4WeightConfig(),
        "fp8_int4_plain": Float8DynamicActivationInt4WeightConfig(int4_packing_format="plain"),
        "qat_prepare_int4_g32": QATConfig(Int4WeightOnlyConfig(group_size=32), step="prepare"),
        "qat_convert_int4": QATConfig(Int4WeightOnlyConfig(group_size=64), step="convert"),
        "qat_convert_no_base": QATConfig(step="convert"),
        "qat_prepare_intx": QATConfig(IntxWeightOnlyConfig(weight_dtype=torch.int4, granularity=PerGroup(32)), step="prepare"),
        "mx_default": MXDynamicActivationMXWeightConfig(),
        "mxfp4_emulated_floor": MXDynamicActivationMXWeightConfig(
            activation_dtype=MX4, weight_dtype=MX4, kernel_preference=KernelPreference.EMULATED,
            scaling_mode=ScaleCalculationMode.FLOOR),
        "mxfp8_e5m2_even_b64": MXDynamicActivationMXWeightConfig(
            block_size=64, activation_dtype=torch.float8_e5m2, weight_dtype=torch.float8_e5m2,
            kernel_preference=KernelPreference.EMULATED, scaling_mode=ScaleCalculationMode.EVEN),
        "mxfp8_e5m2_auto": MXDynamicActivationMXWeightConfig(activation_dtype=torch.float8_e5m2,
                                                             weight_dtype=torch.float8_e5m2),
        "qat_prepare_mxfp8_ceil": QATConfig(MXDynamicActivationMXWeightConfig(
            kernel_preference=KernelPreference.EMULATED, scaling_mode=ScaleCalculationMode.CEIL), step="prepare"),
        "nvfp4_default": NVFP4DynamicActivationNVFP4WeightConfig(),
        "nvfp4_no_per_tensor": NVFP4DynamicActivationNVFP4WeightConfig(use_triton_kernel=False,
                                                                       use_dynamic_per_tensor_scale=False),
        "qat_convert_nvfp4": QATConfig(NVFP4DynamicActivationNVFP4WeightConfig(), step="convert"),
    }


# Constructor calls as users write them in code (positional arguments, double quotes, enums by
# member); code_cases.json pairs each with config_to_dict of the object it builds.
CODE_CASES = [
    'QATConfig(Int4WeightOnlyConfig(group_size=128), step="prepare")',
    'QATConfig(Int4WeightOnlyConfig(32), step="convert")',
    'Int4WeightOnlyConfig(64, int4_packing_format=Int4PackingFormat.PRESHUFFLED)',
    'QATConfig(IntxWeightOnlyConfig(torch.int4, PerGroup(32)), step="prepare")',
    'IntxWeightOnlyConfig(weight_dtype=torch.int8, granularity=PerAxis(0), mapping_type=MappingType.ASYMMETRIC)',
    'Int8DynamicActivationIntxWeightConfig(weight_dtype=torch.int4, weight_granularity=PerGroup(64))',
    'Float8DynamicActivationFloat8WeightConfig(granularity=PerRow())',
    'QATConfig(MXDynamicActivationMXWeightConfig(activation_dtype=torch.float4_e2m1fn_x2, '
    'weight_dtype=torch.float4_e2m1fn_x2, kernel_preference=KernelPreference.EMULATED, '
    'scaling_mode=ScaleCalculationMode.FLOOR), step="prepare")',
    'NVFP4DynamicActivationNVFP4WeightConfig(use_dynamic_per_tensor_scale=False)',
]


def _code_cases():
    scope = dict(torch=torch, QATConfig=QATConfig, Int4WeightOnlyConfig=Int4WeightOnlyConfig,
                 IntxWeightOnlyConfig=IntxWeightOnlyConfig, PerGroup=PerGroup, PerAxis=PerAxis, PerRow=PerRow,
                 Int8DynamicActivationIntxWeightConfig=Int8DynamicActivationIntxWeightConfig,
                 Float8DynamicActivationFloat8WeightConfig=Float8DynamicActivationFloat8WeightConfig,
                 Int4PackingFormat=Int4PackingFormat, MappingType=MappingType,
                 MXDynamicActivationMXWeightConfig=MXDynamicActivationMXWeightConfig,
                 NVFP4DynamicActivationNVFP4WeightConfig=NVFP4DynamicActivationNVFP4WeightConfig,
                 KernelPreference=KernelPreference, ScaleCalculationMode=ScaleCalculationMode)
    return [{"code": code, "config": config_to_dict(eval(code, scope))} for code in CODE_CASES]  # noqa: S307


def _name(v):
    return None if v is None else (v.name if hasattr(v, "name") else str(v))


def _granularity(g):
    if isinstance(g, list):
        g = g[0]
    if g is None:
        return None
    arg = {"PerGroup": "group_size", "PerAxis": "axis"}.get(type(g).__name__)
    return {"type": type(g).__name__, "arg": getattr(g, arg) if arg else None}


def _fields(base):
    """Canonical fields read from the live base config object (None when absent on that class)."""
    f = {"class": type(base).__name__, "version": getattr(base, "version", 1)}
    f["group_size"] = getattr(base, "group_size", None)
    packing = getattr(base, "int4_packing_format", None)
    f["int4_packing_format"] = packing.upper() if isinstance(packing, str) else _name(packing)
    f["int4_choose_qparams_algorithm"] = _name(getattr(base, "int4_choose_qparams_algorithm", None))
    f["int4_tile_packed_ntile"] = getattr(base, "int4_tile_packed_ntile", None)
    f["intx_packing_format"] = _name(getattr(base, "intx_packing_format", None))
    f["intx_choose_qparams_algorithm"] = _name(getattr(base, "intx_choose_qparams_algorithm", None))
    f["weight_dtype"] = str(base.weight_dtype).split(".")[-1] if hasattr(base, "weight_dtype") else None
    f["activation_dtype"] = str(base.activation_dtype).split(".")[-1] if hasattr(base, "activation_dtype") else None
    gran = getattr(base, "granularity", getattr(base, "weight_granularity", None))
    if isinstance(base, Float8DynamicActivationFloat8WeightConfig):
        from torchao.float8.inference import _normalize_granularity
        gran = _normalize_granularity(gran)[1]  # what torchao applies (None -> PerTensor)
    f["granularity"] = _granularity(gran)
    f["mapping_type"] = _name(getattr(base, "mapping_type", getattr(base, "weight_mapping_type", None)))
    f["act_mapping_type"] = _name(getattr(base, "act_mapping_type", None))
    scale = getattr(base, "scale_dtype", getattr(base, "weight_scale_dtype", None))
    f["scale_dtype"] = None if scale is None else str(scale).split(".")[-1]
    f["activation_value_ub"] = getattr(base, "activation_value_ub", None)
    f["block_size"] = getattr(base, "block_size", None)  # MX
    f["scaling_mode"] = _name(getattr(base, "scaling_mode", None))
    f["kernel_preference"] = _name(getattr(base, "kernel_preference", None))
    f["use_dynamic_per_tensor_scale"] = getattr(base, "use_dynamic_per_tensor_scale", None)  # NVFP4
    return f


def _fake(base):
    """(prepare supported, fake-quant weight group size or 0 when not grouped) as torchao infers them."""
    try:
        _, w = _infer_fake_quantize_configs(base)
    except (ValueError, AssertionError):
        return False, None
    gran = getattr(w, "granularity", None)
    if gran is not None and not isinstance(gran, PerGroup):
        return True, 0
    if type(w).__name__ == "NVFP4FakeQuantizeConfig":  # no field: to_nvfp4's block_size default, asserted == 16
        import inspect
        from torchao.prototype.mx_formats.nvfp4_tensor import NVFP4Tensor
        return True, inspect.signature(NVFP4Tensor.to_nvfp4).parameters["block_size"].default
    return True, getattr(w, "group_size", None) or getattr(w, "block_size", 0) or 0


def build(out: Path) -> None:
    from transformers import TorchAoConfig
    manifest = []
    for name, cfg in _cases().items():
        (out / f"{name}.json").write_text(json.dumps(config_to_dict(cfg), indent=1) + "\n")
        (out / f"{name}.repr.txt").write_text(repr(cfg) + "\n")
        is_qat = isinstance(cfg, QATConfig)
        base = cfg.base_config if is_qat else cfg
        case = {"name": name, "qat_step": cfg.step if is_qat else None, "has_base": base is not None}
        if base is not None:
            case["fields"] = _fields(base)
            case["fake_prepare_supported"], case["fake_group_size"] = _fake(base)
        if not is_qat and name in ("int4_default", "int4_g32_preshuffled", "intx_int4_g32", "fp8_perrow", "da8_intx_default"):
            (out / f"{name}.hf.json").write_text(TorchAoConfig(quant_type=cfg).to_json_string())
            case["hf"] = True
        manifest.append(case)
    write_json(out / "cases.json", manifest)
    write_json(out / "code_cases.json", _code_cases())
