#!/bin/sh
# Run a test under valgrind (ctest label valgrind: scripts/test.sh --deep). Every program
# runs as `valgrind --leak-check=full --errors-for-leak-kinds=definite`, its report in a log
# file of its own, and the test fails when any report is not empty: the exit code alone
# would not do, since a case may pipe a tool or expect its exit 1, and a case may send the
# tool's stderr to a file.
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
vg="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite"
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
    [ -s "$log" ] || continue
    echo "valgrind reported (process ${log##*/}):"
    cat "$log"
    code=1
done
# 77 is a skip (an optional peer absent): valgrind found nothing in what did run.
exit $code
