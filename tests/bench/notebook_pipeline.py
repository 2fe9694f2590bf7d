"""The seed notebook's steps as a script (torch + torchao + transformers + peft), on CPU or CUDA; run in a
child process by the bench drivers:

    python notebook_pipeline.py MODEL_DIR ADAPTER_DIR|- PROMPTS_FILE DEVICE THREADS OUT.json [--no-convert]

Section 1: the two QATConfig(Int4WeightOnlyConfig(group_size=128), step="prepare") compare equal as strings.
Sections 2-4 with an adapter: the training student = from_pretrained + quantize_(prepare) +
PeftModel.from_pretrained (kept unmerged); eval's reconstruction = a fresh from_pretrained + quantize_(prepare)
+ PeftModel.from_pretrained + merge_and_unload (section 4). Without an adapter both are load + prepare
(section 2). Parameters are compared by name (the student's `base_model.model.X.base_layer.weight` against
eval's `X.weight`; LoRA tensors have no counterpart), then both run every prompt (AutoTokenizer) and the
logit difference is taken (section 3): the notebook's (bf16 subtraction: the difference is rounded to
bf16) and, as `*_fp32`, the exact float32 difference of the same bf16 logits. Section 5: both are deleted; a fresh load + prepare (+ the adapter
merged, i.e. eval's deployed model), copy.deepcopy, quantize_(QATConfig(..., step="convert")), fake vs
real forward, argmax match.

torchao 0.18's PLAIN Int4Tensor calls mslk for int4_row_quantize_zp / pack_int4 and its bf16i4bf16_rowwise
matmul. Where mslk is not importable (CPU; the GPU image has none), the FBGEMM transcriptions of
tests/reference/ql_ref/fake_quant.py replace the first two and kernel_emulation is registered as
torch.ops.mslk.bf16i4bf16_rowwise for CPU and CUDA, applied to blocks of 8192 output rows so the fp32
dequant temporary stays bounded. The result names which one ran ("int4_impl").
"""
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def install_int4_standins():
    """Returns (keep-alive handle, "mslk" | "ql_ref emulation")."""
    sys.path.insert(0, str(HERE.parent / "reference"))
    from ql_ref.fake_quant import install_int4_standins as install
    return None, install()


def base_name(name: str) -> str:
    """A PeftModel parameter name as the merged (unloaded) model names it."""
    return name.removeprefix("base_model.model.").replace(".base_layer.", ".")


def run(model_dir: str, adapter_dir, prompts_file: str, device: str, threads: int, convert: bool) -> dict:
    t_start = time.perf_counter()
    import copy
    import gc
    import torch
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.qat import QATConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    if adapter_dir:
        from peft import PeftModel
    lib, int4_impl = install_int4_standins()  # noqa: F841 (lib keeps the op library alive)
    if threads > 0:
        torch.set_num_threads(threads)
    cuda = device == "cuda"
    prompts = [p for p in Path(prompts_file).read_text().splitlines() if p]
    times, r, t0 = {"imports": time.perf_counter() - t_start}, {"int4_impl": int4_impl}, time.perf_counter()

    def lap(name):
        nonlocal t0
        if cuda:
            torch.cuda.synchronize()
        times[name] = time.perf_counter() - t0
        t0 = time.perf_counter()

    qat = lambda step: QATConfig(Int4WeightOnlyConfig(group_size=128), step=step)
    load = lambda: AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16,
                                                        device_map=device if cuda else None)

    def eval_style():
        m = load()
        quantize_(m, qat("prepare"))
        return PeftModel.from_pretrained(m, adapter_dir).merge_and_unload() if adapter_dir else m

    assert str(qat("prepare")) == str(qat("prepare"))                                      # section 1
    model_train = load()                                                                  # section 2 / 4
    quantize_(model_train, qat("prepare"))
    if adapter_dir:
        model_train = PeftModel.from_pretrained(model_train, adapter_dir)  # the training student, unmerged
    model_eval = eval_style()
    lap("load+prepare(+adapter) x2")
    eval_params = dict(model_eval.named_parameters())
    mismatches, compared = 0, 0
    for n, p in model_train.named_parameters():
        q = eval_params.get(base_name(n))
        if q is None:
            continue
        compared += 1
        mismatches += not torch.equal(p, q)
    r.update(param_mismatches=mismatches, params_compared=compared)
    lap("compare parameters")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)                                  # section 3
    r["ids"], diffs, diffs32, agree = [], [], [], []
    with torch.no_grad():
        for p in prompts:
            x = tokenizer(p, return_tensors="pt").to(device)
            r["ids"].append(x["input_ids"][0].tolist())
            lt, le = model_train(**x).logits, model_eval(**x).logits
            diffs.append((lt - le).abs().float().flatten())  # the notebook's: difference rounded to bf16
            diffs32.append((lt.float() - le.float()).abs().flatten())  # exact difference of the bf16 logits
            agree.append((lt.argmax(-1) == le.argmax(-1)).flatten())
    d = torch.cat(diffs)
    r.update(logit_max=d.max().item(), logit_mean=d.mean().item(), logit_max_fp32=torch.cat(diffs32).max().item(),
             top1_agreement=torch.cat(agree).float().mean().item())
    lap("tokenize+forward x2")
    del model_train, model_eval, eval_params, diffs
    gc.collect()
    if cuda:
        r["cuda_max_allocated_sections_2_4"] = torch.cuda.max_memory_allocated()
        torch.cuda.empty_cache()
    if convert:                                                                           # section 5
        model_fake = eval_style()
        model_real = copy.deepcopy(model_fake)
        quantize_(model_real, qat("convert"))
        r["real_q_proj_weight"] = type(model_real.model.layers[0].self_attn.q_proj.weight).__name__
        lap("load+prepare+deepcopy+convert")
        fr, fr32, agree = [], [], []
        with torch.no_grad():
            for p in prompts:
                x = tokenizer(p, return_tensors="pt").to(device)
                lf, lr = model_fake(**x).logits, model_real(**x).logits
                fr.append((lf - lr).abs().float().flatten())
                fr32.append((lf.float() - lr.float()).abs().flatten())
                agree.append((lf.argmax(-1) == lr.argmax(-1)).flatten())
        a = torch.cat(agree)
        r.update(fake_vs_real_max=torch.cat(fr).max().item(), fake_vs_real_mean=torch.cat(fr).mean().item(),
                 fake_vs_real_max_fp32=torch.cat(fr32).max().item(),
                 predictions_match=bool(a.all()), fake_vs_real_argmax_agreement=a.float().mean().item())
        lap("forward fake vs real")
    if cuda:
        r.update(cuda_max_allocated=torch.cuda.max_memory_allocated(),
                 cuda_max_reserved=torch.cuda.max_memory_reserved(), cuda_device=torch.cuda.get_device_name())
    r["stages_s"] = times
    return r


if __name__ == "__main__":
    a = sys.argv[1:]
    result = run(a[0], None if a[1] == "-" else a[1], a[2], a[3], int(a[4]), "--no-convert" not in a[6:])
    Path(a[5]).write_text(json.dumps(result))
