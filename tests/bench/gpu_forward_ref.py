#!/usr/bin/env python3
"""transformers' bf16 logits of the tiny forward-reference checkpoints on one device, for the gpu test
tests/gpu/forward_gpu_test.cpp (issue 14: QuantLens' forward vs transformers on CUDA, same GPU).

Usage: gpu_forward_ref.py --ref DIR [--device cuda]

Reads DIR/forward/index.json (written by tests/reference/ql_ref/forward.py) and, for every forward case in
bfloat16 (eager and sdpa), takes the prompts' token ids from the CPU reference file, loads the checkpoint
(DIR/checkpoints/<model>) with AutoModelForCausalLM.from_pretrained(dtype=torch.bfloat16,
attn_implementation=<attn>) on --device and writes its logits to DIR/forward_device/<file> (ids.<p>,
logits.<p>, as the CPU reference names them) with DIR/forward_device/index.json
{"device", "device_name", "torch", "transformers", "cases": [...]}. With --device cpu the logits equal
the CPU reference's bit for bit (a check of this script; it prints the count).
"""
import argparse
import json
import sys
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file


@torch.no_grad()
def run_case(ref: Path, case: dict, device: str, out: Path) -> dict:
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(ref / "checkpoints" / case["model"], dtype=torch.bfloat16,
                                                 attn_implementation=case["attn"]).to(device).eval()
    tensors, same_as_cpu = {}, 0
    with safe_open(str(ref / "forward" / case["file"]), "pt") as cpu_ref:
        for p in range(len(case["prompts"])):
            ids = cpu_ref.get_tensor(f"ids.{p}")
            logits = model(input_ids=ids.to(device)).logits.cpu().contiguous()
            tensors[f"ids.{p}"], tensors[f"logits.{p}"] = ids, logits
            same_as_cpu += int(torch.equal(logits, cpu_ref.get_tensor(f"logits.{p}")))
    save_file(tensors, str(out / case["file"]), metadata={"format": "pt"})
    return dict(case, same_as_cpu_reference=same_as_cpu)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", type=Path, required=True, help="the reference folder (QL_REFERENCE_DIR)")
    ap.add_argument("--device", default="cuda")
    args = ap.parse_args()
    import transformers
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    index = json.loads((args.ref / "forward" / "index.json").read_text())
    out = args.ref / "forward_device"
    out.mkdir(parents=True, exist_ok=True)
    cases = [run_case(args.ref, c, args.device, out) for c in index["cases"]
             if c["kind"] == "forward" and c["dtype"] == "bfloat16"]
    name = torch.cuda.get_device_name() if args.device.startswith("cuda") else "cpu"
    (out / "index.json").write_text(json.dumps({
        "device": args.device.split(":")[0], "device_name": name, "torch": torch.__version__,
        "transformers": transformers.__version__, "cases": cases}, indent=1))
    same = sum(c["same_as_cpu_reference"] for c in cases)
    total = sum(len(c["prompts"]) for c in cases)
    print(f"gpu_forward_ref: {len(cases)} bf16 cases on {name}; {same}/{total} prompts' logits equal the CPU reference")
    return 0 if cases else 1


if __name__ == "__main__":
    sys.exit(main())
