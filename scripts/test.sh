#!/usr/bin/env bash
# The test command: install and build (setup.sh), run ctest, then the same tests in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/). After each ctest run it
# names the tests that were skipped (an optional peer absent), so a skip is never silent.
set -euo pipefail
cd "$(dirname "$0")/.."

# ctest in build dir $1 (the environment passes through); then the skipped tests, by name.
# Returns ctest's status.
run_ctest() {
    local log status=0
    log=$(mktemp)
    ctest --test-dir "$1" --output-on-failure -j "$(nproc)" | tee "$log" || status=$?
    # ctest lists them after its summary: "  93 - render.eval_report (Skipped)"
    local skipped
    skipped=$(sed -n 's/^[[:space:]]*[0-9][0-9]* - \(.*\) (Skipped)$/\1/p' "$log" | paste -sd ' ')
    rm -f "$log"
    echo "test: skipped in $1: ${skipped:-none}"
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
if ((${#optional[@]})); then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "test: installing ${optional[*]} (for the report and SQL tests)" >&2
    { $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${optional[@]}" >/dev/null; } ||
        echo "test: warning: could not install ${optional[*]}; those tests will skip" >&2
fi
run_ctest build

CK_BUILD_DIR=build-asan CK_CMAKE_ARGS="-DCK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" scripts/setup.sh
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build-asan
