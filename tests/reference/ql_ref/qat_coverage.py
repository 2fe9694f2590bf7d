"""QAT coverage variants seen in the field, run with torchao 0.18.0 + peft on tiny seeded models, for the
engine's golden tests (what QuantLens must reproduce once it wires these forms):

- FakeQuantizedEmbedding: QATConfig(IntxWeightOnlyConfig(int4 | int8, PerGroup(32))) applied to
  nn.Embedding with a filter_fn (the ExecuTorch flow), next to QATConfig(Int4WeightOnlyConfig(32)) on
  every nn.Linear; an untied and a tied (embedding = lm_head) model. Logits and the fake-quantized
  embedding table.
- QAT after PEFT with Unsloth's filter `isinstance(m, nn.Linear) and m.in_features >= 128`: lora_A
  (in_features = K >= 128) is fake-quantized, lora_B (in_features = r = 16) is not. Logits unmerged,
  and after merge_and_unload.
- A per-module form override: lm_head left float by the filter, layer 0's LoRA merged, the rest unmerged.
- Fake quantizers disabled (torchao's disable_linear_fake_quant sets FakeQuantizer.enabled = False),
  next to the float model with the same adapter unmerged.

Layout written into `out` (self-contained: the module builds its own models and adapter):
  models/<model>/            save_pretrained of a tiny Qwen3ForCausalLM (bf16)
  adapters/<adapter>/        PeftModel.save_pretrained (LoRA r=16 on all seven Linears, random A and B)
  <case>.safetensors         ids.<p> int64 [1, S]; logits.<p> [1, S, V] bf16; merged.<p> (qat_after_peft);
                             float.<p> (fake_quant_disabled); embed_fq [V, H] bf16 (embedding cases)
  index.json                 {"cases": [{name, kind, file, model, adapter?, prompts, recipe, fake_quantized}]}
`recipe` is the QuantLens recipe (as a dict) that describes the same run; `fake_quantized` lists the
modules torchao turned into FakeQuantizedLinear / FakeQuantizedEmbedding (names as in the base model,
".lora_A" / ".lora_B" for the factors).
"""
from pathlib import Path

import torch
from safetensors.torch import save_file

from ._common import heavy_tailed_, seed_all, student_t, write_json

GROUP = 32
PROMPT_LENGTHS = [6, 17]
MODELS = {  # hidden 128 so that in_features >= 128 holds for the attention / up / gate inputs
    "qwen3_untied_h128": dict(tie_word_embeddings=False),
    "qwen3_tied_h128": dict(tie_word_embeddings=True),
}
LORA = dict(r=16, lora_alpha=32, target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                                 "down_proj"])
ADAPTER = "lora_r16_untied"


def build(out: Path) -> None:
    import transformers
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    out = Path(out)
    for i, (name, kw) in enumerate(MODELS.items()):
        _save_model(out / "models" / name, kw, seed=5000 + i)
    _save_adapter(out, "qwen3_untied_h128", ADAPTER, seed=5100)
    cases = [
        _embedding_case(out, "emb_int4_untied", "qwen3_untied_h128", torch.int4, linear=True),
        _embedding_case(out, "emb_int8_untied", "qwen3_untied_h128", torch.int8, linear=True),
        _embedding_case(out, "emb_int4_tied", "qwen3_tied_h128", torch.int4, linear=True),
        _embedding_case(out, "emb_int8_tied_only", "qwen3_tied_h128", torch.int8, linear=False),
        _qat_after_peft_case(out),
        _override_case(out),
        _disabled_case(out),
    ]
    write_json(out / "index.json", {"group_size": GROUP, "cases": cases})


# ---------------------------------------------------------------------------- models

def _save_model(path, kw, seed):
    from transformers import AutoModelForCausalLM, Qwen3Config
    g = seed_all(seed)
    cfg = Qwen3Config(hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
                      num_key_value_heads=2, head_dim=32, vocab_size=320, rms_norm_eps=1e-6, rope_theta=1000000.0,
                      hidden_act="silu", max_position_embeddings=1024, **kw)
    model = AutoModelForCausalLM.from_config(cfg).to(torch.bfloat16)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 2:
                heavy_tailed_(p, g)
            else:
                p.copy_((1.0 + 0.1 * student_t(p.shape, g)).to(p.dtype))
    model.save_pretrained(path)


def _save_adapter(out, base, name, seed):
    from peft import LoraConfig, get_peft_model
    g = seed_all(seed)
    model = get_peft_model(_load(out, base), LoraConfig(**LORA))
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "lora_" in n:
                p.copy_((0.05 * student_t(p.shape, g)).to(p.dtype))
    model.peft_config["default"].base_model_name_or_path = f"../../models/{base}"
    model.save_pretrained(out / "adapters" / name)


def _load(out, model):
    from transformers import AutoModelForCausalLM
    m = AutoModelForCausalLM.from_pretrained(out / "models" / model, dtype=torch.bfloat16, attn_implementation="eager")
    return m.eval()


def _peft(out, base_model):
    from peft import PeftModel
    return PeftModel.from_pretrained(base_model, out / "adapters" / ADAPTER).eval()


def _ids(seed):
    g = seed_all(seed)
    return [torch.randint(0, 320, (1, n), generator=g, dtype=torch.int64) for n in PROMPT_LENGTHS]


# ---------------------------------------------------------------------------- QAT helpers

def _int4_linear(model, filter_fn=None):
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.qat import QATConfig
    quantize_(model, QATConfig(Int4WeightOnlyConfig(group_size=GROUP), step="prepare"), filter_fn=filter_fn)


