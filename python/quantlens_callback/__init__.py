"""quantlens_callback: run `quantlens verify` on every checkpoint a transformers / TRL Trainer saves.

    from quantlens_callback import QuantLensCallback
    callback = QuantLensCallback(trainer, group_size=32, stop_on_failure=True)
    trainer.add_callback(callback)
"""
from .callback import QuantLensCallback
from .cli import QuantLensError, VerifyOptions, VerifyResult, find_binary, run_verify
from .report import KNOWN_CHECKS, check_statuses, key_numbers

__all__ = ["QuantLensCallback", "QuantLensError", "VerifyOptions", "VerifyResult", "find_binary", "run_verify",
           "KNOWN_CHECKS", "check_statuses", "key_numbers"]
__version__ = "0.1.0"
