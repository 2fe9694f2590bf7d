#!/usr/bin/env python3
"""Writes the malformed-input cases of the inputs users start from (hub_*, tout_*, rc_*).

Plain python3, no third-party packages; deterministic. Each case is a directory with case.json:
  {"target", "expect", "about", "tool"?, "args"?, "env"?}
- tool "inspect" (default): `quantlens inspect <target> [args]` / inspectPath must fail;
  tool "recipe": loadRecipe(<target>) / `quantlens diff-config <target> <target>` must fail;
  either way with exit 2 and one line containing `expect`.
- env: environment variables for the run; a value is a path relative to the case directory
  (HF_HUB_CACHE -> the case's own hand-built Hugging Face cache).
Prefixes: hub_ (Hugging Face cache layouts: models--org--name/{refs,snapshots,blobs}),
tout_ (Trainer output folders holding checkpoint-N/), rc_ (recipes: torchao reprs, adapter folders
without checkpoints, bases named by adapter_config.json, module_forms, selection keys).

Usage: python3 tests/corpus/make_input_cases.py [--out DIR]   (default: this script's directory)
"""
import argparse
import json
import os
import shutil

PREFIXES = ("hub_", "tout_", "rc_")
HASH_A = "a" * 8 + "0123456789abcdef0123456789abcdef"
HASH_D = "d" * 8 + "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
CONFIG = {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 64, "intermediate_size": 96,
          "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 32,
          "vocab_size": 128, "max_position_embeddings": 256, "tie_word_embeddings": True}
LORA = {"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"], "base_model_name_or_path": "../base"}
INT4 = "quantization: {scheme: int4_weight_only, group_size: 32}\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def case(out, name, meta, files=None, links=None):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for rel, text in (files or {}).items():
        write(os.path.join(d, rel), text)
    for rel, target in (links or {}).items():
        os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
        os.symlink(target, os.path.join(d, rel))
    write(os.path.join(d, "case.json"), json.dumps(meta, indent=2) + "\n")


def hub_repo(repo, refs, snapshot_files=None):
    """Files of one repo of a hand-built cache: refs/<name> texts and snapshots/<hash>/<file> texts."""
    base = "cache/models--" + repo.replace("/", "--")
    files = {f"{base}/refs/{ref}": text for ref, text in refs.items()}
    for rel, text in (snapshot_files or {}).items():
        files[f"{base}/snapshots/{rel}"] = text
    return files


def hub_cases(out):
    env = {"HF_HUB_CACHE": "cache"}
    config = json.dumps(CONFIG)
    case(out, "hub_interrupted", {"target": "ql-test/m", "env": env, "expect": f"names snapshot '{HASH_D}', which is not in",
                                  "about": "refs/main names a commit whose snapshot folder is missing (interrupted download)"},
         hub_repo("ql-test/m", {"main": HASH_D}, {f"{HASH_A}/config.json": config}))
    case(out, "hub_newline_ref", {"target": "ql-test/m", "env": env, "expect": f"names snapshot '{HASH_A}\\x0a'",
                                  "about": "refs/main ends in a newline: huggingface_hub reads it unstripped and finds no snapshot"},
         hub_repo("ql-test/m", {"main": HASH_A + "\n"}, {f"{HASH_A}/config.json": config}))
    case(out, "hub_missing_revision", {"target": "ql-test/m", "args": ["--revision", "v9"], "env": env,
                                       "expect": "revision 'v9' is not in the cache (no ",
                                       "about": "a revision with no refs/ file (cached refs are listed)"},
         hub_repo("ql-test/m", {"main": HASH_A}, {f"{HASH_A}/config.json": config}))
    case(out, "hub_revision_escape", {"target": "ql-test/m", "args": ["--revision", "../../../etc/passwd"], "env": env,
                                      "expect": "expected a branch, tag or 40-hex commit hash",
                                      "about": "a revision that would walk out of refs/"},
         hub_repo("ql-test/m", {"main": HASH_A}, {f"{HASH_A}/config.json": config}))
    case(out, "hub_not_cached", {"target": "ql-test/absent", "env": env, "expect": "not in the local Hugging Face cache",
                                 "about": "the repo has no models--org--name folder; the error names the download command"},
         hub_repo("ql-test/m", {"main": HASH_A}, {f"{HASH_A}/config.json": config}))
    case(out, "hub_snapshot_without_weights", {"target": "ql-test/m", "env": env, "expect": "no safetensors checkpoint",
                                               "about": "the snapshot holds config.json only"},
         hub_repo("ql-test/m", {"main": HASH_A}, {f"{HASH_A}/config.json": config}))
    index = json.dumps({"metadata": {}, "weight_map": {"model.embed_tokens.weight": "model-00001-of-00001.safetensors"}})
    case(out, "hub_shard_outside_blobs", {"target": "ql-test/m", "env": env, "expect": "resolves outside the directory",
                                          "about": "a snapshot shard links out of the repo's blobs/ folder"},
         {**hub_repo("ql-test/m", {"main": HASH_A}, {f"{HASH_A}/config.json": config,
                                                     f"{HASH_A}/model.safetensors.index.json": index}),
          "outside.safetensors": "not a blob"},
         {f"cache/models--ql-test--m/snapshots/{HASH_A}/model-00001-of-00001.safetensors": "../../../../outside.safetensors"})


