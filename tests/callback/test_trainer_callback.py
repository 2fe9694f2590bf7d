#!/usr/bin/env python3
"""QuantLensCallback with a real transformers Trainer: a tiny Qwen3 (seeded, written by the reference
helpers with a tokenizer.json), QAT-prepared with torchao (QATConfig(Int4WeightOnlyConfig(group_size=32),
step="prepare")), wrapped with a PEFT LoRA, trained for a few steps on synthetic token sequences on CPU.

Asserts that the callback verified every checkpoint the Trainer saved, that its numbers are in
trainer.state.log_history and reached the on_log chain (where TensorBoard / W&B listen), that a failed
check stops training with stop_on_failure, and that bad input names the checkpoint.

Needs the reference venv (torch, torchao, transformers, peft, tokenizers) and the executable:
QUANTLENS_BIN=/path/to/quantlens python tests/callback/test_trainer_callback.py
Plain unittest; no network.
"""
import json
import os
import shutil
import sys
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "tests" / "reference"))
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import Trainer, TrainerCallback, TrainingArguments  # noqa: E402

from quantlens_callback import QuantLensCallback, QuantLensError  # noqa: E402
from quantlens_callback.cli import VerifyOptions, build_command, verify_flags  # noqa: E402
from quantlens_callback.report import key_numbers  # noqa: E402
from ql_ref import checkpoints as ref_checkpoints  # noqa: E402  (the reference's seeded model builder)
from ql_ref import tokenizer as ref_tokenizer  # noqa: E402

GROUP = 32
LORA = dict(r=8, lora_alpha=16, target_modules=ref_checkpoints.LINEAR7)
PROMPTS = ["the quick brown fox jumps over the lazy dog", "quantization training evaluation weights"]


def build_base(folder: Path) -> None:
    """A tiny Qwen3 (the reference's qwen3_tied_bf16 shape: hidden 64, 2 layers, every Linear's in_features
    a multiple of GROUP), seeded, with transformers' own initialisation (logits of a realistic size, unlike
    the reference's heavy-tailed weights), saved with save_pretrained (safetensors, bf16), and a byte-level
    BPE tokenizer.json trained by the reference's tokenizer helper on a slice of its corpus."""
    tok = ref_tokenizer.build_qwen2(ref_tokenizer.training_corpus()[:1500])
    vocab = -(-tok.get_vocab_size(with_added_tokens=True) // 64) * 64
    _, cls, kwargs, dtype, _ = ref_checkpoints.MODELS["qwen3_tied_bf16"]
    config = getattr(transformers, cls)(**{**ref_checkpoints.SMALL, **kwargs, "vocab_size": vocab})
    torch.manual_seed(1900)
    transformers.AutoModelForCausalLM.from_config(config).to(dtype).save_pretrained(folder)
    tok.save(str(folder / "tokenizer.json"))


def qat_config():
    from torchao.quantization import Int4WeightOnlyConfig
    from torchao.quantization.qat import QATConfig
    return QATConfig(Int4WeightOnlyConfig(group_size=GROUP), step="prepare")


def qat_lora_model(base: Path):
    """The training side as users build it: load, torchao QAT prepare (int4 g32), PEFT LoRA on top."""
    from peft import LoraConfig, get_peft_model
    from torchao.quantization import quantize_
    model = transformers.AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.bfloat16)
    quantize_(model, qat_config())
    return get_peft_model(model, LoraConfig(task_type="CAUSAL_LM", **LORA))


class TokenDataset(torch.utils.data.Dataset):
    """Seeded random token sequences; labels = input_ids (the model shifts them)."""

    def __init__(self, vocab, n=8, length=16, seed=7):
        g = torch.Generator().manual_seed(seed)
        self.ids = torch.randint(0, vocab, (n, length), generator=g)

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, i):
        return {"input_ids": self.ids[i], "attention_mask": torch.ones_like(self.ids[i]), "labels": self.ids[i]}


class LogRecorder(TrainerCallback):
    """Stands in for TensorBoardCallback / WandbCallback: registered, like them, before user callbacks,
    and records every `logs` dict on_log hands it."""

    def __init__(self):
        self.logs = []

    def on_log(self, args, state, control, logs=None, **kwargs):
        self.logs.append((state.global_step, dict(logs or {})))


class TrainerCallbackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        cls.tmp = Path(tempfile.mkdtemp(prefix="ql_callback_"))
        cls.base = cls.tmp / "base"
        build_base(cls.base)
        cls.vocab = json.loads((cls.base / "config.json").read_text())["vocab_size"]
        cls.binary = os.environ.get("QUANTLENS_BIN") or shutil.which("quantlens")
        if not cls.binary:
            raise unittest.SkipTest("no quantlens executable: set QUANTLENS_BIN")

    @classmethod
    def tearDownClass(cls):
        if not os.environ.get("QL_KEEP_TMP"):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def train(self, name, max_steps, save_steps, **callback_kwargs):
        """A real Trainer run with the callback added as the README shows (int4 g32 as --group-size unless
        the test gives quant_config); returns (trainer, callback, recorder)."""
        torch.manual_seed(0)
        args = TrainingArguments(output_dir=str(self.tmp / name), max_steps=max_steps, save_steps=save_steps,
                                 save_strategy="steps", logging_steps=1, per_device_train_batch_size=4,
                                 learning_rate=2e-3, report_to="none", use_cpu=True, disable_tqdm=True,
                                 seed=0, save_only_model=True)
        recorder = LogRecorder()
        trainer = Trainer(model=qat_lora_model(self.base), args=args, train_dataset=TokenDataset(self.vocab),
                          callbacks=[recorder])
        if "quant_config" not in callback_kwargs:
            callback_kwargs["group_size"] = GROUP
        callback = QuantLensCallback(trainer, binary=self.binary, prompts=PROMPTS, **callback_kwargs)
        trainer.add_callback(callback)
        trainer.train()
        return trainer, callback, recorder

    @staticmethod
    def quantlens_entries(history):
        return [e for e in history if any(k.startswith("quantlens/") for k in e)]

    def test_every_checkpoint_is_verified_and_logged(self):
        trainer, callback, recorder = self.train("run_log", max_steps=4, save_steps=2)
        self.assertEqual(trainer.state.global_step, 4)
        self.assertEqual([r.step for r in callback.results], [2, 4])
        for result in callback.results:
            report = Path(result.report_path)
            self.assertEqual(report, self.tmp / "run_log" / "quantlens" / f"checkpoint-{result.step}.json")
            self.assertTrue(report.is_file())
            self.assertFalse((Path(result.checkpoint) / "quantlens-report.json").exists())
            sides = json.loads(report.read_text())["train"]["resolution"]
            self.assertEqual(sides["checkpoint_step"], result.step)
        entries = self.quantlens_entries(trainer.state.log_history)
        self.assertEqual([e["step"] for e in entries], [2, 4])
        for entry in entries:
            for key in ("quantlens/passed", "quantlens/logits_max_abs", "quantlens/logits_top1_agreement",
                        "quantlens/weights_modules_differing", "quantlens/convert_argmax_agreement",
                        "quantlens/weights_pass", "quantlens/logits_pass", "quantlens/checks_failed"):
                self.assertIn(key, entry)
                self.assertIsInstance(entry[key], float)
            self.assertGreaterEqual(entry["quantlens/logits_top1_agreement"], 0.0)
            self.assertLessEqual(entry["quantlens/logits_top1_agreement"], 1.0)
        # Eval merges the trained LoRA into the fake-quantized base (the default eval form): the merged
        # weights are re-quantized, so the weights check fails, and without stop_on_failure training goes on.
        self.assertEqual(entries[-1]["quantlens/weights_pass"], 0.0)
        self.assertGreater(entries[-1]["quantlens/weights_modules_differing"], 0.0)
        self.assertEqual(entries[-1]["quantlens/passed"], 0.0)
        seen = [(step, logs) for step, logs in recorder.logs if "quantlens/passed" in logs]
        self.assertEqual([step for step, _ in seen], [2, 4])
        self.assertEqual(seen[-1][1]["quantlens/logits_max_abs"], entries[-1]["quantlens/logits_max_abs"])
        self.assertTrue((self.tmp / "run_log" / "quantlens" / "prompts.txt").is_file())

    def test_stop_on_failure_stops_at_the_first_failed_checkpoint(self):
        trainer, callback, _ = self.train("run_stop", max_steps=8, save_steps=2, stop_on_failure=True)
        self.assertEqual([r.step for r in callback.results], [2])
        self.assertFalse(callback.results[0].passed)
        self.assertIn("weights", callback.results[0].failed_checks)
        self.assertEqual(trainer.state.global_step, 2)

    def test_matching_eval_path_passes_and_trains_on(self):
        """Eval keeps the LoRA unmerged, as training ran it; the quantization is handed over as the torchao
        config object training used (its printed form goes to --repr)."""
        if "--eval-form" not in verify_flags(self.binary):
            self.skipTest(f"{self.binary} has no --eval-form yet")
        trainer, callback, _ = self.train("run_pass", max_steps=4, save_steps=2, stop_on_failure=True,
                                          eval_form="unmerged", quant_config=qat_config())
        self.assertEqual(trainer.state.global_step, 4)
        self.assertEqual([(r.step, r.passed) for r in callback.results], [(2, True), (4, True)])
        entries = self.quantlens_entries(trainer.state.log_history)
        self.assertEqual([e["quantlens/passed"] for e in entries], [1.0, 1.0])
        self.assertEqual(entries[-1]["quantlens/logits_max_abs"], 0.0)

    def test_checks_subset_decides_the_verdict(self):
        """Only the selected checks count: convert passes on a merged eval side even though weights fail."""
        trainer, callback, _ = self.train("run_subset", max_steps=2, save_steps=2, stop_on_failure=True,
                                          checks=["convert"])
        self.assertEqual(trainer.state.global_step, 2)
        self.assertEqual([(r.step, r.passed, r.failed_checks) for r in callback.results], [(2, True, [])])

    def test_bad_input_names_the_checkpoint(self):
        run = self.tmp / "run_bad"
        (run / "checkpoint-3").mkdir(parents=True)  # no adapter inside: exit 2 from quantlens
        callback = QuantLensCallback(binary=self.binary, group_size=GROUP)
        with self.assertRaises(QuantLensError) as caught:
            callback.verify_checkpoint(run, 3)
        self.assertIn("checkpoint-3", str(caught.exception))
        self.assertIn("exit 2", str(caught.exception))
        # raise_on_error=False: on_save logs the error and training goes on.
        from types import SimpleNamespace
        from transformers import TrainerControl, TrainerState
        lenient = QuantLensCallback(binary=self.binary, group_size=GROUP, raise_on_error=False, stop_on_failure=True)
        state, control = TrainerState(global_step=3), TrainerControl()
        lenient.on_save(SimpleNamespace(output_dir=str(run), device=torch.device("cpu")), state, control)
        self.assertFalse(control.should_training_stop)
        self.assertEqual([step for step, _ in lenient.errors], [3])
        self.assertEqual([(e["quantlens/error"], e["step"]) for e in state.log_history], [(1.0, 3)])
        with self.assertRaises(QuantLensError) as missing:
            QuantLensCallback(binary=str(self.tmp / "no-such-quantlens"))
        self.assertIn("no-such-quantlens", str(missing.exception))


