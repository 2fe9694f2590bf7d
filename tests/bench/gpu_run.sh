#!/usr/bin/env bash
# tests/bench/gpu_run.sh: the whole device run of issue 14 in one `run` call, from the repository root, with
# `.gpu` carried (tests/bench/gpu_prepare.sh makes it; tests/bench/README.md "## GPU" gives the call).
#
# Stages, in this order, each under `timeout` within one overall budget so that a failing or slow stage
# still leaves time for the others' results:
#   setup   unpack .gpu/debs into /tmp/deps (never into /), install the torchao wheel into /tmp/site, and
#           start generating the checkpoints with the GPU in the background (written to /tmp)
#   build   QL_BUILD_UI=OFF, QL_WITH_CUDA=ON (sm_90), Release: quantlens, ql_gpu_tests and
#           ql_gpu_fused_compare_bench, -j16, in build-gpu/ (git-ignored, kept on a warm machine for a rerun).
#           QL_GPU_PREBUILT=1 uses .gpu/prebuilt/ instead; a failed build falls back to it when present.
#   tests   every test of ql_gpu_tests (the whole `gpu` label) with QL_REFERENCE_DIR=.gpu/ref; a skipped
#           test counts as a failure here
#   e2e     gpu_verify_vs_notebook.py run: Qwen3-4B-shaped + LoRA r16, quantlens --device cuda vs the
#           notebook's steps (torch + torchao + peft) on the same GPU
#   stream  quantlens alone on Llama-3-70B's shapes, first 20 layers (~38 GB), GPU memory capped at
#           QL_GPU_CAP_GB (default 16) GiB through PYTORCH_CUDA_ALLOC_CONF=per_process_memory_fraction
#   bench   ql_gpu_fused_compare_bench, only when at least 40 s are left
# Writes to $OUT (8 files at most): build.log gen.log gpu_tests.log e2e_4b.log e2e_4b.json stream_70b.log
# stream_70b.json summary.txt, and prints summary.txt last.
# Environment: QL_GPU_BUDGET_S (default 540: seconds for all stages), QL_GPU_PREBUILT=1, QL_GPU_CAP_GB,
# QL_GPU_SKIP (stages to skip, e.g. "stream bench"), QL_GPU_JOBS (default 16), QL_GPU_BUILD_S, QL_GPU_E2E_S,
# QL_GPU_STREAM_S (the stages' largest boxes: 300, 220, 240 s), QL_GPU_BUILD_DIR, OUT (default ./gpu-out).
# QL_GPU_DRY_CPU=1: a dry run without a GPU (CPU machine): --device cpu, 2-layer 4B and 1-layer 70B shapes,
# boxes of hours (with QL_GPU_JOBS=1 and the venv's python3 first in PATH).
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT" || exit 2
OUT="${OUT:-$ROOT/gpu-out}"
mkdir -p "$OUT"
DRY="${QL_GPU_DRY_CPU:-0}"
BUDGET="${QL_GPU_BUDGET_S:-540}"; [[ "$DRY" == 1 ]] && BUDGET="${QL_GPU_BUDGET_S:-30000}"
CAP_GB="${QL_GPU_CAP_GB:-16}"
SKIP=" ${QL_GPU_SKIP:-} "
JOBS="${QL_GPU_JOBS:-16}"
DEVICE=cuda LAYERS4B=0 LAYERS70B=20 BUILD_S="${QL_GPU_BUILD_S:-300}" E2E_S="${QL_GPU_E2E_S:-220}" \
    STREAM_S="${QL_GPU_STREAM_S:-240}"
[[ "$DRY" == 1 ]] && DEVICE=cpu LAYERS4B=2 LAYERS70B=1 BUILD_S="${QL_GPU_BUILD_S:-20000}" \
    E2E_S="${QL_GPU_E2E_S:-1800}" STREAM_S="${QL_GPU_STREAM_S:-1800}"
