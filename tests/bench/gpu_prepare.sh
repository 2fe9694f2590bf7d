#!/usr/bin/env bash
# tests/bench/gpu_prepare.sh [--prebuilt BUILD_DIR]: makes .gpu/ (git-ignored) for tests/bench/gpu_run.sh.
# Run here, on the CPU machine, from the repository that the device call will send (the lead's checkout).
#   .gpu/debs      the Debian 12 packages the build needs (apt-get download; gpu_run.sh unpacks them into
#                  /tmp/deps on the device, never into /): headers, CMake configs and shared libraries of
#                  spdlog, fmt, yaml-cpp, GoogleTest, nlohmann-json, CLI11, PCRE2, utf8proc, Google Benchmark,
#                  and pkgconf in case the device has no pkg-config
#   .gpu/wheels    torchao 0.18.0 (cp310-abi3, manylinux_2_28: runs on the device's Python 3.12)
#   .gpu/ref       tests/reference/make_reference.py --only fake_quant, keeping only what tests/gpu read
#                  (manifest.json, convert_manifest.json, int4_plain_{cpu,cuda} and convert_int4 safetensors)
#   .gpu/prebuilt  with --prebuilt BUILD_DIR: stripped quantlens, ql_gpu_tests, ql_gpu_fused_compare_bench
#                  from a QL_BUILD_UI=OFF QL_WITH_CUDA=ON build made here (gpu_run.sh's fallback, or its
#                  QL_GPU_PREBUILT=1 to skip the build on the device)
# Idempotent: each part is skipped when present. Prints the size of .gpu (the carry limit is 64 MiB
# together with the working tree).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="${QL_PYTHON:-$HOME/.cache/quantlens/venv/bin/python}"
DEBS=(libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libyaml-cpp-dev libyaml-cpp0.7 libgtest-dev libgmock-dev
      nlohmann-json3-dev libcli11-dev libpcre2-dev libpcre2-8-0 libpcre2-16-0 libpcre2-32-0 libpcre2-posix3
      libutf8proc-dev libutf8proc2 libbenchmark-dev libbenchmark1debian pkgconf pkgconf-bin libpkgconf3)
REF_KEEP='^(manifest\.json|convert_manifest\.json|int4_plain_cpu\.safetensors|int4_plain_cuda\.safetensors|convert_int4\.safetensors|\.stamp|versions\.json)$'

exclude="$(git rev-parse --git-path info/exclude)"
grep -qx '/.gpu/' "$exclude" 2>/dev/null || { mkdir -p "$(dirname "$exclude")"; echo '/.gpu/' >> "$exclude"; }
mkdir -p .gpu/debs .gpu/wheels

if [ -z "$(ls .gpu/debs/*.deb 2>/dev/null)" ]; then
    (cd .gpu/debs && apt-get download "${DEBS[@]}")
fi
if [ -z "$(ls .gpu/wheels/torchao-0.18.0-*.whl 2>/dev/null)" ]; then
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_24_x86_64 --platform manylinux2014_x86_64 \
        -d .gpu/wheels torchao==0.18.0
fi
if [ ! -f .gpu/ref/fake_quant/manifest.json ]; then
    "$PY" tests/reference/make_reference.py --out .gpu/ref --only fake_quant
    find .gpu/ref/fake_quant -maxdepth 1 -type f | while read -r f; do
        [[ "$(basename "$f")" =~ $REF_KEEP ]] || rm -f "$f"
    done
fi
if [ "${1:-}" = "--prebuilt" ]; then
    build="${2:?--prebuilt needs the build dir}"
    mkdir -p .gpu/prebuilt
    for exe in app/quantlens tests/ql_gpu_tests tests/bench/ql_gpu_fused_compare_bench; do
        strip --strip-unneeded -o ".gpu/prebuilt/$(basename "$exe")" "$build/$exe"
    done
fi
du -sh .gpu/* >&2
du -sh .gpu >&2
