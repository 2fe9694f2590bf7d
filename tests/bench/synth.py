"""Synthetic checkpoints for the benchmarks: real model shapes, seeded random bf16 weights, written shard by
shard (one tensor in memory at a time), plus a rank-r LoRA adapter saved by PEFT itself.

Nothing is downloaded. Every generated folder holds a stamp (STAMP) naming the generator version and the
parameters; a folder whose stamp differs is deleted and generated again, one whose stamp matches is kept.
Imported by the bench drivers' child processes (it imports torch lazily, inside the functions).

Layout of a generated model folder (what transformers' save_pretrained writes for these architectures):
config.json, generation_config.json, model.safetensors or model-0000i-of-0000n.safetensors +
model.safetensors.index.json, tokenizer.json + tokenizer_config.json (a 1024-token byte-level BPE trained
here with `tokenizers`). An adapter folder: adapter_config.json + adapter_model.safetensors (PEFT's
save_pretrained of a PeftModel built on a meta-device copy of the architecture, so the base weights are
never materialized; its lora_A/lora_B are then set to seeded random values, B nonzero as after training).
"""
import json
import math
import shutil
import zlib
from pathlib import Path

# Bump the entry of what a change to this file alters: its folders are then generated again.
GENERATOR_VERSION = {"model": 1, "lora": 2}
STAMP = ".ql-bench-stamp.json"
LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
NOTEBOOK_PROMPT = "The quick brown fox"
WORDS = ("the quick brown fox jumps over the lazy dog while quantization aware training keeps low bit weights "
         "in the loop and evaluation rebuilds the same model from the checkpoint to compare logits").split()

# Published shapes (the models' config.json on the Hugging Face hub); `shard_gb` is the largest shard.
SHAPES = {
    "qwen3-0.6b": dict(arch="qwen3", hidden_size=1024, intermediate_size=3072, num_hidden_layers=28,
                       num_attention_heads=16, num_key_value_heads=8, head_dim=128, vocab_size=151936,
                       tie_word_embeddings=True, shard_gb=0),
    "qwen3-4b": dict(arch="qwen3", hidden_size=2560, intermediate_size=9728, num_hidden_layers=36,
                     num_attention_heads=32, num_key_value_heads=8, head_dim=128, vocab_size=151936,
                     tie_word_embeddings=True, shard_gb=4.5),
    "qwen3-14b": dict(arch="qwen3", hidden_size=5120, intermediate_size=17408, num_hidden_layers=40,
                      num_attention_heads=40, num_key_value_heads=8, head_dim=128, vocab_size=151936,
                      tie_word_embeddings=False, shard_gb=4.0),
    "llama3-70b": dict(arch="llama", hidden_size=8192, intermediate_size=28672, num_hidden_layers=80,
                       num_attention_heads=64, num_key_value_heads=8, head_dim=128, vocab_size=128256,
                       tie_word_embeddings=False, shard_gb=5.0),
}


def shape(name: str, layers: int = 0) -> dict:
    """SHAPES[name] with num_hidden_layers replaced by `layers` when > 0."""
    s = dict(SHAPES[name])
    if layers > 0:
        s["num_hidden_layers"] = layers
    return s


def hf_config(s: dict) -> dict:
    """config.json of a Qwen3ForCausalLM / LlamaForCausalLM with the shape s (transformers 5 keys)."""
    common = dict(hidden_size=s["hidden_size"], intermediate_size=s["intermediate_size"],
                  num_hidden_layers=s["num_hidden_layers"], num_attention_heads=s["num_attention_heads"],
                  num_key_value_heads=s["num_key_value_heads"], head_dim=s["head_dim"], vocab_size=s["vocab_size"],
                  tie_word_embeddings=s["tie_word_embeddings"], hidden_act="silu", attention_bias=False,
                  attention_dropout=0.0, initializer_range=0.02, use_cache=True, dtype="bfloat16")
    if s["arch"] == "qwen3":
        return dict(common, architectures=["Qwen3ForCausalLM"], model_type="qwen3", rms_norm_eps=1e-6,
                    rope_theta=1000000.0, max_position_embeddings=40960, bos_token_id=151643,
                    eos_token_id=151645, use_sliding_window=False, sliding_window=None, max_window_layers=28)
    return dict(common, architectures=["LlamaForCausalLM"], model_type="llama", rms_norm_eps=1e-5,
                rope_theta=500000.0, max_position_embeddings=8192, bos_token_id=128000, eos_token_id=128001,
                mlp_bias=False, pretraining_tp=1)


