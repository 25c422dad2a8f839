#!/usr/bin/env bash
# Check the C formatting against .clang-format (clang-format 14); --fix rewrites in place.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h')
if [ "${1:-}" = --fix ]; then
    clang-format -i $files
else
    clang-format --dry-run --Werror $files
fi
