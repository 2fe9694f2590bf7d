"""Tiny synthetic HF checkpoints, PEFT LoRA adapters and a Trainer checkpoint, with what the
libraries themselves read from them (safetensors.safe_open, transformers AutoConfig/AutoModel,
peft PeftModel.from_pretrained, transformers TrainerState.load_from_json).

Layout written into `out`:
  index.json                       {"cases": [{name, kind, path, family, base?, expected}, ...]}
  <case>/...                       model dir | adapter dir | trainer run dir (checkpoint-N/ inside)
  <case>/expected.json is NOT inside the case dir (QuantLens must not see stray files); it is
  out/expected/<case>.json.
Kinds: "model" (save_pretrained of a *ForCausalLM), "adapter" (PeftModel.save_pretrained),
"trainer_checkpoint" (checkpoint-N/ with an adapter + trainer_state.json).
Weights are re-initialised with seeded heavy-tailed values and outlier input channels (x20).
"""
import json
import math
import shutil
from pathlib import Path

import torch
from safetensors import safe_open

from ._common import heavy_tailed_, json_float, seed_all, student_t, write_json

SMALL = dict(hidden_act="silu", max_position_embeddings=4096)

# name -> (family, config class name, config kwargs, dtype, max_shard_size or None)
MODELS = {
    "qwen3_tied_bf16": ("qwen3", "Qwen3Config", dict(
        hidden_size=64, intermediate_size=160, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, head_dim=32, vocab_size=384, tie_word_embeddings=True,
        rms_norm_eps=1e-6, rope_theta=1000000.0), torch.bfloat16, None),
    "qwen3_untied_fp32_sharded": ("qwen3", "Qwen3Config", dict(
        hidden_size=64, intermediate_size=128, num_hidden_layers=3, num_attention_heads=4,
        num_key_value_heads=2, head_dim=32, vocab_size=320, tie_word_embeddings=False,
        attention_bias=True, rms_norm_eps=1e-6), torch.float32, 300_000),
    "qwen2_bias_bf16": ("qwen2", "Qwen2Config", dict(
        hidden_size=96, intermediate_size=192, num_hidden_layers=2, num_attention_heads=6,
        num_key_value_heads=2, vocab_size=512, tie_word_embeddings=False, rms_norm_eps=1e-6,
        rope_theta=1000000.0), torch.bfloat16, None),
    "llama2_fp32": ("llama", "LlamaConfig", dict(
        hidden_size=96, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=4, vocab_size=320, tie_word_embeddings=False, rms_norm_eps=1e-5,
        rope_theta=10000.0), torch.float32, None),
    "llama3_tied_bf16": ("llama", "LlamaConfig", dict(
        hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, vocab_size=1000, tie_word_embeddings=True, rms_norm_eps=1e-5,
        rope_theta=500000.0, max_position_embeddings=131072, bos_token_id=1, eos_token_id=[2, 3],
        rope_scaling=dict(rope_type="llama3", factor=32.0, low_freq_factor=1.0,
                          high_freq_factor=4.0, original_max_position_embeddings=8192)),
        torch.bfloat16, None),
    "mistral_bf16_sharded": ("mistral", "MistralConfig", dict(
        hidden_size=128, intermediate_size=224, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, head_dim=32, vocab_size=640, tie_word_embeddings=False,
        rms_norm_eps=1e-5, sliding_window=64, rope_theta=1000000.0), torch.bfloat16, 400_000),
}

