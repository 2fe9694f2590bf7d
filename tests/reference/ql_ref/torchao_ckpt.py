"""Golden data for torchao-quantized safetensors checkpoints and the Intx / Float8 / tinygemm converts
(torchao 0.18.0 on CPU).

Layout written by build(out):
  torchao_ckpt/flat/model.safetensors          flatten_tensor_state_dict + save_file (what transformers'
                                                save_pretrained writes for a TorchAoConfig model)
  torchao_ckpt/sharded/                        the same state dict in 2 shards, every shard carrying the
                                                whole metadata, plus model.safetensors.index.json (as
                                                transformers' save_pretrained does)
  torchao_ckpt/float.safetensors                the float weights before quantize_
  torchao_ckpt/bad_<name>.safetensors           metadata made inconsistent on purpose (reader errors)
  torchao_ckpt/intx.safetensors, float8.safetensors, tinygemm.safetensors, manifest.json

Where expected values come from:
- intx: torchao quantize_(nn.Linear, IntxWeightOnlyConfig / Int8DynamicActivationIntxWeightConfig) on CPU;
  qdata, scale, zero_point of the IntxUnpackedToInt8Tensor and its dequantize().
- float8: torchao quantize_(nn.Linear, Float8DynamicActivationFloat8WeightConfig(PerRow / PerTensor)) with
  torchao.float8.inference._check_hardware_support (an SM89+ assert) bypassed so that it runs on CPU; no
  mslk here, so Float8Tensor.from_hp takes its "torch" kernel choice (on an H100 with mslk, PerRow uses
  triton quantize_fp8_row instead). qdata, scale and dequantize().
- int4 PLAIN in the checkpoints: quantize_ with Int4WeightOnlyConfig and fake_quant.py's FBGEMM transcription
  of mslk's int4_row_quantize_zp / pack_int4 (mslk is CUDA-only).
- tinygemm TILE_PACKED_TO_4D: torchao's Int4TilePackedTo4dTensor.from_hp on CPU with
  torch.cuda.get_device_capability faked to (9, 0) and aten._convert_weight_to_int4pack (CUDA tiling) replaced
  by a capture of its input (the uint8 nibbles): nibbles + scale_and_zero are torchao's own. y uses the CPU
  int4pack ops (aten._weight_int4pack_mm_for_cpu) on those codes, and dq torchao's
  _dequantize_affine_tinygemm; there is no CPU path for the CUDA tile layout.
- tinygemm OPAQUE: torchao Int4OpaqueTensor.from_hp and F.linear, both real torchao on CPU.
"""
import json
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

from ._common import seed_all, write_json
from .fake_quant import KINDS, fbgemm_int4_row_quantize_zp, fbgemm_pack_int4, make_values, case_list

N_CASES = 208


def patch_cpu():
    from torchao.quantization.quantize_.workflows.int4 import int4_tensor as it
    from torchao.quantization import quant_api
    it.int4_row_quantize_zp = fbgemm_int4_row_quantize_zp
    it.pack_int4 = fbgemm_pack_int4
    quant_api._check_hardware_support = lambda granularity: None


# ----------------------------------------------------------------------------------------------
# checkpoints
MODULES = [  # name, out, in, bias, scheme
    ("model.layers.0.self_attn.q_proj", 16, 256, True, "int4_g64"),
    ("model.layers.0.mlp.up_proj", 32, 128, False, "intx_int4_g32"),
    ("model.layers.0.mlp.down_proj", 16, 32, False, "float8_row"),
    ("model.layers.1.mlp.up_proj", 32, 256, True, "int4_g128"),
    ("model.layers.1.mlp.down_proj", 16, 64, False, "int8da_int8_axis"),
    ("lm_head", 8, 16, False, "none"),
]


def scheme_config(scheme):
    from torchao.quantization import (Float8DynamicActivationFloat8WeightConfig, Int4WeightOnlyConfig,
                                      Int8DynamicActivationIntxWeightConfig, IntxWeightOnlyConfig)
    from torchao.quantization.granularity import PerAxis, PerGroup, PerRow
    return {"int4_g64": Int4WeightOnlyConfig(group_size=64), "int4_g128": Int4WeightOnlyConfig(group_size=128),
            "intx_int4_g32": IntxWeightOnlyConfig(weight_dtype=torch.int4, granularity=PerGroup(32)),
            "int8da_int8_axis": Int8DynamicActivationIntxWeightConfig(weight_dtype=torch.int8,
                                                                      weight_granularity=PerAxis(0)),
            "float8_row": Float8DynamicActivationFloat8WeightConfig(granularity=PerRow())}.get(scheme)


