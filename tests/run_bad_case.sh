#!/bin/sh
# A bad event file must stop churn-features with exit 1, exactly the message in <name>.err,
# and no output file. $1 churn-features, $2 tests/bad, $3 the case name.
set -u
tool=$1 dir=$2 name=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$dir/$name.csv" "$work/" && cd "$work" || exit 1
"$tool" --events "$name.csv" --cutoff 2024-03-01 --out features.csv 2>stderr
code=$?
status=0
[ "$code" = 1 ] || { echo "exit code $code, expected 1"; status=1; }
diff -u "$dir/$name.err" stderr || status=1
if ls features.csv* >/dev/null 2>&1; then echo "an output file was left behind"; status=1; fi
exit $status
