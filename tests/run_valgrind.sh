#!/bin/sh
# Run a test under valgrind (ctest label valgrind: scripts/test.sh --deep). Every program
# runs as `valgrind --leak-check=full --errors-for-leak-kinds=definite`, its report in a log
# file of its own, and the test fails when a report counts an error: the exit code alone
# would not do, since a case may pipe a tool or expect its exit 1, and a case may send the
# tool's stderr to a file. A process killed by a signal (the signal cases) is judged by
# its memory errors only: it dies wherever it is, holding what it would have freed (a
# churn-predict killed inside gzopen() of a FIFO "definitely" loses zlib's state).
#   run_valgrind.sh cli <tests/cli/tool/case.sh> <tools dir> <tests dir>   (run_cli_case.sh)
#   run_valgrind.sh bad <churn-features> <tests/bad> <name>                (run_bad_case.sh)
#   run_valgrind.sh run <program> [args...]                                (a unit program)
set -u
command -v valgrind >/dev/null 2>&1 || { echo "valgrind is not installed: skipped"; exit 77; }
mode=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
vg="valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite"
vg="$vg --show-leak-kinds=definite --num-callers=30 --log-file=$logs/%p.log"

# A directory of wrappers that run each churn-* of $1 under valgrind.
wrap_tools() {
    mkdir "$logs/bin"
    for tool in "$1"/churn-*; do
        [ -x "$tool" ] || continue
        printf '#!/bin/sh\nexec %s %s "$@"\n' "$vg" "$tool" >"$logs/bin/${tool##*/}"
        chmod +x "$logs/bin/${tool##*/}"
    done
}

case $mode in
cli)
    wrap_tools "$2"
    CK_UPDATE_GOLDEN=0 "$here/run_cli_case.sh" "$1" "$logs/bin" "$3"
    ;;
bad)
    wrap_tools "$(dirname "$1")"
    "$here/run_bad_case.sh" "$logs/bin/${1##*/}" "$2" "$3"
    ;;
run)
    $vg "$@"
    ;;
*)
    echo "run_valgrind.sh: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
code=$?
for log in "$logs"/*.log; do
    [ -f "$log" ] || continue
    # killed by a signal: valgrind says so, or (SIGKILL) never writes its summary
    if grep -q 'Process terminating with default action of signal' "$log" ||
        ! grep -q 'ERROR SUMMARY:' "$log"; then
        # not the leaks: the memory errors, each reported as "<kind>" then "   at ..."
        grep -qE '^==[0-9]+== (Invalid|Conditional jump|Use of uninitialised|Syscall param|Mismatched|Source and destination overlap|Argument)' "$log" || continue
    else
        grep -q 'ERROR SUMMARY: 0 errors' "$log" && continue
    fi
    echo "valgrind reported (process ${log##*/}):"
    cat "$log"
    code=1
done
# 77 is a skip (an optional peer absent): valgrind found nothing in what did run.
exit $code