class CommandAndReportTest(unittest.TestCase):
    """The parts around the Trainer, without one: the command line and the report reader."""

    def test_forms_pass_only_to_an_executable_that_knows_them(self):
        old, new = frozenset({"--adapter"}), frozenset({"--adapter", "--eval-form", "--train-form", "--checks"})
        merged = VerifyOptions(eval_form="merged", group_size=32)
        self.assertNotIn("--eval-form", build_command("ql", "out", 2, "r.json", merged, old))
        cmd = build_command("ql", "out", 2, "r.json", merged, new)
        self.assertEqual(cmd[cmd.index("--eval-form") + 1], "merged")
        self.assertEqual(cmd[:6], ["ql", "verify", "--adapter", "out", "--checkpoint", "2"])
        with self.assertRaises(QuantLensError):
            build_command("ql", "out", 2, "r.json", VerifyOptions(eval_form="unmerged"), old)
        subset = VerifyOptions(checks=("weights", "logits"))
        self.assertNotIn("--checks", build_command("ql", "out", 2, "r.json", subset, old))
        self.assertIn("weights,logits", build_command("ql", "out", 2, "r.json", subset, new))

    def test_printed_config_goes_to_repr(self):
        class Config:  # stands in for a torchao config object: its str() is what print(config) shows
            def __str__(self):
                return "QATConfig(base_config=Int4WeightOnlyConfig(group_size=32), step='prepare')"
        cmd = build_command("ql", "out", 2, "r.json", VerifyOptions(quant_config=Config()), frozenset())
        self.assertEqual(cmd[cmd.index("--repr") + 1], str(Config()))

    def test_key_numbers_read_numbers_strings_and_missing_sections(self):
        report = {"checks": [{"kind": "weights", "status": "pass"}, {"kind": "logits", "status": "fail"},
                             {"kind": "adapter_merge", "status": "info"}],
                  "logits": {"diff": {"max_abs": "inf"}, "top1_agreement": 0.5},
                  "convert": {"deployments": [{"id": "merge_then_convert", "argmax_agreement": 0.1},
                                              {"id": "like_for_like", "argmax_agreement": "0.75"}]},
                  "weights": None, "verdict": "fail"}
        numbers = key_numbers(report)
        self.assertEqual(numbers["quantlens/weights_pass"], 1.0)
        self.assertEqual(numbers["quantlens/logits_pass"], 0.0)
        self.assertNotIn("quantlens/adapter_merge_pass", numbers)
        self.assertEqual(numbers["quantlens/checks_failed"], 1.0)
        self.assertEqual(numbers["quantlens/logits_max_abs"], float("inf"))
        self.assertEqual(numbers["quantlens/convert_argmax_agreement"], 0.75)
        self.assertNotIn("quantlens/weights_modules_differing", numbers)
        self.assertEqual(key_numbers({}), {"quantlens/checks_failed": 0.0})

    def test_without_the_trainer_numbers_still_reach_log_history(self):
        from transformers import TrainerState
        binary = os.environ.get("QUANTLENS_BIN") or shutil.which("quantlens")
        if not binary:
            self.skipTest("no quantlens executable: set QUANTLENS_BIN")
        state = TrainerState(global_step=6, epoch=1.5)
        QuantLensCallback(binary=binary)._log({"quantlens/passed": 1.0}, state)
        self.assertEqual(state.log_history, [{"quantlens/passed": 1.0, "epoch": 1.5, "step": 6}])


if __name__ == "__main__":
    t0 = time.time()
    program = unittest.main(exit=False, verbosity=2)
    print(f"test_trainer_callback: {time.time() - t0:.1f} s", file=sys.stderr)
    sys.exit(0 if program.result.wasSuccessful() else 1)
