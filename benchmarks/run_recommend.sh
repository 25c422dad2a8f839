#!/usr/bin/env bash
# Every customer's top 10 from ALS (64 factors): churnkit's library path (bench_recommend:
# fixed blocks of customers, each folded in exactly, one dgemm a block, ck_recommend_top;
# 2 threads) against benchmarks/peers/recommend_numpy.py (the same algorithm: batched
# np.linalg.solve on stacked matrices, the batch's scores by one matrix product,
# np.argpartition; 2 Python threads over the batches, OPENBLAS_NUM_THREADS=1) on the same
# matrix and item factors, which bench_recommend draws and writes once (1M customers x 50k
# items, ~30M interactions, bench_als's generator). Each round runs churnkit then NumPy, so
# that a change in the machine's load touches both; the ratio is of the medians. NumPy
# checks its lists of the first 1,000 customers against churnkit's.
# The blend (every component) is timed by bench_recommend on the first CK_REC_BLEND
# customers and scaled to all of them (printed as such).
# Usage: benchmarks/run_recommend.sh [BUILD_DIR] (configured with -DCK_BUILD_BENCHMARKS=ON)
# Environment: CK_REC_USERS [1000000], CK_REC_ITEMS [50000], CK_REC_PER_USER [30.6],
#   CK_REC_REPS [3] rounds, CK_REC_NUMPY_USERS (time NumPy on that many customers and scale
#   up, when all of them would take too long; the output says so), CK_REC_BLEND [20000].
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=${CK_BENCH_DIR:-out/bench}/recommend
users=${CK_REC_USERS:-1000000}
items=${CK_REC_ITEMS:-50000}
per_user=${CK_REC_PER_USER:-30.6}
reps=${CK_REC_REPS:-3}
numpy_users=${CK_REC_NUMPY_USERS:-0}
blend=${CK_REC_BLEND:-20000}
threads=2
python=/usr/bin/python3 # Debian's, with python3-numpy
bench="$build/benchmarks/bench_recommend"
if [ ! -x "$bench" ]; then
    echo "run_recommend: $bench missing (configure with -DCK_BUILD_BENCHMARKS=ON)" >&2
    exit 1
fi
mkdir -p "$work"
args=(--users "$users" --items "$items" --per-user "$per_user" --threads $threads)
echo "recommend benchmark: $users customers, $items items, ~$per_user interactions a" \
    "customer, 64 factors, top 10, $threads threads, $(nproc) cores," \
    "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" "${args[@]}" --reps 0 --write "$work" | grep -v '^rep'
: >"$work/ck.txt"
: >"$work/np.txt"
for rep in $(seq "$reps"); do
    echo "-- round $rep, load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$bench" "${args[@]}" --reps 1 | grep '^rep' | sed "s/^rep 1/churnkit round $rep/" |
        tee -a "$work/ck.txt"
    echo "   load $(cut -d' ' -f1-3 /proc/loadavg)"
    OPENBLAS_NUM_THREADS=1 "$python" benchmarks/peers/recommend_numpy.py "$work" \
        --users "$numpy_users" --threads $threads | sed "s/^rep 1/numpy round $rep/" |
        tee -a "$work/np.txt"
done
echo "-- blend on $blend customers, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" "${args[@]}" --reps 1 --blend "$blend" | grep '^blend'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$work" "$users" <<'PY'
import re
import statistics
import sys

d, users = sys.argv[1], int(sys.argv[2])


def runs(path):
    return [(int(m.group(1)), float(m.group(2)), float(m.group(3))) for m in
            re.finditer(r"for (\d+) customers ([0-9.]+) s.*peak RSS ([0-9.]+) MiB", open(path).read())]


ck, np_ = runs(d + "/ck.txt"), runs(d + "/np.txt")
c = statistics.median(t * users / n for n, t, _ in ck)
n = statistics.median(t * users / m for m, t, _ in np_)
scaled = " (NumPy timed on %d customers, scaled)" % np_[0][0] if np_[0][0] != users else ""
print("median time for %d customers: churnkit %.1f s, numpy %.1f s%s, ratio %.1fx" % (users, c, n, scaled, n / c))
print("  churnkit runs %s s; numpy runs %s s" % ([t for _, t, _ in ck], [t for _, t, _ in np_]))
print("  peak RSS: churnkit %s MiB, numpy %s MiB" % ([r for _, _, r in ck], [r for _, _, r in np_]))
PY
