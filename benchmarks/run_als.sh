#!/usr/bin/env bash
# Implicit ALS, one sweep (user half-step + item half-step, 64 factors): churnkit
# (bench_als, 2 threads) against benchmarks/peers/als_numpy.py (the same half-step math,
# row by row, np.linalg.solve) on the same matrix, which bench_als draws and writes once
# (1M users x 50k items, ~30M interactions by default). Runs alternate, churnkit then
# NumPy, REPS times, so that a change in the machine's load touches both; the ratio is
# of the median sweeps. NumPy runs with OPENBLAS_NUM_THREADS=1: its loop is serial, and
# two BLAS threads on 64 x 64 matrices made it ~40 times slower on a shared machine (see
# results/2026-12-05-als.md). Prints the load average before and after and the peak
# resident memory of both.
# Usage: benchmarks/run_als.sh [BUILD_DIR] (configured with -DCK_BUILD_BENCHMARKS=ON)
# Environment: CK_ALS_USERS, CK_ALS_ITEMS, CK_ALS_PER_USER (scale the matrix),
#   CK_ALS_REPS [3], CK_ALS_NUMPY_USERS (time NumPy's user half-step on that many users
#   and scale it up, when a whole one would take too long; the output says so).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=${CK_BENCH_DIR:-out/bench}/als
users=${CK_ALS_USERS:-1000000}
items=${CK_ALS_ITEMS:-50000}
per_user=${CK_ALS_PER_USER:-30.6}
reps=${CK_ALS_REPS:-3}
numpy_users=${CK_ALS_NUMPY_USERS:-0}
threads=2
python=/usr/bin/python3 # Debian's, with python3-numpy
bench="$build/benchmarks/bench_als"
if [ ! -x "$bench" ]; then
    echo "run_als: $bench missing (configure with -DCK_BUILD_BENCHMARKS=ON)" >&2
    exit 1
fi
mkdir -p "$work"
echo "als benchmark: $users users, $items items, ~$per_user interactions a user, 64 factors," \
    "churnkit $threads threads, $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --users "$users" --items "$items" --per-user "$per_user" --reps 0 --write "$work"
: >"$work/churnkit.txt"
: >"$work/numpy.txt"
for rep in $(seq "$reps"); do
    echo "-- round $rep, load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$bench" --users "$users" --items "$items" --per-user "$per_user" --threads $threads \
        --reps 1 | grep '^rep' | sed "s/^rep 1/churnkit round $rep/" | tee -a "$work/churnkit.txt"
    OPENBLAS_NUM_THREADS=1 "$python" benchmarks/peers/als_numpy.py "$work" --users "$numpy_users" |
        grep '^rep' | sed "s/^rep 1/numpy round $rep/" | tee -a "$work/numpy.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$work/churnkit.txt" "$work/numpy.txt" <<'PY'
import re
import statistics
import sys


def sweeps(path):
    return [float(m.group(1)) for m in re.finditer(r"sweep ([0-9.]+) s", open(path).read())]


def halves(path, which):
    pat = r"%s half-step ([0-9.]+) s" % which
    return [float(m.group(1)) for m in re.finditer(pat, open(path).read())]


ck, np_ = sweeps(sys.argv[1]), sweeps(sys.argv[2])
print("median sweep: churnkit %.2f s, numpy %.2f s, ratio %.1fx" %
      (statistics.median(ck), statistics.median(np_), statistics.median(np_) / statistics.median(ck)))
for which in ("user", "item"):
    c, n = statistics.median(halves(sys.argv[1], which)), statistics.median(halves(sys.argv[2], which))
    print("median %s half-step: churnkit %.2f s, numpy %.2f s, ratio %.1fx" % (which, c, n, n / c))
PY