def trainer_state(step, best=None):
    return json.dumps({"global_step": step, "epoch": step / 100, "log_history": [{"loss": 1.25, "step": step}],
                       "best_model_checkpoint": best})


def tout_cases(out):
    adapter = json.dumps(LORA)
    case(out, "tout_latest_without_files", {"target": "run", "expect": "checkpoint-3/adapter_model.safetensors: file not found",
                                            "about": "the latest checkpoint-N folder holds neither an adapter nor weights "
                                                     "(skipped as incomplete); the one before lacks its adapter weights"},
         {"run/checkpoint-3/adapter_config.json": adapter, "run/checkpoint-3/trainer_state.json": trainer_state(3),
          "run/checkpoint-12/notes.txt": "interrupted save\n"})
    case(out, "tout_latest_bad_state", {"target": "run", "expect": "trainer_state.json: invalid JSON",
                                        "about": "the latest checkpoint's trainer_state.json is cut"},
         {"run/checkpoint-3/adapter_config.json": adapter, "run/checkpoint-3/trainer_state.json": trainer_state(3),
          "run/checkpoint-12/adapter_config.json": adapter, "run/checkpoint-12/trainer_state.json": '{"global_step": 12, '})


def recipe_case(out, name, yaml, expect, about, files=None, env=None):
    meta = {"tool": "recipe", "target": "train.yaml", "expect": expect, "about": about}
    if env:
        meta["env"] = env
    case(out, name, meta, {"train.yaml": yaml, **(files or {})})