def _intx_embedding(model, dtype):
    from torchao.quantization import IntxWeightOnlyConfig, quantize_
    from torchao.quantization.granularity import PerGroup
    from torchao.quantization.qat import QATConfig
    quantize_(model, QATConfig(IntxWeightOnlyConfig(weight_dtype=dtype, granularity=PerGroup(GROUP)), step="prepare"),
              filter_fn=lambda m, fqn: isinstance(m, torch.nn.Embedding))


def _fake_quantized(model):
    from torchao.quantization.qat.embedding import FakeQuantizedEmbedding
    from torchao.quantization.qat.linear import FakeQuantizedLinear
    names = []
    for n, m in model.named_modules():
        if isinstance(m, (FakeQuantizedLinear, FakeQuantizedEmbedding)):
            n = n.removeprefix("base_model.model.").replace(".base_layer", "")
            names.append(n.replace(".lora_A.default", ".lora_A").replace(".lora_B.default", ".lora_B"))
    return sorted(names)


@torch.no_grad()
def _logits(model, ids, key, tensors):
    for p, x in enumerate(ids):
        tensors[f"ids.{p}"] = x
        tensors[f"{key}.{p}"] = model(input_ids=x).logits.contiguous()


def _case(out, name, kind, tensors, ids, recipe, model, fake, adapter=None, **extra):
    save_file(tensors, str(out / f"{name}.safetensors"), metadata={"format": "pt"})
    entry = {"name": name, "kind": kind, "file": f"{name}.safetensors", "model": f"models/{model}",
             "prompts": [int(x.shape[1]) for x in ids], "recipe": recipe, "fake_quantized": fake}
    if adapter:
        entry["adapter"] = f"adapters/{adapter}"
    entry.update(extra)
    return entry


INT4_LINEAR = {"scheme": "int4_weight_only", "group_size": GROUP}


# ---------------------------------------------------------------------------- cases

def _embedding_case(out, name, model_name, dtype, linear):
    model = _load(out, model_name)
    _intx_embedding(model, dtype)
    if linear:
        _int4_linear(model)
    ids = _ids(5200 + sum(map(ord, name)))
    tensors = {}
    _logits(model, ids, "logits", tensors)
    emb = model.model.embed_tokens
    with torch.no_grad():
        tensors["embed_fq"] = emb.weight_fake_quantizer(emb.weight).contiguous()
    bits = str(dtype).removeprefix("torch.")
    recipe = {"embedding_quantization": {"scheme": "intx_weight_only", "weight_dtype": bits,
                                         "granularity": "per_group", "group_size": GROUP}}
    if linear:
        recipe["quantization"] = INT4_LINEAR
    return _case(out, name, "embedding", tensors, ids, recipe, model_name, _fake_quantized(model),
                 tied=bool(model.config.tie_word_embeddings))


def _in_features_filter(m, fqn):  # unsloth's QAT filter (in_features >= 128)
    return isinstance(m, torch.nn.Linear) and m.in_features >= 128


def _qat_after_peft_case(out):
    """PEFT first, then QAT prepare on the PeftModel with the in_features filter (form T')."""
    model = _peft(out, _load(out, "qwen3_untied_h128"))
    _int4_linear(model, filter_fn=_in_features_filter)
    ids = _ids(5300)
    tensors = {}
    _logits(model, ids, "logits", tensors)
    fake = _fake_quantized(model)
    merged = model.merge_and_unload()  # delta from the raw A, B; the base stays a FakeQuantizedLinear
    _logits(merged, ids, "merged", tensors)
    recipe = {"adapter": {"form": "qat_after_peft"}, "quantization": {**INT4_LINEAR, "min_in_features": 128}}
    return _case(out, "qat_after_peft_filter", "qat_after_peft", tensors, ids, recipe, "qwen3_untied_h128", fake,
                 adapter=ADAPTER, merged_recipe={"adapter": {"form": "merged"}, "quantization": INT4_LINEAR})


def _override_case(out):
    """QAT on every Linear but lm_head, PEFT on top; only layer 0's LoRA merged (LoraLayer.merge())."""
    from peft.tuners.lora import LoraLayer
    base = _load(out, "qwen3_untied_h128")
    _int4_linear(base, filter_fn=lambda m, fqn: isinstance(m, torch.nn.Linear) and fqn != "lm_head")
    model = _peft(out, base)
    for n, m in model.named_modules():
        if isinstance(m, LoraLayer) and ".layers.0." in n:
            m.merge()
    ids = _ids(5400)
    tensors = {}
    _logits(model, ids, "logits", tensors)
    recipe = {"adapter": {"form": "unmerged"}, "quantization": INT4_LINEAR,
              "module_forms": [{"match": "lm_head", "form": "float"},
                               {"match": r".*\.layers\.0\..*", "form": "merged"}]}
    return _case(out, "module_override", "override", tensors, ids, recipe, "qwen3_untied_h128", _fake_quantized(model),
                 adapter=ADAPTER)


def _disabled_case(out):
    """QAT prepare, PEFT on top, then every fake quantizer switched off: equals the float model + LoRA."""
    from torchao.quantization.qat.linear import disable_linear_fake_quant
    base = _load(out, "qwen3_untied_h128")
    _int4_linear(base)
    model = _peft(out, base)
    model.apply(disable_linear_fake_quant)
    ids = _ids(5500)
    tensors = {}
    _logits(model, ids, "logits", tensors)
    _logits(_peft(out, _load(out, "qwen3_untied_h128")), ids, "float", tensors)
    equal = all(torch.equal(tensors[f"logits.{p}"], tensors[f"float.{p}"]) for p in range(len(ids)))
    recipe = {"adapter": {"form": "unmerged"}, "quantization": {**INT4_LINEAR, "enabled": False}}
    return _case(out, "fake_quant_disabled", "disabled", tensors, ids, recipe, "qwen3_untied_h128",
                 _fake_quantized(model), adapter=ADAPTER, logits_equal_float=equal)