# name -> (base model, LoraConfig kwargs, seed)
LINEAR7 = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
ADAPTERS = {
    "lora_plain_qwen3": ("qwen3_tied_bf16", dict(r=8, lora_alpha=16, target_modules=LINEAR7)),
    "lora_rslora_llama3": ("llama3_tied_bf16", dict(
        r=12, lora_alpha=16, use_rslora=True, target_modules=["q_proj", "v_proj", "down_proj"])),
    "lora_patterns_qwen2": ("qwen2_bias_bf16", dict(
        r=8, lora_alpha=16, target_modules=LINEAR7,
        rank_pattern={"k_proj": 6, "model.layers.1.mlp.down_proj": 16, "layers.0.mlp.up_proj": 3},
        alpha_pattern={"v_proj": 7, "model.layers.1.self_attn.o_proj": 5.5})),
    "lora_regex_llama2": ("llama2_fp32", dict(
        r=4, lora_alpha=12, target_modules=r".*\.layers\.1\.self_attn\.(q|v)_proj|.*\.mlp\.gate_proj",
        modules_to_save=["embed_tokens"])),
    "lora_layers_mistral": ("mistral_bf16_sharded", dict(
        r=8, lora_alpha=8, target_modules=["q_proj", "o_proj", "up_proj"], layers_to_transform=[1])),
    "lora_dora_qwen3": ("qwen3_untied_fp32_sharded", dict(
        r=4, lora_alpha=9, use_dora=True, target_modules=["q_proj", "k_proj", "gate_proj", "down_proj"],
        modules_to_save=["lm_head"])),
}
TRAINER_BASE = "llama3_tied_bf16"
TRAINER_LORA = dict(r=8, lora_alpha=16, target_modules=LINEAR7)


def build(out: Path) -> None:
    import transformers
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    out = Path(out)
    cases = []
    for i, (name, spec) in enumerate(MODELS.items()):
        cases.append(_build_model(out, name, spec, seed=1000 + i))
    cases.append(_build_v4_config_copy(out, "llama3_v4config_bf16", "llama3_tied_bf16"))
    for i, (name, (base, kwargs)) in enumerate(ADAPTERS.items()):
        cases.append(_build_adapter(out, name, base, kwargs, seed=2000 + i))
    cases += _build_trainer_run(out, "trainer_run_llama3", TRAINER_BASE, seed=3000)
    write_json(out / "index.json", {"cases": cases})


# ---------------------------------------------------------------------------- models

def _make_model(spec, seed):
    import transformers
    family, cfg_cls, kwargs, dtype, _ = spec
    config = getattr(transformers, cfg_cls)(**{**SMALL, **kwargs})
    g = seed_all(seed)
    model = transformers.AutoModelForCausalLM.from_config(config)
    _reinit_(model, g)
    return model.to(dtype)


@torch.no_grad()
def _reinit_(model, g):
    for mod_name, module in model.named_modules():
        if isinstance(module, (torch.nn.Linear, torch.nn.Embedding)):
            if mod_name == "lm_head" and model.config.tie_word_embeddings:
                continue
            heavy_tailed_(module.weight, g)
            if getattr(module, "bias", None) is not None:
                module.bias.copy_(student_t(module.bias.shape, g, scale=0.05))
        elif hasattr(module, "weight") and module.weight is not None and module.weight.dim() == 1:
            module.weight.copy_(1.0 + student_t(module.weight.shape, g, scale=0.1))  # RMSNorm gains


def _build_model(out, name, spec, seed):
    model = _make_model(spec, seed)
    shard = spec[4]
    kw = {"max_shard_size": shard} if shard else {}
    model.save_pretrained(out / name, **kw)
    expected = {"kind": "model", "name": name, "family": spec[0]}
    expected.update(_checkpoint_expected(out / name))
    expected["config"] = _config_expected(out / name)
    write_json(out / "expected" / f"{name}.json", expected)
    return {"name": name, "kind": "model", "path": name, "family": spec[0],
            "expected": f"expected/{name}.json"}