def set_module(root, name, module):
    parts = name.split(".")
    for p in parts[:-1]:
        if not hasattr(root, p):
            root.add_module(p, nn.Module())
        root = getattr(root, p)
    root.add_module(parts[-1], module)


def build_checkpoints(out, gen):
    from torchao.quantization import quantize_
    from torchao.prototype.safetensors.safetensors_support import flatten_tensor_state_dict
    root = nn.Module()
    root.add_module("embed", nn.Embedding(8, 16, dtype=torch.bfloat16))
    for name, n, k, bias, _ in MODULES:
        lin = nn.Linear(k, n, bias=bias, dtype=torch.bfloat16)
        with torch.no_grad():
            lin.weight.copy_((torch.randn(n, k, generator=gen) * 0.05).to(torch.bfloat16))
            if bias:
                lin.bias.copy_((torch.randn(n, generator=gen) * 0.1).to(torch.bfloat16))
        set_module(root, name, lin)
    save_file({k: v.detach().clone().contiguous() for k, v in root.state_dict().items()},
              str(out / "float.safetensors"))
    for name, _, _, _, scheme in MODULES:
        if scheme_config(scheme) is not None:
            quantize_(root, scheme_config(scheme), filter_fn=lambda m, fqn, name=name: fqn == name)
    data, meta = flatten_tensor_state_dict(root.state_dict())
    data = {k: v.contiguous() for k, v in data.items()}
    (out / "flat").mkdir()
    save_file(data, str(out / "flat" / "model.safetensors"), metadata={**meta, "format": "pt"})
    (out / "sharded").mkdir()
    names = sorted(data)
    shards = {"model-00001-of-00002.safetensors": names[: len(names) // 2],
              "model-00002-of-00002.safetensors": names[len(names) // 2:]}
    for fname, keys in shards.items():
        save_file({k: data[k] for k in keys}, str(out / "sharded" / fname), metadata={**meta, "format": "pt"})
    write_json(out / "sharded" / "model.safetensors.index.json",
               {"metadata": {"total_size": sum(v.numel() * v.element_size() for v in data.values())},
                "weight_map": {k: f for f, keys in shards.items() for k in keys}})
    build_bad(out, data, meta)
    return {"modules": [{"name": m[0], "out": m[1], "in": m[2], "bias": m[3], "scheme": m[4],
                         "type": json.loads(meta[m[0] + ".weight"])["_type"]} for m in MODULES],
            "metadata": meta}


def build_bad(out, data, meta):
    """Real checkpoint with one inconsistency each; the C++ reader must refuse them."""
    q = "model.layers.0.self_attn.q_proj"
    entry = json.loads(meta[q + ".weight"])
    variants = {}
    unknown = dict(entry, _type="Int3MysteryTensor")
    variants["unknown_type"] = (data, {**meta, q + ".weight": json.dumps(unknown)})
    variants["missing_component"] = ({k: v for k, v in data.items() if k != q + "._weight_zero_point"}, meta)
    shape = dict(entry, _data=dict(entry["_data"], shape=[16, 512]))
    variants["shape_mismatch"] = (data, {**meta, q + ".weight": json.dumps(shape)})
    for name, (d, m) in variants.items():
        save_file(d, str(out / f"bad_{name}.safetensors"), metadata=m)


# ----------------------------------------------------------------------------------------------
# Intx and Float8 convert
def quantize_linear(w, config):
    from torchao.quantization import quantize_
    lin = nn.Linear(w.shape[1], w.shape[0], bias=False, dtype=w.dtype)
    with torch.no_grad():
        lin.weight.copy_(w)
    quantize_(lin, config)
    return lin.weight


def build_intx(out, gen):
    from torchao.quantization import Int8DynamicActivationIntxWeightConfig, IntxWeightOnlyConfig
    from torchao.quantization.granularity import PerAxis, PerGroup
    tensors, entries = {}, []
    bits_list = (1, 2, 3, 4, 5, 6, 7, 8)
    for scheme in ("intx_weight_only", "int8da_intx"):
        # int8 casts of NaN codes are undefined in torch: no inf_nan inputs
        cs = case_list(N_CASES * 8 // 7 + 8, [torch.bfloat16, torch.float32], [32, 64, 0], ragged=6)
        cs = [c for c in cs if c[0] != "inf_nan" and not c[5]][:N_CASES] + [c for c in cs if c[5]]
        for i, (kind, dtype, g, rows, k, ragged) in enumerate(cs):
            bits = bits_list[i % len(bits_list)] if scheme == "intx_weight_only" else bits_list[1 + i % 7]
            w = make_values(kind, rows, k, g if g > 0 else 32, gen).to(dtype)
            gran = PerAxis(0) if g == 0 else PerGroup(g)
            wd = getattr(torch, f"int{bits}") if bits < 8 else torch.int8
            cfg = (IntxWeightOnlyConfig(weight_dtype=wd, granularity=gran) if scheme == "intx_weight_only" else
                   Int8DynamicActivationIntxWeightConfig(weight_dtype=wd, weight_granularity=gran))
            key = f"{scheme}.{i}"
            e = {"key": key, "scheme": scheme, "kind": kind, "dtype": str(dtype)[6:], "bits": bits,
                 "group_size": g, "shape": [rows, k]}
            tensors["w." + key] = w.contiguous()
            try:
                qw = quantize_linear(w, cfg)
            except (AssertionError, RuntimeError, ValueError) as ex:
                assert ragged, f"{key}: torchao raised on a regular case: {ex!r}"
                e["error"] = f"{type(ex).__name__}: {str(ex).splitlines()[0][:120]}"
                entries.append(e)
                continue
            assert type(qw).__name__ == "IntxUnpackedToInt8Tensor", type(qw)
            tensors["qdata." + key] = qw.qdata.contiguous()
            tensors["scale." + key] = qw.scale.contiguous()
            tensors["zero." + key] = qw.zero_point.contiguous()
            tensors["dq." + key] = qw.dequantize().contiguous()
            entries.append(e)
    save_file(tensors, str(out / "intx.safetensors"))
    return entries


def build_float8(out, gen):
    from torchao.quantization import Float8DynamicActivationFloat8WeightConfig
    from torchao.quantization.granularity import PerRow, PerTensor
    tensors, entries = {}, []
    for i in range(N_CASES + 8):
        kind = KINDS[i % len(KINDS)]
        per_row = i % 2 == 0
        dtype = torch.bfloat16 if per_row or (i // 2) % 2 == 0 else torch.float32
        rows, k = [16, 32, 48][(i // 3) % 3], [16, 48, 64, 128, 256][(i // 5) % 5]
        stays = i >= N_CASES  # not multiples of 16: torchao leaves the weight unquantized
        if stays:
            rows, k = [8, 16][i % 2], [24, 40][i % 2]
        w = make_values(kind, rows, k, 16, gen).to(dtype)
        cfg = Float8DynamicActivationFloat8WeightConfig(granularity=PerRow() if per_row else PerTensor())
        key = f"float8.{i}"
        e = {"key": key, "kind": kind, "dtype": str(dtype)[6:], "per_row": per_row, "shape": [rows, k]}
        tensors["w." + key] = w.contiguous()
        qw = quantize_linear(w, cfg)
        if type(qw).__name__ != "Float8Tensor":
            assert stays, f"{key}: torchao left a regular case unquantized"
            e["stays"] = True
            entries.append(e)
            continue
        tensors["qdata." + key] = qw.qdata.contiguous()
        tensors["scale." + key] = qw.scale.contiguous()
        tensors["dq." + key] = qw.dequantize().contiguous()
        entries.append(e)
    save_file(tensors, str(out / "float8.safetensors"))
    return entries


# ----------------------------------------------------------------------------------------------
# tinygemm int4
class _Proxy:
    def __init__(self, base, **over):
        self._base, self._over = base, over

    def __getattr__(self, name):
        return self._over[name] if name in self._over else getattr(self._base, name)


def tile_packed_from_hp(w, g):
    from torchao.quantization.quantize_.workflows.int4 import int4_tile_packed_to_4d_tensor as tp
    captured = {}

    def capture(nibbles, inner_k_tiles):
        captured["nibbles"] = nibbles.clone()
        n, k2 = nibbles.shape
        return torch.zeros(n // 8, k2 * 2 // (inner_k_tiles * 16), 32, inner_k_tiles // 2, dtype=torch.int32)

    orig_torch, orig_cap = tp.torch, torch.cuda.get_device_capability
    tp.torch = _Proxy(torch, ops=_Proxy(torch.ops, aten=_Proxy(torch.ops.aten, _convert_weight_to_int4pack=capture)))
    torch.cuda.get_device_capability = lambda *a, **k: (9, 0)
    try:
        t = tp.Int4TilePackedTo4dTensor.from_hp(w, [1, g])
    finally:
        tp.torch, torch.cuda.get_device_capability = orig_torch, orig_cap
    return captured["nibbles"], t.scale_and_zero


def tinygemm_cpu_linear(x, codes, sz, g, n, bias):
    kp = codes.shape[1]
    act = F.pad(x.reshape(-1, x.shape[-1]).to(torch.bfloat16), (0, kp - x.shape[-1]))
    extra = (-codes.shape[0]) % 16  # the CPU pack op needs N % 16 == 0: zero rows, cut below
    codes, sz = F.pad(codes, (0, 0, 0, extra)), F.pad(sz, (0, 0, 0, extra)).contiguous()
    packed = torch.ops.aten._convert_weight_to_int4pack_for_cpu(codes.contiguous(), 1)
    y = torch.ops.aten._weight_int4pack_mm_for_cpu(act.contiguous(), packed, g, sz)[:, :n]
    if bias is not None:
        y += bias.to(y.dtype)
    return y.to(x.dtype)


def build_tinygemm(out, gen):
    from torchao.prototype.quantization.int4.int4_opaque_tensor import Int4OpaqueTensor
    from torchao.quantization.quant_primitives import _dequantize_affine_tinygemm
    tensors, entries = {}, []
    kinds = [k for k in KINDS if k != "inf_nan"]
    for i in range(96):
        fmt = "tile_packed_to_4d" if i < 64 else "opaque"
        g = [32, 64, 128, 256][i % 4] if fmt == "tile_packed_to_4d" else [32, 64, 128][i % 3]
        n = [5, 8, 16, 24][(i // 4) % 4] if fmt == "tile_packed_to_4d" else [16, 32][i % 2]
        k = g * [1, 2, 3, 5][(i // 2) % 4]
        w = make_values(kinds[i % len(kinds)], n, k, g, gen).to(torch.bfloat16)
        bias = (torch.randn(n, generator=gen) * 0.1).to(torch.bfloat16) if i % 2 == 0 else None
        x = (torch.randn(3, k, generator=gen) * 0.5).to(torch.bfloat16)
        key = f"{fmt}.{i}"
        tensors.update({"w." + key: w, "x." + key: x})
        if bias is not None:
            tensors["bias." + key] = bias
        if fmt == "tile_packed_to_4d":
            nib, sz = tile_packed_from_hp(w, g)
            codes = torch.stack([nib >> 4, nib & 0xF], dim=-1).reshape(nib.shape[0], -1).to(torch.int32)
            s, z = sz[..., 0].t().contiguous(), sz[..., 1].t().contiguous()  # [Np, Kp/g]
            dq = _dequantize_affine_tinygemm(codes, [1, g], s, z, torch.int32, 0, 15, output_dtype=torch.bfloat16)
            tensors.update({"nibbles." + key: nib, "dq." + key: dq[:n, :k].contiguous(),
                            "y." + key: tinygemm_cpu_linear(x, codes, sz, g, n, bias).contiguous()})
        else:
            t = Int4OpaqueTensor.from_hp(w, [1, g])
            tensors.update({"packed." + key: t.qdata.contiguous(), "y." + key: F.linear(x, t, bias).contiguous()})
        tensors["sz." + key] = sz.contiguous() if fmt == "tile_packed_to_4d" else t.scale_and_zero.contiguous()
        entries.append({"key": key, "format": fmt, "group_size": g, "shape": [n, k], "bias": bias is not None})
    save_file(tensors, str(out / "tinygemm.safetensors"))
    return entries


def build(out: Path) -> None:
    out = Path(out)
    gen = seed_all(20240611)
    patch_cpu()
    manifest = {"torchao": __import__("torchao").__version__}
    manifest["checkpoint"] = build_checkpoints(out, gen)
    manifest["intx"] = build_intx(out, gen)
    manifest["float8"] = build_float8(out, gen)
    manifest["tinygemm"] = build_tinygemm(out, gen)
    write_json(out / "manifest.json", manifest)
