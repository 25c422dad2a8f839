#!/usr/bin/env bash
# The shared library exports exactly the public API: every function a public header
# declares with CK_API, and nothing else (no ck__ internal, no helper of a dependency).
# Usage: tests/check_exports.sh LIBCHURNKIT.so INCLUDE_DIR
set -euo pipefail
lib=$1 include=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort)
declared=$(sed -n 's/^CK_API .*[ *]\(ck_[a-z0-9_]*\)(.*/\1/p' "$include"/churnkit/*.h | sort -u)
status=0
extra=$(comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
if [ -n "$extra" ]; then
    echo "exported but not declared with CK_API:" $extra
    status=1
fi
if [ -n "$missing" ]; then
    echo "declared with CK_API but not exported:" $missing
    status=1
fi
[ $status = 0 ] && echo "check_exports: $(echo "$exported" | wc -l) public functions, nothing else"
exit $status