def rc_cases(out):
    adapter = json.dumps(LORA)
    r = "QATConfig(base_config=Int4WeightOnlyConfig(group_size=%s), activation_config=None, weight_config=None, step='prepare')"
    recipe_case(out, "rc_repr_syntax", 'model: m\nquantization: {repr: "%s"}\n' % (r % "12x"),
                "train.yaml.quantization.repr: at character", "a repr with a malformed number")
    recipe_case(out, "rc_repr_unknown_field", 'model: m\nquantization: {repr: "Int4WeightOnlyConfig(group_sise=32)"}\n',
                "unknown field of Int4WeightOnlyConfig", "a misspelled field in the printed config")
    recipe_case(out, "rc_repr_fake_quant_config",
                "model: m\nquantization: {repr: \"QATConfig(activation_config=None, weight_config=IntxFakeQuantizeConfig("
                "dtype=torch.int4, granularity=PerGroup(group_size=32)), step='prepare')\"}\n",
                "directly specified fake-quantize configs are not supported", "QATConfig with weight_config instead of base_config")
    recipe_case(out, "rc_repr_no_config", "model: m\nquantization: {repr: \"step='prepare', group_size=32\"}\n",
                "expected the printed repr of a torchao config", "text without any torchao config class")
    recipe_case(out, "rc_repr_unterminated", "model: m\nquantization: {repr: \"Int4WeightOnlyConfig(layout='x)\"}\n",
                "expected the closing '", "an unterminated string inside the repr")
    recipe_case(out, "rc_repr_too_deep", "model: m\nquantization: {repr: \"Int4WeightOnlyConfig(group_size=%s1%s)\"}\n"
                % ("[" * 40, "]" * 40), "nested values", "nesting deeper than the parser allows")
    recipe_case(out, "rc_no_checkpoints", "model: m\nadapter: {path: outputs}\n" + INT4,
                "expected a PEFT adapter folder (adapter_config.json) or a Trainer output folder",
                "an output folder without adapter_config.json or checkpoint-N/", {"outputs/runs/events.txt": "tensorboard\n"})
    recipe_case(out, "rc_checkpoint_missing", "model: m\nadapter: {path: outputs, checkpoint: 7}\n" + INT4,
                "has no checkpoint-7 (found: 5)", "checkpoint: N names a folder that does not exist",
                {"outputs/checkpoint-5/adapter_config.json": adapter})
    recipe_case(out, "rc_best_without_best", "model: m\nadapter: {path: outputs, checkpoint: best}\n" + INT4,
                "has no best_model_checkpoint", "checkpoint: best, but training tracked no best model",
                {"outputs/checkpoint-5/adapter_config.json": adapter, "outputs/checkpoint-5/trainer_state.json": trainer_state(5)})
    recipe_case(out, "rc_base_missing", "adapter: {path: adapter}\n" + INT4,
                "base_model_name_or_path '../base': no folder", "no model:, and the adapter's base folder does not exist",
                {"adapter/adapter_config.json": adapter})
    recipe_case(out, "rc_base_null", "adapter: {path: adapter}\n" + INT4, "has no base_model_name_or_path",
                "no model:, and adapter_config.json names no base",
                {"adapter/adapter_config.json": json.dumps({**LORA, "base_model_name_or_path": None})})
    recipe_case(out, "rc_revision_on_folder", "model: base\nrevision: main\n" + INT4, "applies to hub ids only",
                "revision: with a model that is a folder", {"base/config.json": json.dumps(CONFIG)})
    recipe_case(out, "rc_hub_not_cached", "model: ql-test/absent\n" + INT4, "hf download ql-test/absent",
                "a hub id that is not in the (empty) cache", {"cache/.gitkeep": ""}, env={"HF_HUB_CACHE": "cache"})
    recipe_case(out, "rc_module_forms_regex", "model: m\nmodule_forms: [{match: '(lm_head', form: float}]\n",
                "train.yaml.module_forms[0].match: '(lm_head' is not a regular expression", "an unbalanced parenthesis")
    recipe_case(out, "rc_embedding_scheme", "model: m\nembedding_quantization: {scheme: float8_dynamic_activation_float8_weight}\n",
                "on nn.Embedding is not supported", "an activation-quantizing scheme on nn.Embedding")
    case(out, "rc_yaml_message_line_break", {"tool": "recipe", "target": "train.yaml", "expect": "YAML error at line 2",
                                             "about": "yaml-cpp's message for these bytes ends in a raw line break "
                                                      "(found by the recipe fuzzer): the error is still one line"})
    with open(os.path.join(out, "rc_yaml_message_line_break", "train.yaml"), "wb") as f:
        f.write(b"model: .>/models/" + b"\xff" * 8 + b"tinyb\x00\nfig=IntxFakeQuantizeCo~fig(dtype=t" + b" " * 36 +
                b"orch.int4, granulari\x00\x00\x02\x00\x00\x00\x00PerGroup(gr choose_qparrm: merged}\ndtype: bfloa\n")
    recipe_case(out, "rc_after_steps_negative", "model: m\nquantization: {scheme: int4_weight_only, fake_quant_after_steps: -5}\n",
                "expected a non-negative step count", "a negative fake_quant_after_steps")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    for name in os.listdir(args.out):
        if name.startswith(PREFIXES) and os.path.isdir(os.path.join(args.out, name)):
            shutil.rmtree(os.path.join(args.out, name))
    hub_cases(args.out)
    tout_cases(args.out)
    rc_cases(args.out)


if __name__ == "__main__":
    main()
