#!/usr/bin/env bash
# Run the libFuzzer harnesses of tests/fuzz for SECONDS each (default 60):
#   scripts/fuzz.sh [SECONDS] [HARNESS...]        harnesses: csv events table model (all)
# Builds them with clang into build-fuzz/ (CK_FUZZ_BUILD_DIR), the library instrumented
# with ASan+UBSan, installing clang and its libFuzzer (libclang-rt-14-dev) when missing.
# Each harness starts from its seeds (tests/fuzz/corpus/<harness>/) and the inputs earlier
# runs found (out/fuzz/corpus/<harness>/, kept between runs, not committed). A crash, leak,
# timeout or sanitizer report stops that harness and is saved as out/fuzz/<harness>/crash-*
# (leak-*, timeout-*, oom-*); the script then exits 1 after running the others. Replay one:
#   build-fuzz/tests/fuzz/fuzz_<harness> out/fuzz/<harness>/crash-...
# and keep it as tests/fuzz/regressions/<harness>/<name> (ctest fuzz.<harness> replays it).
# CK_FUZZ_SEED fixes libFuzzer's random seed (scripts/test.sh passes 1); extra libFuzzer
# flags may follow in CK_FUZZ_FLAGS. `scripts/fuzz.sh --check` only says (exit 0 or 1)
# whether clang links libFuzzer programs here, installing nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Whether clang links a libFuzzer program here.
have_libfuzzer() {
    command -v clang >/dev/null 2>&1 || return 1
    local bin
    bin=$(mktemp)
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' |
        clang -fsanitize=fuzzer,address -x c - -o "$bin" >/dev/null 2>&1
    local status=$?
    rm -f "$bin"
    return $status
}

if [ "${1:-}" = --check ]; then
    have_libfuzzer
    exit
fi
seconds=60
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(csv events table model)
for h in "${harnesses[@]}"; do
    [ -f "tests/fuzz/fuzz_$h.c" ] || { echo "fuzz: no harness '$h' (tests/fuzz/fuzz_$h.c)" >&2; exit 2; }
done

if ! have_libfuzzer; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "fuzz: installing clang libclang-rt-14-dev (libFuzzer)" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
    have_libfuzzer || { echo "fuzz: clang cannot link -fsanitize=fuzzer" >&2; exit 1; }
fi

build_dir=${CK_FUZZ_BUILD_DIR:-build-fuzz}
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    CC=clang cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCK_BUILD_FUZZERS=ON \
        -DCK_BUILD_TOOLS=OFF >/dev/null
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]}" >/dev/null

status=0
found=()
for h in "${harnesses[@]}"; do
    mkdir -p "out/fuzz/corpus/$h" "out/fuzz/$h"
    log="out/fuzz/$h.log"
    echo "fuzz: $h for ${seconds} s (log $log)"
    # -timeout: one input may take 10 s; -rss_limit_mb: 2 GB is a leak or a blow-up
    if "$build_dir/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -seed="${CK_FUZZ_SEED:-0}" -print_final_stats=1 -artifact_prefix="out/fuzz/$h/" \
        ${CK_FUZZ_FLAGS:-} "out/fuzz/corpus/$h" "tests/fuzz/corpus/$h" >"$log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$log" |
            sed 's/^stat::/  /' || true
    else
        status=1
        found+=("$h")
        grep -E 'ERROR:|runtime error|invariant failed|Test unit written' "$log" | head -5 |
            sed 's/^/  /' || true
    fi
done
if [ $status != 0 ]; then
    echo "fuzz: findings in ${found[*]}: see out/fuzz/<harness>/ and the logs" >&2
fi
exit $status
