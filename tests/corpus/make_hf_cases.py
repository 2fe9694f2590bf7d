"""Writes the cfg_/ad_/ts_/dir_ cases of the malformed-input corpus (run once; outputs are committed).

Each case is a directory with case.json {"target", "expect", "about", optional "args"}: `quantlens
inspect <target> <args>` run from the case directory must exit 2 with one stderr line containing
`expect`. Tiny tensors are written with safetensors.numpy (F32).
Usage: ~/.cache/quantlens/venv/bin/python tests/corpus/make_hf_cases.py
"""
import json
import os
import shutil

import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIG = {
    "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 16,
    "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
    "num_key_value_heads": 1, "head_dim": 8, "vocab_size": 32, "rms_norm_eps": 1e-6,
    "rope_theta": 1000000.0, "tie_word_embeddings": True, "torch_dtype": "float32",
}

LORA = {"peft_type": "LORA", "r": 4, "lora_alpha": 8, "target_modules": ["q_proj"],
        "task_type": "CAUSAL_LM", "base_model_name_or_path": "tiny-qwen3"}


def model_tensors(hidden=16):
    t = {"model.embed_tokens.weight": (32, hidden), "model.norm.weight": (hidden,)}
    p = "model.layers.0."
    t.update({p + "input_layernorm.weight": (hidden,), p + "post_attention_layernorm.weight": (hidden,),
              p + "self_attn.q_proj.weight": (16, hidden), p + "self_attn.k_proj.weight": (8, hidden),
              p + "self_attn.v_proj.weight": (8, hidden), p + "self_attn.o_proj.weight": (hidden, 16),
              p + "self_attn.q_norm.weight": (8,), p + "self_attn.k_norm.weight": (8,),
              p + "mlp.gate_proj.weight": (32, hidden), p + "mlp.up_proj.weight": (32, hidden),
              p + "mlp.down_proj.weight": (hidden, 32)})
    return {k: np.zeros(v, dtype=np.float32) for k, v in t.items()}


def write_json(path, obj_or_text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text, indent=2))


def model_dir(path, config=CONFIG, hidden=16):
    write_json(os.path.join(path, "config.json"), config)
    save_file(model_tensors(hidden), os.path.join(path, "model.safetensors"), metadata={"format": "pt"})


def adapter_dir(path, config=LORA, a_shape=(4, 16), b_shape=(16, 4), module="model.layers.0.self_attn.q_proj"):
    write_json(os.path.join(path, "adapter_config.json"), config)
    key = "base_model.model." + module
    save_file({key + ".lora_A.weight": np.zeros(a_shape, np.float32),
               key + ".lora_B.weight": np.zeros(b_shape, np.float32)},
              os.path.join(path, "adapter_model.safetensors"), metadata={"format": "pt"})