def linear_shapes(s: dict) -> dict:
    """Per decoder layer: projection name -> (out_features, in_features)."""
    h, i, hd = s["hidden_size"], s["intermediate_size"], s["head_dim"]
    q, kv = s["num_attention_heads"] * hd, s["num_key_value_heads"] * hd
    return {"self_attn.q_proj": (q, h), "self_attn.k_proj": (kv, h), "self_attn.v_proj": (kv, h),
            "self_attn.o_proj": (h, q), "mlp.gate_proj": (i, h), "mlp.up_proj": (i, h), "mlp.down_proj": (h, i)}


def tensor_list(s: dict) -> list:
    """(name, shape) of every tensor of the checkpoint, in the order transformers saves them."""
    h, hd = s["hidden_size"], s["head_dim"]
    out = [("model.embed_tokens.weight", (s["vocab_size"], h))]
    for layer in range(s["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        per = {k + ".weight": v for k, v in linear_shapes(s).items()}
        per.update({"input_layernorm.weight": (h,), "post_attention_layernorm.weight": (h,)})
        if s["arch"] == "qwen3":
            per.update({"self_attn.q_norm.weight": (hd,), "self_attn.k_norm.weight": (hd,)})
        out += [(p + k, per[k]) for k in sorted(per)]
    out.append(("model.norm.weight", (h,)))
    if not s["tie_word_embeddings"]:
        out.append(("lm_head.weight", (s["vocab_size"], h)))
    return out


def _generator(seed: int, name: str, device: str):
    import torch
    g = torch.Generator(device=device)
    g.manual_seed(seed * 1_000_003 + zlib.crc32(name.encode()))
    return g


def make_tensor(name: str, dims: tuple, seed: int, device: str):
    """bf16 CPU tensor: N(0, 0.02) for embeddings and projections (transformers' initializer_range),
    1 + N(0, 0.05) for RMSNorm weights. Seeded per tensor name, so independent of generation order."""
    import torch
    g = _generator(seed, name, device)
    x = torch.randn(dims, generator=g, device=device, dtype=torch.float32)
    x = 1.0 + 0.05 * x if name.endswith("norm.weight") else 0.02 * x
    return x.to(torch.bfloat16).cpu().contiguous()


def write_safetensors(path: Path, entries: list, produce) -> int:
    """Writes a safetensors file of bf16 tensors, producing one tensor at a time (produce(name, shape) ->
    contiguous bf16 CPU tensor); returns the data bytes. Written to a temporary name, then renamed."""
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, dims in entries:
        n = 2 * math.prod(dims)
        header[name] = {"dtype": "BF16", "shape": list(dims), "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as f:
        f.write(len(raw).to_bytes(8, "little"))
        f.write(raw)
        for name, dims in entries:
            t = produce(name, dims)
            assert tuple(t.shape) == tuple(dims), name
            import torch
            t.view(torch.int16).numpy().tofile(f)
    tmp.rename(path)
    return offset


def plan_shards(entries: list, shard_gb: float) -> list:
    """Splits entries (in order) into shards of at most shard_gb GB (one shard when shard_gb <= 0)."""
    if shard_gb <= 0:
        return [entries]
    limit, shards, cur, size = shard_gb * 1e9, [], [], 0
    for name, dims in entries:
        n = 2 * math.prod(dims)
        if cur and size + n > limit:
            shards.append(cur)
            cur, size = [], 0
        cur.append((name, dims))
        size += n
    return shards + [cur]


def stamp_matches(folder: Path, stamp: dict) -> bool:
    f = folder / STAMP
    return f.exists() and json.loads(f.read_text()) == stamp


def fresh_folder(folder: Path, stamp: dict) -> bool:
    """True when folder must be (re)generated: then it is emptied and created."""
    if stamp_matches(folder, stamp):
        return False
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return True


def make_tokenizer(out: Path):
    """A 1024-token byte-level BPE tokenizer.json (+ tokenizer_config.json) trained on WORDS."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    corpus = [" ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(30)) for i in range(400)]
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=1024, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "PreTrainedTokenizerFast"}))
    return tok


def make_model(folder: Path, shape_name: str, layers: int = 0, seed: int = 0, device: str = "cpu",
               log=print) -> Path:
    """Generates (or keeps, when its stamp matches) the checkpoint of SHAPES[shape_name] in folder."""
    s = shape(shape_name, layers)
    stamp = {"generator": GENERATOR_VERSION["model"], "kind": "model", "shape": s, "seed": seed, "rng_device": device}
    if not fresh_folder(folder, stamp):
        return folder
    shards = plan_shards(tensor_list(s), s["shard_gb"])
    names = ([f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors" for i in range(len(shards))]
             if len(shards) > 1 else ["model.safetensors"])
    total, weight_map = 0, {}
    for file, entries in zip(names, shards):
        log(f"writing {folder / file} ({len(entries)} tensors)")
        total += write_safetensors(folder / file, entries, lambda n, d: make_tensor(n, d, seed, device))
        weight_map.update({n: file for n, _ in entries})
    if len(shards) > 1:
        (folder / "model.safetensors.index.json").write_text(
            json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=1))
    cfg = hf_config(s)
    (folder / "config.json").write_text(json.dumps(cfg, indent=1))
    (folder / "generation_config.json").write_text(json.dumps(
        {"bos_token_id": cfg["bos_token_id"], "eos_token_id": cfg["eos_token_id"]}))
    make_tokenizer(folder)
    (folder / STAMP).write_text(json.dumps(stamp))
    return folder


def make_adapter(folder: Path, model_dir: Path, shape_name: str, layers: int = 0, rank: int = 16,
                 alpha: int = 32, seed: int = 1, rel_delta: float = 0.01, device: str = "cpu") -> Path:
    """A LoRA adapter (rank, alpha, all 7 projections) in PEFT's own save_pretrained format.

    PEFT builds the PeftModel on a meta-device model of the architecture and chooses the adapter dtype
    (float32 for a bf16 base: peft's autocast_adapter_dtype). A ~ N(0, 1/in_features); B ~ N(0, sigma_B)
    with sigma_B set so that s*B@A (s = alpha/rank) has a standard deviation of rel_delta x the base weights'
    0.02: a trained adapter's size, nonzero in every element (PEFT's own init leaves B = 0)."""
    s = shape(shape_name, layers)
    stamp = {"generator": GENERATOR_VERSION["lora"], "kind": "lora", "shape": s, "rank": rank, "alpha": alpha,
             "seed": seed, "rel_delta": rel_delta, "rng_device": device}
    if not fresh_folder(folder, stamp):
        return folder
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoConfig, AutoModelForCausalLM
    kw = {k: v for k, v in hf_config(s).items() if k not in ("architectures", "dtype")}
    cfg = AutoConfig.for_model(kw.pop("model_type"), **kw)
    with torch.device("meta"):
        base = AutoModelForCausalLM.from_config(cfg, dtype=torch.bfloat16)
    base.name_or_path = str(model_dir)  # PEFT writes it as base_model_name_or_path
    peft_model = get_peft_model(base, LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=0.0, bias="none",
                                                 target_modules=LORA_TARGETS, task_type="CAUSAL_LM"))
    scaling = alpha / rank
    for name, module in peft_model.named_modules():
        if not (hasattr(module, "lora_A") and "default" in getattr(module, "lora_A", {})):
            continue
        a, b = module.lora_A["default"], module.lora_B["default"]
        fan_in = a.weight.shape[1]
        sigma_b = rel_delta * 0.02 / (scaling * math.sqrt(rank / fan_in))
        for lin, std, tag in ((a, 1.0 / math.sqrt(fan_in), "A"), (b, sigma_b, "B")):
            g = _generator(seed, f"{name}.lora_{tag}", device)
            w = torch.randn(lin.weight.shape, generator=g, device=device) * std
            lin.weight = torch.nn.Parameter(w.to(lin.weight.dtype).cpu(), requires_grad=False)
    peft_model.save_pretrained(str(folder))
    (folder / STAMP).write_text(json.dumps(stamp))
    return folder


def write_recipes(work: Path, model, adapter, numerics: str):
    """work/train.yaml (adapter unmerged) and work/eval.yaml (adapter merged; no adapter when None): int4
    g128 plain, torchao 0.18, bf16, `numerics` (cpu | cuda) division semantics. Paths as given (relative
    paths are relative to work)."""
    for side, form in (("train", "unmerged"), ("eval", "merged")):
        (work / f"{side}.yaml").write_text(
            f"model: {model}\n" + (f"adapter: {{path: {adapter}, form: {form}}}\n" if adapter else "") +
            f"dtype: bfloat16\ndevice_numerics: {numerics}\ntorchao_version: \"0.18\"\n"
            "quantization: {scheme: int4_weight_only, group_size: 128, packing_format: plain}\n")


def link_model(src: Path, dst: Path):
    """dst/ gets a symlink to the weights and config files of src/ (not its tokenizer), so a bench folder can
    have its own tokenizer beside a shared checkpoint."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        wanted = f.suffix == ".safetensors" or f.name in ("config.json", "generation_config.json",
                                                          "model.safetensors.index.json")
        if wanted and not (dst / f.name).exists():
            (dst / f.name).symlink_to(f)


def weight_files(model_dir: Path) -> list:
    """The safetensors files of a checkpoint folder."""
    return sorted(model_dir.glob("*.safetensors"))


def prompt_of_tokens(tok, tokens: int) -> str:
    """The longest run of WORDS (cycled) that tokenizes to <= tokens ids."""
    words = []
    while True:
        cand = words + [WORDS[len(words) % len(WORDS)]]
        if len(tok.encode(" ".join(cand)).ids) > tokens:
            return " ".join(words)
        words = cand
