#!/bin/sh
# Run one CLI golden case: $1 is tests/cli/<tool>/<case>.sh, $2 the directory of the built
# tools, $3 the tests directory. The case runs in a fresh temporary directory with the tools
# on PATH; its exit code must equal <case>.exit, and its stdout/stderr must equal
# <case>.stdout/<case>.stderr when those files exist. CK_UPDATE_GOLDEN=1 rewrites them.
# A case that exits 77 was skipped (an optional peer, such as PostgreSQL, is absent): its
# output says why, and this script exits 77 too, which ctest reports as a skip
# (SKIP_RETURN_CODE); no golden is compared or rewritten.
set -u
case_sh=$1 bindir=$2 testsdir=$3
base=${case_sh%.sh}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
PATH="$bindir:$PATH" TESTS="$testsdir" sh "$case_sh" >stdout 2>stderr
code=$?
if [ "$code" = 77 ]; then
    cat stdout stderr
    exit 77
fi
if [ "${CK_UPDATE_GOLDEN:-0}" = 1 ]; then
    echo "$code" >"$base.exit"
    cp stdout "$base.stdout"
    cp stderr "$base.stderr"
    exit 0
fi
status=0
expected=$(cat "$base.exit")
if [ "$code" != "$expected" ]; then
    echo "exit code $code, expected $expected"; status=1
fi
for stream in stdout stderr; do
    if [ -f "$base.$stream" ] && ! diff -u "$base.$stream" "$stream"; then
        echo "$stream differs"; status=1
    fi
done
[ $status = 0 ] || { echo "--- stderr was:"; cat stderr; }
exit $status
