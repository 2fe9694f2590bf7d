"""Reading a `quantlens verify` report JSON: check statuses and the key numbers worth a training curve.

Everything that knows the report's layout is in this file, so a schema change touches only it.
Every reader is defensive: a missing section or key gives no number, never an exception.
"""
import math

# The check kinds a report lists under `checks` (README, "Report JSON").
KNOWN_CHECKS = ("config", "weights", "logits", "activations", "convert", "adapter_merge")

PASS_STATUSES = ("pass",)
FAIL_STATUSES = ("fail", "error")  # skipped / info carry no verdict on the pair


def number(value):
    """A report value as a float: numbers as they are, the strings "inf", "-inf", "nan" (how the report
    writes non-finite numbers) and plain numeric strings converted; anything else (None, text, lists) None."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("inf", "+inf", "infinity"):
            return math.inf
        if text in ("-inf", "-infinity"):
            return -math.inf
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _get(obj, *keys):
    """obj[k0][k1]... with None as soon as a level is missing or not a dict (list indices allowed)."""
    for key in keys:
        if isinstance(obj, dict):
            obj = obj.get(key)
        elif isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
            obj = obj[key]
        else:
            return None
    return obj


def check_statuses(report):
    """{kind: status} of the report's `checks`, in report order; kinds and statuses as written."""
    statuses = {}
    for check in report.get("checks") or []:
        if isinstance(check, dict) and isinstance(check.get("kind"), str):
            statuses[check["kind"]] = str(check.get("status", ""))
    return statuses


def _like_for_like(report):
    """The convert deployment judged as evaluated (id like_for_like; else the first listed)."""
    deployments = _get(report, "convert", "deployments") or []
    for deployment in deployments:
        if isinstance(deployment, dict) and deployment.get("id") == "like_for_like":
            return deployment
    return deployments[0] if deployments and isinstance(deployments[0], dict) else None


def key_numbers(report, prefix="quantlens/"):
    """The numbers a training run plots, as {prefix + name: float}; names absent from the report are left out.

    <kind>_pass                   1 when that check passed, 0 when it failed or errored (skipped / info: absent)
    checks_failed                 how many checks failed or errored
    weights_modules_differing     Linear modules whose effective weight differs between train and eval
    weights_max_abs               largest |Δ| over those weights
    logits_max_abs, logits_mean_abs, logits_kl_mean, logits_top1_agreement (0..1)
    first_diverging_layer         first decoder layer whose hidden state differs (-1: none)
    convert_modules_codes_differ, convert_logits_max_abs, convert_argmax_agreement (0..1)
                                  the deployment converted as evaluated vs its fake-quant model
    verify_seconds                the verify run's wall time
    """
    out = {}
    statuses = check_statuses(report)
    for kind, status in statuses.items():
        if status in PASS_STATUSES:
            out[f"{kind}_pass"] = 1.0
        elif status in FAIL_STATUSES:
            out[f"{kind}_pass"] = 0.0
    out["checks_failed"] = float(sum(status in FAIL_STATUSES for status in statuses.values()))
    deployment = _like_for_like(report)
    sources = {
        "weights_modules_differing": _get(report, "weights", "modules_differing"),
        "weights_max_abs": _get(report, "weights", "overall", "max_abs"),
        "logits_max_abs": _get(report, "logits", "diff", "max_abs"),
        "logits_mean_abs": _get(report, "logits", "diff", "mean_abs"),
        "logits_kl_mean": _get(report, "logits", "kl_mean"),
        "logits_top1_agreement": _get(report, "logits", "top1_agreement"),
        "first_diverging_layer": _get(report, "activations", "first_diverging_layer"),
        "convert_modules_codes_differ": _get(deployment, "modules_codes_differ"),
        "convert_logits_max_abs": _get(deployment, "logits", "max_abs"),
        "convert_argmax_agreement": _get(deployment, "argmax_agreement"),
        "verify_seconds": report.get("wall_seconds"),
    }
    for name, value in sources.items():
        value = number(value)
        if value is not None:
            out[name] = value
    return {prefix + name: value for name, value in out.items()}