BUILD="${QL_GPU_BUILD_DIR:-$ROOT/build-gpu}"
DEPS=/tmp/deps
BIN=/tmp/ql-bin                      # wrappers that set the library path, then exec the real binary
WORK4B=/tmp/ql_bench_qwen3-4b
WORK70B=/tmp/ql_bench_llama3-70b
STAGES=/tmp/ql-gpu-stages.txt
export PYTHONUNBUFFERED=1

left() { echo $((BUDGET - SECONDS)); }
clamp() { local want=$1 reserve=$2 l; l=$(( $(left) - reserve )); (( l < want )) && want=$l; (( want < 5 )) && want=5; echo "$want"; }
note() { printf '%s %s %s %s\n' "$1" "$2" "$3" "${4:-}" >> "$STAGES"; echo "== stage $1: $2 (${3}s) ${4:-}"; }
skipped() { [[ "$SKIP" == *" $1 "* ]]; }

setup() {
    rm -rf "$BIN"; mkdir -p "$DEPS" "$BIN"
    for f in .gpu/debs/*.deb; do dpkg -x "$f" "$DEPS"; done
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site \
        .gpu/wheels/*.whl
    export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
    TORCH_LIB="$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
    export TORCH_LIB
    { echo "## machine"; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
      python3 -c 'import sys, torch, transformers, peft, torchao; print(sys.version.split()[0], torch.__version__, "transformers", transformers.__version__, "peft", peft.__version__, "torchao", torchao.__version__)'
      nvcc --version | tail -2; cmake --version | head -1; (c++ --version || true) | head -1
      (ldd --version || true) | head -1; nproc; free -g | head -2; df -h /tmp "$ROOT" | tail -n +1
    } >> "$OUT/build.log" 2>&1
}

# Generates the 4B checkpoint, then the 70B one when /tmp has room for both (else the stream stage makes it).
start_generation() {
    (
        skipped e2e || python3 tests/bench/gpu_verify_vs_notebook.py gen --shape qwen3-4b --layers "$LAYERS4B" \
            --device "$DEVICE" --work "$WORK4B"
        local free_gb; free_gb=$(df -BG --output=avail /tmp | tail -1 | tr -dc 0-9)
        if skipped stream; then exit 0; fi
        if (( free_gb > 50 )); then
            python3 tests/bench/gpu_verify_vs_notebook.py gen --shape llama3-70b --layers "$LAYERS70B" \
                --device "$DEVICE" --work "$WORK70B"
        else
            echo "only ${free_gb} GB free in /tmp: the 70B checkpoint is generated after the 4B stage"
        fi
    ) >> "$OUT/gen.log" 2>&1 &
    GEN_PID=$!
}

wait_generation() {  # waits at most $1 seconds for the background generation
    local until=$((SECONDS + $1))
    while kill -0 "$GEN_PID" 2>/dev/null && (( SECONDS < until )); do sleep 1; done
    ! kill -0 "$GEN_PID" 2>/dev/null
}

wrap() {  # wrap EXE NAME: $BIN/NAME runs EXE with the carried libraries and the device's libtorch
    # shellcheck disable=SC2016  # $LD_LIBRARY_PATH and $@ are expanded by the wrapper, not here
    printf '#!/bin/sh\nexport LD_LIBRARY_PATH=%s:%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\nexec %s "$@"\n' \
        "$TORCH_LIB" "$DEPS/usr/lib/x86_64-linux-gnu" "$1" > "$BIN/$2"
    chmod +x "$BIN/$2"
}

use_binaries() {  # use_binaries DIR_OF_quantlens DIR_OF_ql_gpu_tests DIR_OF_bench
    wrap "$1/quantlens" quantlens
    wrap "$2/ql_gpu_tests" ql_gpu_tests
    wrap "$3/ql_gpu_fused_compare_bench" ql_gpu_fused_compare_bench
}

build() {  # build SECONDS: configure + build the three targets within that time
    local pc
    pc="$(command -v pkg-config)" || { wrap "$DEPS/usr/bin/pkgconf" pkgconf; pc="$BIN/pkgconf"; }
    export PKG_CONFIG_SYSROOT_DIR="$DEPS"
    export PKG_CONFIG_LIBDIR="$DEPS/usr/lib/x86_64-linux-gnu/pkgconfig:$DEPS/usr/share/pkgconfig"
    # shellcheck disable=SC2016  # the inner script gets its paths as $0..$3
    timeout -k 5 "$1" bash -c '
        cmake -S . -B "$0" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQL_BUILD_UI=OFF -DQL_WITH_CUDA=ON \
            -DQL_BUILD_BENCH=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DQL_PYTHON="$(command -v python3)" \
            -DCMAKE_PREFIX_PATH="$1/usr" -DPKG_CONFIG_EXECUTABLE="$2" -DQL_REFERENCE_DIR="$3" \
            -DCMAKE_POLICY_VERSION_MINIMUM=3.5 -DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST \
        && cmake --build "$0" -j"$4" --target quantlens ql_gpu_tests ql_gpu_fused_compare_bench' \
        "$BUILD" "$DEPS" "$pc" "$ROOT/.gpu/ref" "$JOBS" >> "$OUT/build.log" 2>&1
}

stage_build() {
    local t0=$SECONDS box
    if [[ "${QL_GPU_PREBUILT:-0}" == 1 ]]; then
        use_binaries .gpu/prebuilt .gpu/prebuilt .gpu/prebuilt
        if "$BIN/quantlens" --version >> "$OUT/build.log" 2>&1; then
            note build prebuilt 0 ".gpu/prebuilt (QL_GPU_PREBUILT=1)"; return
        fi
        echo "the prebuilt quantlens does not start here: building instead" >> "$OUT/build.log"
    fi
    box=$(clamp "$BUILD_S" 210)
    if build "$box"; then
        use_binaries "$BUILD/app" "$BUILD/tests" "$BUILD/tests/bench"
        note build ok $((SECONDS - t0)) "build-gpu, box ${box}s"
    elif [[ -x .gpu/prebuilt/quantlens ]]; then
        use_binaries .gpu/prebuilt .gpu/prebuilt .gpu/prebuilt
        note build FAILED $((SECONDS - t0)) "box ${box}s; using .gpu/prebuilt (see build.log)"
    else
        note build FAILED $((SECONDS - t0)) "box ${box}s; see build.log"
    fi
    tail -25 "$OUT/build.log"
}

have() {  # have NAME STAGE: true when $BIN/NAME exists, else notes the stage as failed
    [[ -x "$BIN/$1" ]] && return 0
    note "$2" FAILED 0 "no $1 binary (build failed)"; return 1
}

stage_tests() {
    have ql_gpu_tests tests || return
    local t0=$SECONDS box rc passed skipped failed
    box=$(clamp 100 150)
    QL_REFERENCE_DIR="$ROOT/.gpu/ref" timeout -k 5 "$box" "$BIN/ql_gpu_tests" > "$OUT/gpu_tests.log" 2>&1
    rc=$?
    # one line per test ends in "(N ms)"; gtest's closing lists repeat the names without it
    passed=$(grep -c '^\[       OK \] .* ([0-9]* ms)$' "$OUT/gpu_tests.log")
    skipped=$(grep -c '^\[  SKIPPED \] .* ([0-9]* ms)$' "$OUT/gpu_tests.log")
    failed=$(grep -c '^\[  FAILED  \] .* ([0-9]* ms)$' "$OUT/gpu_tests.log")
    local status=ok
    (( rc != 0 || skipped > 0 || passed == 0 )) && status=FAILED
    note tests "$status" $((SECONDS - t0)) "exit $rc; $passed passed, $skipped skipped, $failed failed"
    grep -E '^\[  (FAILED|SKIPPED) \] .* ms\)$|bit-identical|^\[  PASSED' "$OUT/gpu_tests.log" | head -40
}

stage_e2e() {
    have quantlens e2e || return
    local t0=$SECONDS box rc
    box=$(clamp "$E2E_S" 90)
    if ! wait_generation "$((box / 2))"; then
        note e2e FAILED $((SECONDS - t0)) "checkpoint generation unfinished (gen.log)"; return
    fi
    local rest=$((box - (SECONDS - t0)))  # each side gets half of what is left, the driver a margin
    timeout -k 5 "$rest" python3 tests/bench/gpu_verify_vs_notebook.py run \
        --quantlens "$BIN/quantlens" --shape qwen3-4b --layers "$LAYERS4B" --device "$DEVICE" --work "$WORK4B" \
        --timeout "$(( rest / 2 - 5 ))" --out "$OUT/e2e_4b.json" > "$OUT/e2e_4b.log" 2>&1
    rc=$?
    note e2e "$([[ $rc == 0 ]] && echo ok || echo FAILED)" $((SECONDS - t0)) "exit $rc"
    tail -15 "$OUT/e2e_4b.log"
}

stage_stream() {
    have quantlens stream || return
    local t0=$SECONDS box rc
    box=$(clamp "$STREAM_S" 25)
    wait_generation "$((box / 2))" || kill "$GEN_PID" 2>/dev/null
    [[ -f "$WORK70B/model/.ql-bench-stamp.json" ]] || rm -rf "$WORK4B"  # make room when it is still to come
    # a no-op when the background job made it (matching stamps)
    timeout -k 5 "$((box - (SECONDS - t0)))" python3 tests/bench/gpu_verify_vs_notebook.py gen --shape llama3-70b \
        --layers "$LAYERS70B" --device "$DEVICE" --work "$WORK70B" >> "$OUT/gen.log" 2>&1
    local rest=$((box - (SECONDS - t0)))
    timeout -k 5 "$rest" python3 tests/bench/gpu_verify_vs_notebook.py run \
        --quantlens "$BIN/quantlens" --shape llama3-70b --layers "$LAYERS70B" --device "$DEVICE" --work "$WORK70B" \
        --skip-python --timeout "$(( rest - 10 ))" \
        --gpu-cap-gb "$CAP_GB" --out "$OUT/stream_70b.json" > "$OUT/stream_70b.log" 2>&1
    rc=$?
    note stream "$([[ $rc == 0 ]] && echo ok || echo FAILED)" $((SECONDS - t0)) "exit $rc, cap ${CAP_GB} GiB"
    tail -12 "$OUT/stream_70b.log"
}

stage_bench() {
    have ql_gpu_fused_compare_bench bench || return
    local t0=$SECONDS
    if (( $(left) < 40 )); then note bench skipped 0 "only $(left) s left"; return; fi
    { echo; echo "## ql_gpu_fused_compare_bench"; } >> "$OUT/gpu_tests.log"
    timeout -k 5 "$(( $(left) - 15 ))" "$BIN/ql_gpu_fused_compare_bench" --benchmark_min_time=0.2 \
        >> "$OUT/gpu_tests.log" 2>&1
    local rc=$?
    note bench "$([[ $rc == 0 ]] && echo ok || echo FAILED)" $((SECONDS - t0)) "exit $rc (in gpu_tests.log)"
}

main() {  # one function, so that bash has read all of it before it starts (an edit meanwhile is harmless)
    exec 9> /tmp/ql-gpu-run.lock
    flock -n 9 || { echo "another gpu_run.sh is running"; return 2; }
    : > "$STAGES"
    SECONDS=0
    setup; note setup ok "$SECONDS"
    start_generation
    skipped build || stage_build
    skipped tests || stage_tests
    skipped e2e || stage_e2e
    skipped stream || stage_stream
    skipped bench || stage_bench
    kill "$GEN_PID" 2>/dev/null
    python3 tests/bench/gpu_verify_vs_notebook.py summary --stages "$STAGES" --json "$OUT/e2e_4b.json" \
        "$OUT/stream_70b.json" > "$OUT/summary.txt" 2>&1
    cat "$OUT/summary.txt"
}

main "$@"
exit