def _build_v4_config_copy(out, name, source):
    """Same weights as `source`, config.json rewritten the way transformers v4 wrote it
    (top-level rope_theta + rope_scaling, torch_dtype), as shipped Llama 3.x repos have it."""
    shutil.copytree(out / source, out / name)
    cfg = json.loads((out / name / "config.json").read_text())
    rope = dict(cfg.pop("rope_parameters"))
    cfg["rope_theta"] = rope.pop("rope_theta")
    cfg["rope_scaling"] = rope if rope.get("rope_type", "default") != "default" else None
    cfg["torch_dtype"] = cfg.pop("dtype")
    cfg["transformers_version"] = "4.45.0"
    (out / name / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    expected = {"kind": "model", "name": name, "family": "llama"}
    expected.update(_checkpoint_expected(out / name))
    expected["config"] = _config_expected(out / name)
    write_json(out / "expected" / f"{name}.json", expected)
    return {"name": name, "kind": "model", "path": name, "family": "llama",
            "expected": f"expected/{name}.json"}


def _tensor_list(directory: Path, files):
    """What safetensors.safe_open reports for every tensor (sorted by name); the byte size is
    the loaded tensor's nbytes, cross-checked against the header's data_offsets."""
    tensors = []
    for fname in files:
        offsets = _header_offsets(directory / fname)
        with safe_open(str(directory / fname), framework="pt") as f:
            for key in f.keys():
                sl = f.get_slice(key)
                nbytes = f.get_tensor(key).nbytes
                assert nbytes == offsets[key][1] - offsets[key][0], (fname, key)
                tensors.append({"name": key, "dtype": sl.get_dtype(), "shape": list(sl.get_shape()),
                                "bytes": nbytes, "file": fname})
    return sorted(tensors, key=lambda t: t["name"])


def _header_offsets(path: Path):
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    return {k: v["data_offsets"] for k, v in header.items() if k != "__metadata__"}


def _checkpoint_expected(directory: Path):
    index_path = directory / "model.safetensors.index.json"
    result = {"sharded": index_path.exists()}
    if index_path.exists():
        index = json.loads(index_path.read_text())
        files = sorted(set(index["weight_map"].values()))
        result["index_total_size"] = index["metadata"]["total_size"]
    else:
        files = ["model.safetensors"]
    result["files"] = files
    result["tensors"] = _tensor_list(directory, files)
    result["total_bytes"] = sum(t["bytes"] for t in result["tensors"])
    return result


def _config_expected(directory: Path):
    """The config as transformers 5 resolves it, plus what the live model uses (head_dim,
    biases, tying)."""
    from transformers import AutoConfig, AutoModelForCausalLM
    c = AutoConfig.from_pretrained(directory)
    model = AutoModelForCausalLM.from_pretrained(directory)
    attn = model.model.layers[0].self_attn
    mlp = model.model.layers[0].mlp
    rope = dict(c.rope_parameters)
    eos = c.eos_token_id
    return {
        "architectures": list(c.architectures), "model_type": c.model_type,
        "hidden_size": c.hidden_size, "intermediate_size": c.intermediate_size,
        "num_hidden_layers": c.num_hidden_layers, "num_attention_heads": c.num_attention_heads,
        "num_key_value_heads": c.num_key_value_heads, "head_dim": attn.head_dim,
        "vocab_size": c.vocab_size, "max_position_embeddings": c.max_position_embeddings,
        "rms_norm_eps": c.rms_norm_eps, "hidden_act": c.hidden_act,
        "rope_type": rope.get("rope_type", "default"), "rope_theta": rope["rope_theta"],
        "rope_parameters": rope,
        "tie_word_embeddings": bool(c.tie_word_embeddings),
        "lm_head_is_embed": model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr(),
        "attention_bias": bool(getattr(c, "attention_bias", False)),
        "mlp_bias": bool(getattr(c, "mlp_bias", False)),
        "qkv_bias": attn.q_proj.bias is not None, "o_bias": attn.o_proj.bias is not None,
        "gate_bias": mlp.gate_proj.bias is not None,
        "sliding_window": getattr(c, "sliding_window", None),
        "use_sliding_window": getattr(c, "use_sliding_window", None),
        "max_window_layers": getattr(c, "max_window_layers", None),
        "pretraining_tp": getattr(c, "pretraining_tp", None),
        "layer_types": list(getattr(c, "layer_types", None) or []),
        "dtype": str(c.dtype).removeprefix("torch.") if c.dtype is not None else "",
        "bos_token_id": c.bos_token_id,
        "eos_token_ids": eos if isinstance(eos, list) else ([] if eos is None else [eos]),
        "pad_token_id": c.pad_token_id,
        "parameters": {n: list(p.shape) for n, p in model.state_dict().items()},
    }


# ---------------------------------------------------------------------------- adapters

def _peft_wrap(base_name, out, lora_kwargs, g):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM
    base = AutoModelForCausalLM.from_pretrained(out / base_name)
    config = LoraConfig(task_type="CAUSAL_LM", init_lora_weights=True, **lora_kwargs)
    model = get_peft_model(base, config)
    _randomise_lora_(model, g)
    return model


@torch.no_grad()
def _randomise_lora_(model, g):
    """Non-zero, seeded LoRA factors (and DoRA magnitudes, modules_to_save copies)."""
    for name, p in sorted(model.named_parameters()):
        if not p.requires_grad:
            continue
        if "lora_A" in name or "lora_B" in name:
            p.copy_(student_t(p.shape, g, scale=0.5 / math.sqrt(p.shape[-1])).to(p.dtype))
        elif "lora_magnitude_vector" in name:
            p.mul_(1.0 + student_t(p.shape, g, scale=0.02).to(p.dtype))
        elif "modules_to_save" in name:
            p.add_(student_t(p.shape, g, scale=0.01).to(p.dtype))


def _adapter_expected(adapter_dir: Path, base_dir: Path):
    """What PEFT itself reads back: per LoRA module r, alpha, scaling, factor shapes, DoRA; the
    modules_to_save wrappers; the adapter file's tensors as safe_open lists them."""
    from peft import PeftModel
    from peft.tuners.lora import LoraLayer
    from peft.utils import ModulesToSaveWrapper
    from transformers import AutoModelForCausalLM
    base = AutoModelForCausalLM.from_pretrained(base_dir)
    model = PeftModel.from_pretrained(base, adapter_dir)
    modules, mts = [], []
    for name, m in model.base_model.model.named_modules():
        if isinstance(m, LoraLayer) and "default" in m.r:
            modules.append(_lora_module_expected(name, m))
        elif isinstance(m, ModulesToSaveWrapper):
            mts.append(name)
    cfg = model.peft_config["default"]
    return {"modules": modules, "modules_to_save": sorted(mts),
            "config": {"r": cfg.r, "lora_alpha": cfg.lora_alpha, "use_rslora": cfg.use_rslora,
                       "use_dora": cfg.use_dora, "base_model_name_or_path": cfg.base_model_name_or_path,
                       "peft_type": _enum_str(cfg.peft_type),
                       "task_type": _enum_str(cfg.task_type) if cfg.task_type else None},
            "tensors": _tensor_list(adapter_dir, ["adapter_model.safetensors"])}


def _enum_str(v):
    return str(getattr(v, "value", v))


def _lora_module_expected(name, m):
    a, b = m.lora_A["default"].weight, m.lora_B["default"].weight
    scaling = m.scaling["default"]
    entry = {"name": name, "r": m.r["default"], "lora_alpha": m.lora_alpha["default"],
             "scaling": scaling, "scaling_hex": float(scaling).hex(),
             "lora_A_shape": list(a.shape), "lora_B_shape": list(b.shape),
             "dtype": str(a.dtype).removeprefix("torch."),
             "use_dora": bool(m.use_dora["default"])}
    if entry["use_dora"]:
        entry["magnitude_shape"] = list(m.lora_magnitude_vector["default"].weight.shape)
    return entry


def _build_adapter(out, name, base_name, lora_kwargs, seed):
    g = seed_all(seed)
    model = _peft_wrap(base_name, out, lora_kwargs, g)
    model.peft_config["default"].base_model_name_or_path = f"../{base_name}"  # relative: reproducible
    model.save_pretrained(out / name)
    expected = {"kind": "adapter", "name": name, "base": base_name}
    expected.update(_adapter_expected(out / name, out / base_name))
    write_json(out / "expected" / f"{name}.json", expected)
    return {"name": name, "kind": "adapter", "path": name, "family": MODELS[base_name][0],
            "base": base_name, "expected": f"expected/{name}.json"}


# ---------------------------------------------------------------------------- trainer checkpoint

def _build_trainer_run(out, run_name, base_name, seed):
    """A Trainer-style run dir with checkpoint-10/ and checkpoint-20/: PEFT adapter files,
    trainer_state.json written by TrainerState.save_to_json, optimizer.pt/scheduler.pt from a
    real AdamW + linear warmup schedule over the LoRA parameters, training_args.bin (pickle)."""
    g = seed_all(seed)
    model = _peft_wrap(base_name, out, TRAINER_LORA, g)
    params = [p for p in model.parameters() if p.requires_grad]
    from transformers import get_linear_schedule_with_warmup
    opt = torch.optim.AdamW(params, lr=2e-4)
    sched = get_linear_schedule_with_warmup(opt, num_warmup_steps=3, num_training_steps=40)
    history, cases = [], []
    for step in range(1, 21):
        opt.step()
        sched.step()  # the Trainer logs after the scheduler step
        history.append(_train_log(step, sched.get_last_lr()[0], g))
        if step % 10 == 0:
            history.append(_eval_log(step, g))
            cases.append(_save_trainer_checkpoint(out, run_name, base_name, model, opt, sched,
                                                  step, list(history)))
    return cases


def _train_log(step, lr, g):
    loss = 3.0 * math.exp(-step / 15.0) + 0.05 * float(student_t((1,), g))
    grad_norm = float(torch.rand((1,), generator=g) * 2 + 0.5)  # fp32 value, as .item() gives
    if step == 4:
        grad_norm = float("nan")  # an fp16 overflow step: Python's json writes NaN
    return {"loss": round(loss, 4), "grad_norm": grad_norm, "learning_rate": lr,
            "epoch": step / 40.0, "step": step}


def _eval_log(step, g):
    return {"eval_loss": round(2.5 * math.exp(-step / 20.0), 4),
            "eval_runtime": round(1.234 + step / 100.0, 4), "eval_samples_per_second": 51.87,
            "eval_steps_per_second": 6.483, "epoch": step / 40.0, "step": step}


def _save_trainer_checkpoint(out, run_name, base_name, model, opt, sched, step, history):
    from transformers import TrainerControl, TrainerState
    rel = f"{run_name}/checkpoint-{step}"
    ckpt = out / rel
    model.peft_config["default"].base_model_name_or_path = f"../../{base_name}"
    model.save_pretrained(ckpt)
    state = TrainerState(epoch=step / 40.0, global_step=step, max_steps=40, logging_steps=1,
                         eval_steps=10, save_steps=10, train_batch_size=4, num_train_epochs=1,
                         total_flos=1234.5 * step, log_history=history,
                         best_metric=history[-1]["eval_loss"], best_global_step=step,
                         best_model_checkpoint=f"out/{rel}",
                         stateful_callbacks=[TrainerControl(should_save=True)])
    state.save_to_json(str(ckpt / "trainer_state.json"))
    torch.save(opt.state_dict(), ckpt / "optimizer.pt")
    torch.save(sched.state_dict(), ckpt / "scheduler.pt")
    torch.save({"learning_rate": 2e-4, "per_device_train_batch_size": 4}, ckpt / "training_args.bin")
    name = f"{run_name}_checkpoint_{step}"
    expected = {"kind": "trainer_checkpoint", "name": name, "base": base_name, "step": step}
    expected.update(_adapter_expected(ckpt, out / base_name))
    expected["trainer_state"] = _trainer_state_expected(ckpt / "trainer_state.json")
    expected["files_in_dir"] = sorted(p.name for p in ckpt.iterdir())
    write_json(out / "expected" / f"{name}.json", expected)
    return {"name": name, "kind": "trainer_checkpoint", "path": rel,
            "family": MODELS[base_name][0], "base": base_name, "expected": f"expected/{name}.json"}


def _trainer_state_expected(path: Path):
    """TrainerState.load_from_json's view; non-finite numbers as strings (json_float)."""
    from transformers import TrainerState
    s = TrainerState.load_from_json(str(path))
    log = [{k: (json_float(v) if isinstance(v, float) else v) for k, v in e.items()}
           for e in s.log_history]
    return {"global_step": s.global_step, "epoch": s.epoch, "max_steps": s.max_steps,
            "logging_steps": s.logging_steps, "eval_steps": s.eval_steps, "save_steps": s.save_steps,
            "train_batch_size": s.train_batch_size, "num_train_epochs": s.num_train_epochs,
            "total_flos": s.total_flos, "best_metric": s.best_metric,
            "best_global_step": s.best_global_step, "best_model_checkpoint": s.best_model_checkpoint,
            "log_history": log}
