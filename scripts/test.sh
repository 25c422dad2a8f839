#!/usr/bin/env bash
# The test command: install and build (setup.sh), run ctest, then the same tests in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# headless Chromium renders churn-eval's HTML report in a test; that test skips when the
# package cannot be installed, so a failure here only warns
if ! command -v chromium >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "test: installing chromium (for the report rendering test)" >&2
    { $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null; } ||
        echo "test: warning: could not install chromium; the rendering test will skip" >&2
fi
# PostgreSQL runs churn-predict --emit-sql's expression in a test; that test skips when the
# package cannot be installed, so a failure here only warns
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "test: installing postgresql (for the --emit-sql test)" >&2
    { $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null; } ||
        echo "test: warning: could not install postgresql; the --emit-sql test will skip" >&2
fi
ctest --test-dir build --output-on-failure -j "$(nproc)"

CK_BUILD_DIR=build-asan CK_CMAKE_ARGS="-DCK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" scripts/setup.sh
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