def case(name, expect, about, build, target=".", args=None):
    path = os.path.join(HERE, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    build(path)
    meta = {"target": target, "expect": expect, "about": about}
    if args:
        meta["args"] = args
    write_json(os.path.join(path, "case.json"), meta)


def with_config(**changes):
    cfg = dict(CONFIG)
    for k, v in changes.items():
        if v is None:
            cfg.pop(k, None)
        else:
            cfg[k] = v
    return cfg


def main():
    case("cfg_invalid_json", "config.json: invalid JSON", "config.json is cut in the middle",
         lambda p: (model_dir(p), write_json(os.path.join(p, "config.json"), '{"architectures": ["Qwen3')))
    case("cfg_unsupported_arch", "architecture 'GPT2LMHeadModel' is not supported; supported: Qwen3ForCausalLM",
         "a GPT-2 config", lambda p: model_dir(p, with_config(architectures=["GPT2LMHeadModel"], model_type="gpt2")))
    case("cfg_missing_field", "missing required field 'hidden_size'", "config.json without hidden_size",
         lambda p: model_dir(p, with_config(hidden_size=None)))
    case("cfg_wrong_type", "field 'num_hidden_layers': expected an integer, got a string '1'",
         "num_hidden_layers written as a string", lambda p: model_dir(p, with_config(num_hidden_layers="1")))
    case("cfg_heads_not_divisible", "field 'num_attention_heads': expected a multiple of num_key_value_heads (3)",
         "2 query heads, 3 kv heads", lambda p: model_dir(p, with_config(num_key_value_heads=3)))
    case("cfg_shape_mismatch", "expected shape [32, 16] from config.json (Qwen3ForCausalLM), got [32, 12]",
         "weights of a hidden_size 12 model under a hidden_size 16 config",
         lambda p: model_dir(p, CONFIG, hidden=12))
    case("cfg_missing_tensors", "missing 1 tensor(s) that config.json (Qwen3ForCausalLM) requires: lm_head.weight",
         "untied config, checkpoint without lm_head.weight",
         lambda p: model_dir(p, with_config(tie_word_embeddings=False)))
    case("cfg_unsupported_rope", "rope type 'yarn' is not supported", "rope_scaling of type yarn",
         lambda p: model_dir(p, with_config(rope_scaling={"rope_type": "yarn", "factor": 4.0})))
    case("ad_invalid_json", "adapter_config.json: invalid JSON", "adapter_config.json is not JSON",
         lambda p: (adapter_dir(p), write_json(os.path.join(p, "adapter_config.json"), "peft_type: LORA")))
    case("ad_non_lora", "peft_type 'IA3' is not supported; supported: LORA", "an IA3 adapter",
         lambda p: adapter_dir(p, dict(LORA, peft_type="IA3")))
    case("ad_rank_mismatch", "expected lora_A of shape [r, in_features] with r = 8",
         "adapter_config says r=8, lora_A has 4 rows", lambda p: adapter_dir(p, dict(LORA, r=8)))
    case("ad_lora_b_mismatch", "expected lora_B of shape [out_features, r] with r = 4",
         "lora_B has 2 columns, lora_A 4 rows", lambda p: adapter_dir(p, b_shape=(16, 2)))
    case("ad_bin_only", "adapter_model.bin: pickle adapters are never unpickled",
         "only the pickle adapter_model.bin (dummy bytes: must never be opened)",
         lambda p: (write_json(os.path.join(p, "adapter_config.json"), LORA),
                    open(os.path.join(p, "adapter_model.bin"), "wb").write(b"\x80\x04not a real pickle")))
    case("ad_missing_module", "the base model has no module(s) model.layers.3.self_attn.q_proj",
         "adapter for layer 3 of a one-layer base model",
         lambda p: (model_dir(os.path.join(p, "base")),
                    adapter_dir(os.path.join(p, "adapter"), module="model.layers.3.self_attn.q_proj")),
         target="adapter", args=["--base", "base"])
    case("ad_in_out_mismatch", "the adapter expects a base weight [16, 24]",
         "lora_A has 24 input features, the base q_proj 16",
         lambda p: (model_dir(os.path.join(p, "base")), adapter_dir(os.path.join(p, "adapter"), a_shape=(4, 24))),
         target="adapter", args=["--base", "base"])
    case("ts_invalid", "trainer_state.json: invalid JSON", "a Trainer checkpoint whose trainer_state.json is cut",
         lambda p: (adapter_dir(os.path.join(p, "checkpoint-10")),
                    write_json(os.path.join(p, "checkpoint-10", "trainer_state.json"), '{"global_step": 10, "log_')),
         target="checkpoint-10")
    case("ts_bad_log_history", "field 'log_history': expected a list of objects, got the integer 5",
         "log_history is a number",
         lambda p: (adapter_dir(p), write_json(os.path.join(p, "trainer_state.json"),
                                               {"global_step": 10, "epoch": 1.0, "log_history": 5})))
    case("ts_bad_global_step", "field 'global_step': expected an integer, got the non-integer number 2.5",
         "global_step is fractional",
         lambda p: (adapter_dir(p), write_json(os.path.join(p, "trainer_state.json"),
                                               {"global_step": 2.5, "log_history": []})))
    case("dir_config_only", "no safetensors checkpoint", "a directory with config.json and no weights",
         lambda p: write_json(os.path.join(p, "config.json"), CONFIG))
    case("dir_not_a_checkpoint", "expected a checkpoint/adapter directory or a .safetensors file",
         "a plain text file as target", lambda p: write_json(os.path.join(p, "notes.txt"), "hello"),
         target="notes.txt")


if __name__ == "__main__":
    main()
