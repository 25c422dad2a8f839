#!/usr/bin/env bash
# Implicit ALS, one sweep (user half-step + item half-step, 64 factors), both solvers:
# churnkit (bench_als, 2 threads) against benchmarks/peers/als_numpy.py (the same
# algorithms: CG vectorised over batches of rows, and Cholesky's row by row
# np.linalg.solve) on the same matrix, which bench_als draws and writes once (1M users x
# 50k items, ~30M interactions by default). Each round runs churnkit-CG, NumPy-CG,
# churnkit-Cholesky, NumPy-Cholesky in turn, so that a change in the machine's load
# touches all four; the ratios are of the median sweeps of each pair. NumPy runs with
# OPENBLAS_NUM_THREADS=1: the Cholesky loop is serial, and two BLAS threads on 64 x 64
# matrices made it ~40 times slower on a shared machine (results/2026-12-05-als.md); its
# CG was no faster with two (0.65-0.69 s against 0.63-0.65 s a sweep on 20k users).
# Prints the load average at each round and the peak resident memory of every run.
# Usage: benchmarks/run_als.sh [BUILD_DIR] (configured with -DCK_BUILD_BENCHMARKS=ON)
# Environment: CK_ALS_USERS, CK_ALS_ITEMS, CK_ALS_PER_USER (scale the matrix),
#   CK_ALS_REPS [3], CK_ALS_CG_STEPS [3], CK_ALS_NUMPY_USERS (time NumPy's Cholesky user
#   half-step on that many users and scale it up, when a whole one would take too long;
#   the output says so; NumPy's CG always runs whole).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=${CK_BENCH_DIR:-out/bench}/als
users=${CK_ALS_USERS:-1000000}
items=${CK_ALS_ITEMS:-50000}
per_user=${CK_ALS_PER_USER:-30.6}
reps=${CK_ALS_REPS:-3}
steps=${CK_ALS_CG_STEPS:-3}
numpy_users=${CK_ALS_NUMPY_USERS:-0}
threads=2
python=/usr/bin/python3 # Debian's, with python3-numpy and python3-scipy
bench="$build/benchmarks/bench_als"
if [ ! -x "$bench" ]; then
    echo "run_als: $bench missing (configure with -DCK_BUILD_BENCHMARKS=ON)" >&2
    exit 1
fi
mkdir -p "$work"
echo "als benchmark: $users users, $items items, ~$per_user interactions a user, 64 factors," \
    "CG $steps steps, churnkit $threads threads, $(nproc) cores," \
    "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --users "$users" --items "$items" --per-user "$per_user" --reps 0 --write "$work"
for f in ck_cg np_cg ck_chol np_chol; do : >"$work/$f.txt"; done
for rep in $(seq "$reps"); do
    echo "-- round $rep, load $(cut -d' ' -f1-3 /proc/loadavg)"
    for solver in cg cholesky; do
        tag=$([ $solver = cg ] && echo cg || echo chol)
        "$bench" --users "$users" --items "$items" --per-user "$per_user" --threads $threads \
            --solver $solver --cg-steps "$steps" --reps 1 | grep '^rep' |
            sed "s/^rep 1/churnkit $solver round $rep/" | tee -a "$work/ck_$tag.txt"
        sub=0
        [ $solver = cholesky ] && sub=$numpy_users
        OPENBLAS_NUM_THREADS=1 "$python" benchmarks/peers/als_numpy.py "$work" --users "$sub" \
            --solver $solver --cg-steps "$steps" | grep '^rep' |
            sed "s/^rep 1/numpy $solver round $rep/" | tee -a "$work/np_$tag.txt"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$work" <<'PY'
import re
import statistics
import sys


def values(path, pat):
    return [float(m.group(1)) for m in re.finditer(pat, open(path).read())]


d = sys.argv[1]
for tag, name in (("cg", "CG"), ("chol", "Cholesky")):
    ck, np_ = d + "/ck_%s.txt" % tag, d + "/np_%s.txt" % tag
    c, n = statistics.median(values(ck, r"sweep ([0-9.]+) s")), statistics.median(values(np_, r"sweep ([0-9.]+) s"))
    print("%s median sweep: churnkit %.2f s, numpy %.2f s, ratio %.1fx (sweeps: churnkit %s; numpy %s)" %
          (name, c, n, n / c, values(ck, r"sweep ([0-9.]+) s"), values(np_, r"sweep ([0-9.]+) s")))
    for which in ("user", "item"):
        pat = r"%s half-step ([0-9.]+) s" % which
        c, n = statistics.median(values(ck, pat)), statistics.median(values(np_, pat))
        print("  %s median %s half-step: churnkit %.2f s, numpy %.2f s, ratio %.1fx" % (name, which, c, n, n / c))
    print("  %s peak RSS: churnkit %s MiB, numpy %s MiB" % (name, values(ck, r"peak RSS ([0-9.]+) MiB"),
                                                      values(np_, r"peak RSS ([0-9.]+) MiB")))
PY
