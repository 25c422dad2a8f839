#!/usr/bin/env bash
# The test command: install and build (setup.sh), run ctest, then the same tests in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/), then each libFuzzer
# harness of tests/fuzz for 25 s (scripts/fuzz.sh; skipped, saying so, when clang's
# libFuzzer cannot be installed). After each ctest run it names the tests that were
# skipped (an optional peer absent), so a skip is never silent.
#   scripts/test.sh --deep   also runs ctest label valgrind: the unit programs, CLI cases,
#                            bad inputs and fuzz replays under valgrind (about 12 minutes
#                            more on 2 cores; the CLI half alone: -L valgrind -LE unit)
set -euo pipefail
cd "$(dirname "$0")/.."
deep=0
case "${1:-}" in
"") ;;
--deep) deep=1 ;;
*) echo "usage: scripts/test.sh [--deep]" >&2; exit 2 ;;
esac

# ctest in build dir $1, with any further ctest arguments (the environment passes through);
# then the skipped tests, by name. Returns ctest's status.
run_ctest() {
    local log status=0 dir=$1
    shift
    log=$(mktemp)
    ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" "$@" | tee "$log" || status=$?
    # ctest lists them after its summary: "  93 - render.eval_report (Skipped)"
    local skipped
    skipped=$(sed -n 's/^[[:space:]]*[0-9][0-9]* - \(.*\) (Skipped)$/\1/p' "$log" | paste -sd ' ')
    rm -f "$log"
    echo "test: skipped in $dir${*:+ ($*)}: ${skipped:-none}"
    return $status
}

scripts/setup.sh
# Optional test peers: headless Chromium (renders churn-eval's report; python3-pil checks
# the pixels) and PostgreSQL (runs churn-predict --emit-sql's expression). Their tests skip
# with a message when a package cannot be installed, so a failure here only warns.
optional=()
command -v chromium >/dev/null 2>&1 || optional+=(chromium)
/usr/bin/python3 -c 'import PIL' >/dev/null 2>&1 || optional+=(python3-pil)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || optional+=(postgresql)
/usr/bin/python3 -c 'import scipy, mpmath' >/dev/null 2>&1 || optional+=(python3-scipy python3-mpmath)
# clang and its libFuzzer for the fuzz step; valgrind for --deep.
scripts/fuzz.sh --check || optional+=(clang libclang-rt-14-dev)
((deep == 0)) || command -v valgrind >/dev/null 2>&1 || optional+=(valgrind)
if ((${#optional[@]})); then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "test: installing ${optional[*]} (optional test peers)" >&2
    { $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${optional[@]}" >/dev/null; } ||
        echo "test: warning: could not install ${optional[*]}; those tests will skip" >&2
fi
run_ctest build

CK_BUILD_DIR=build-asan CK_CMAKE_ARGS="-DCK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" scripts/setup.sh
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build-asan

# Fuzzing, short: each harness for 25 s from its seeds, with a fixed libFuzzer seed; a
# crash fails the run (its input is in out/fuzz/<harness>/).
if scripts/fuzz.sh --check; then
    CK_FUZZ_SEED=1 scripts/fuzz.sh 25
else
    echo "test: skipped: fuzz (clang's libFuzzer is not installed)"
fi

if ((deep)); then
    # Valgrind tests belong to the configuration "valgrind", which plain ctest leaves out.
    run_ctest build -C valgrind -L valgrind
fi
