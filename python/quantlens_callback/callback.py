"""QuantLensCallback: a transformers TrainerCallback that runs `quantlens verify` on every checkpoint the
Trainer saves (train side: the adapter unmerged on the QAT-prepared base, as training ran it; eval side:
the model as the evaluation path rebuilds it, by default the adapter merged with merge_and_unload), logs
the key numbers through the Trainer's log, and can stop training when a check fails.

TRL's trainers (SFTTrainer, DPOTrainer, ...) derive from transformers.Trainer and take it the same way.
"""
import logging
import os
from pathlib import Path

from transformers import TrainerCallback

from .cli import FORMS, QuantLensError, VerifyOptions, build_command, find_binary, run_verify, verify_flags
from .report import KNOWN_CHECKS

logger = logging.getLogger("quantlens_callback")


class QuantLensCallback(TrainerCallback):
    """Verify each saved checkpoint with quantlens.

    trainer           the Trainer this callback is added to. Needed for TensorBoard / W&B: the numbers go
                      through trainer.log(); without it they only reach state.log_history and this module's
                      logger (a warning says so once).
    stop_on_failure   set control.should_training_stop when a (selected) check fails.
    checks            check kinds that decide pass/fail (default: all; see report.KNOWN_CHECKS).
    prompts           a prompts file, or a list of prompt strings (written to report_dir/prompts.txt).
    report_dir        where reports go, one per checkpoint: <report_dir>/checkpoint-N.json
                      (default <output_dir>/quantlens/; the checkpoint folders are never written to).
    timeout           seconds one verify run may take (None: no limit).
    raise_on_error    True: a run that could not check (bad input, timeout, ...) raises QuantLensError and
                      ends training; False: it is logged as an error (quantlens/error = 1) and training goes on.
                      Checkpoints are looked up as <args.output_dir>/checkpoint-<global_step>, where the Trainer
                      writes them (hyperparameter-search trials, which write into run-<trial>/, are not found).
    binary            the quantlens executable (default $QUANTLENS_BIN, else `quantlens` on PATH).
    device_numerics   cuda | cpu; default: the Trainer's device type (whose rounding training used).
    torchao_version   default: the installed torchao's major.minor (the release training runs with).
    model, revision, scheme, group_size, quant_config, dtype, train_form, eval_form, device, extra_args:
                      as cli.VerifyOptions (quant_config may be the torchao config object training used).
    """

    def __init__(self, trainer=None, *, stop_on_failure=False, checks=None, prompts=None, report_dir=None,
                 timeout=None, raise_on_error=True, binary=None, model=None, revision=None, scheme=None,
                 group_size=None, quant_config=None, dtype=None, device_numerics=None, torchao_version=None,
                 train_form=None, eval_form="merged", device=None, extra_args=()):
        self.trainer = trainer
        self.stop_on_failure = stop_on_failure
        self.report_dir = report_dir
        self.timeout = timeout
        self.raise_on_error = raise_on_error
        self.prompts = prompts
        self.results = []  # VerifyResult of every checkpoint checked, in order
        self.errors = []   # (step, message) of every run that could not check (raise_on_error=False)
        self._warned_no_trainer = False
        if isinstance(checks, str):
            checks = [checks]
        self._check_choices(checks, train_form, eval_form)
        self.binary = find_binary(binary)  # fail at construction, before hours of training
        self.options = VerifyOptions(
            model=model, revision=revision, scheme=scheme, group_size=group_size, quant_config=quant_config,
            dtype=dtype, device_numerics=device_numerics, torchao_version=torchao_version,
            train_form=train_form, eval_form=eval_form, device=device,
            checks=tuple(checks) if checks else None, extra_args=tuple(extra_args))
        # An executable without the form flags is fine as long as the forms asked for are its defaults;
        # build the command once now so that a mismatch fails here, not at the first save.
        build_command(self.binary, "out", 0, "r.json", self.options, verify_flags(self.binary))

    @staticmethod
    def _check_choices(checks, train_form, eval_form):
        unknown = [c for c in (checks or ()) if c not in KNOWN_CHECKS]
        if unknown:
            raise ValueError(f"unknown check(s) {unknown}; known: {', '.join(KNOWN_CHECKS)}")
        for name, form in (("train_form", train_form), ("eval_form", eval_form)):
            if form is not None and form not in FORMS:
                raise ValueError(f"{name} must be one of {', '.join(FORMS)}, not {form!r}")

    # ---------------------------------------------------------------- Trainer events

    def on_save(self, args, state, control, **kwargs):
        """Called by the Trainer right after it wrote checkpoint-<global_step> (trainer.py,
        _maybe_log_save_evaluate: _save_checkpoint, then callback_handler.on_save). Only the main process
        runs verify; the stop decision is shared with the other processes."""
        stop = False
        error = None
        if state.is_world_process_zero:
            try:
                stop = self._verify_and_log(args, state)
            except QuantLensError as e:
                error, stop = e, self.raise_on_error
            except Exception as e:  # a bug, not a failed check: re-raised below, after the other processes know
                error, stop = e, True
        if _agree(stop, args):
            control.should_training_stop = True
        if error is not None:
            self._handle_error(error, state)
        return control

    # ---------------------------------------------------------------- one checkpoint

    def verify_checkpoint(self, output_dir, step, args=None):
        """Runs verify on <output_dir>/checkpoint-<step> and returns its VerifyResult (appended to
        self.results). Raises QuantLensError when the check could not run (the message names the folder)."""
        checkpoint = Path(output_dir) / f"checkpoint-{step}"
        if not checkpoint.is_dir():
            raise QuantLensError(f"quantlens: checkpoint folder {checkpoint} not found")
        report_dir = Path(self.report_dir) if self.report_dir else Path(output_dir) / "quantlens"
        opts = self._options_for(args, report_dir)
        result = run_verify(self.binary, output_dir, step, report_dir / f"checkpoint-{step}.json", opts,
                            timeout=self.timeout)
        self.results.append(result)
        return result

    def _verify_and_log(self, args, state):
        """Verify the checkpoint just saved, log its numbers; returns whether training should stop."""
        result = self.verify_checkpoint(args.output_dir, state.global_step, args)
        summary = (f"quantlens: checkpoint-{result.step} "
                   + ("passed" if result.passed else "FAILED: " + ", ".join(result.failed_checks))
                   + f" (report {result.report_path})")
        (logger.info if result.passed else logger.warning)(summary)
        self._log(dict(result.metrics), state)
        if not result.passed and self.stop_on_failure:
            logger.warning("quantlens: stopping training (stop_on_failure) after checkpoint-%d", result.step)
            return True
        return False

    def _options_for(self, args, report_dir):
        """The run's options with the defaults that depend on the training process filled in."""
        opts = VerifyOptions(**vars(self.options))
        if opts.device_numerics is None and args is not None:
            opts.device_numerics = "cuda" if getattr(args.device, "type", "cpu") == "cuda" else "cpu"
        if opts.torchao_version is None:
            opts.torchao_version = _torchao_release()
        if self.prompts is not None:
            opts.prompts_file = self._prompts_file(report_dir)
        return opts

    def _prompts_file(self, report_dir):
        if isinstance(self.prompts, (str, os.PathLike)):
            return str(self.prompts)
        path = report_dir / "prompts.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(p.replace("\n", " ") + "\n" for p in self.prompts), encoding="utf-8")
        return str(path)

    # ---------------------------------------------------------------- logging

    def _log(self, logs, state):
        """Sends `logs` where the Trainer's own metrics go.

        With the trainer: trainer.log(logs) (transformers/trainer.py, Trainer.log) appends
        {**logs, "epoch", "step"} to state.log_history and calls callback_handler.on_log, which is the
        path every reporting integration listens on (TensorBoardCallback, WandbCallback, MLflow, ...;
        transformers/integrations/integration_utils.py). A callback cannot add to the Trainer's own log
        dict instead: reporting callbacks are registered before user callbacks, so they have already
        consumed the on_log event by the time this one would see it, and on_save has no logs at all.
        Without the trainer, the numbers only reach state.log_history (and trainer_state.json)."""
        if self.trainer is not None:
            self.trainer.log(logs)
            return
        if not self._warned_no_trainer:
            logger.warning("quantlens: QuantLensCallback(trainer=None): numbers go to state.log_history only; "
                           "pass the trainer to see them in TensorBoard / W&B")
            self._warned_no_trainer = True
        entry = dict(logs)
        if state.epoch is not None:
            entry["epoch"] = state.epoch
        entry["step"] = state.global_step
        state.log_history.append(entry)

    def _handle_error(self, error, state):
        if self.raise_on_error or not isinstance(error, QuantLensError):
            raise error
        logger.error("%s", error)
        self.errors.append((state.global_step, str(error)))
        if state.is_world_process_zero:
            self._log({"quantlens/error": 1.0}, state)


def _torchao_release():
    """Installed torchao as "major.minor" (what `--torchao-version` takes), or None when not importable."""
    try:
        import torchao
    except ImportError:
        return None
    parts = str(getattr(torchao, "__version__", "")).split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 and parts[0].isdigit() else None


def _agree(flag, args):
    """The main process's flag on every process (torch.distributed broadcast from rank 0 when a process
    group with more than one process is up; the flag itself otherwise). Every process calls it at the same
    point (on_save runs on all of them), so the broadcast pairs up."""
    try:
        import torch.distributed as dist
    except ImportError:
        return flag
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() < 2:
        return flag
    box = [bool(flag)]
    dist.broadcast_object_list(box, src=0)
    return box[0]
