#!/usr/bin/env bash
# The test command: install and build (setup.sh), run ctest, then the same tests in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/).
set -euo pipefail
cd "$(dirname "$0")/.."

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
ctest --test-dir build --output-on-failure -j "$(nproc)"

CK_BUILD_DIR=build-asan CK_CMAKE_ARGS="-DCK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" scripts/setup.sh
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
