#!/usr/bin/env bash
# The test command: install and build (setup.sh), run ctest, then the same tests in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"

CK_BUILD_DIR=build-asan CK_CMAKE_ARGS="-DCK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" scripts/setup.sh
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
