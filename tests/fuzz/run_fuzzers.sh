#!/usr/bin/env bash
# Runs the libFuzzer targets one at a time, each for SECONDS, with seed corpora gathered from the
# repository (tests/data, tests/corpus) and the Python reference data, and prints each run's last
# status line (execs, coverage, corpus) and any crash file.
#
#   tests/fuzz/run_fuzzers.sh FUZZ_BUILD_DIR REFERENCE_DIR SECONDS [target ...]
#
# FUZZ_BUILD_DIR: configured with CC=clang CXX=clang++ -DQL_BUILD_FUZZ=ON -DQL_WITH_TORCH=OFF (see
# tests/fuzz/CMakeLists.txt); REFERENCE_DIR: what tests/reference/make_reference.py wrote. Targets
# default to all. Runs under `nice -n 10`; QL_FUZZ_TIMEOUT sets libFuzzer's per-input timeout (default 20 s). Work files go to FUZZ_BUILD_DIR/fuzz-runs/<target>/.
set -euo pipefail
BUILD="$1"; REF="$2"; SECONDS_EACH="$3"; shift 3
TIMEOUT="${QL_FUZZ_TIMEOUT:-20}"  # seconds one input may take (libFuzzer -timeout)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(recipe_yaml torchao_config torchao_repr adapter_config tokenizer_json
                                     trainer_state model_config report_json safetensors_header)

seed() {  # seed DIR FILE...: copies the existing files into the seed folder under unique names
    local dir="$1"; shift
    mkdir -p "$dir"
    local i=0
    for f in "$@"; do
        [ -f "$f" ] || continue
        cp "$f" "$dir/seed-$i-$(basename "$f")"; i=$((i + 1))
    done
}

small_tokenizer() {  # a few-hundred-token cut of a reference tokenizer.json (keeps its pipeline)
    python3 - "$1" "$2" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1], encoding="utf-8"))
vocab = {k: v for k, v in t["model"]["vocab"].items() if v < 400}
def parts(m):
    return m.split(" ") if isinstance(m, str) else m
t["model"]["vocab"] = vocab
t["model"]["merges"] = [m for m in t["model"]["merges"] if all(p in vocab for p in parts(m)) and "".join(parts(m)) in vocab][:200]
t["added_tokens"] = [a for a in t.get("added_tokens", [])][:4]
json.dump(t, open(sys.argv[2], "w", encoding="utf-8"))
EOF
}

seeds_for() {
    local t="$1" dir="$2"
    case "$t" in
    recipe_yaml) seed "$dir" "$ROOT"/tests/data/recipes/*/*.yaml "$ROOT"/tests/corpus/rc_*/train.yaml "$REF"/scenarios/*/*.yaml ;;
    torchao_config) seed "$dir" "$REF"/quant_configs/*.json ;;
    torchao_repr) seed "$dir" "$REF"/quant_configs/*.repr.txt ;;
    adapter_config) seed "$dir" "$REF"/checkpoints/*/adapter_config.json "$REF"/checkpoints/*/*/adapter_config.json \
                         "$ROOT"/tests/corpus/ad_*/adapter_config.json ;;
    tokenizer_json) mkdir -p "$dir"
                    for name in qwen2 llama3 gpt2; do
                        [ -f "$REF/tokenizer/$name/tokenizer.json" ] && small_tokenizer "$REF/tokenizer/$name/tokenizer.json" "$dir/seed-$name.json"
                    done ;;
    trainer_state) seed "$dir" "$REF"/checkpoints/*/*/trainer_state.json "$ROOT"/tests/corpus/ts_*/trainer_state.json ;;
    model_config) seed "$dir" "$REF"/checkpoints/*/config.json "$ROOT"/tests/corpus/cfg_*/config.json ;;
    report_json) seed "$dir" "$REF"/reports/*.json "$ROOT"/tests/fuzz/seeds/report_json/*.json ;;
    safetensors_header) seed "$dir" "$ROOT"/tests/corpus/st_*/model.safetensors ;;
    esac
}

for t in "${TARGETS[@]}"; do
    exe="$BUILD/tests/fuzz/ql_${t}_fuzz"
    [ -x "$exe" ] || { echo "$t: $exe not built"; continue; }
    work="$BUILD/fuzz-runs/$t"
    rm -rf "$work"; mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
    seeds_for "$t" "$work/seeds"
    echo "== $t: $(ls "$work/seeds" | wc -l) seeds, ${SECONDS_EACH}s"
    (cd "$work" && nice -n 10 "$exe" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout="$TIMEOUT" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$work/seeds" >"$work/log" 2>&1) || true
    grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$work/log" | tail -1
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log" || true
    # libFuzzer's timeout and slow-unit limits are wall-clock: a run paused from outside (SIGSTOP on
    # a shared machine) reports the unit it was on. Each artifact is re-run alone to tell them apart.
    for a in "$work"/artifacts/*; do
        [ -f "$a" ] || continue
        alone=$("$exe" -timeout="$TIMEOUT" -rss_limit_mb=2048 "$a" 2>&1 | grep -Eo "in [0-9]+ ms" || echo "failed alone")
        echo "  finding: $(basename "$a") (re-run alone: $alone)"
    done
done
