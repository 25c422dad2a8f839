#!/usr/bin/env bash
# BG/NBD fit and scoring: churnkit (bench_bgnbd, from memory) against SciPy's L-BFGS-B
# minimising the same negative log-likelihood (FHL 2005 eq. 6, log-parameters, analytic
# gradient, numpy-vectorised) in the same run, on 1,000,000 customers drawn from CDNOW's
# published parameters (weeks, times to the day; see bench_bgnbd.c): SciPy once on one row
# per customer (as the Python BTYD libraries fit) and once on rows grouped by (x, t_x, T)
# with counts (grouping timed apart). churnkit's time includes its grouping, its starts
# (the warm start on a sample of the groups too), the NBD fit and the standard errors. Scoring: P(alive) + conditional expected
# purchases (39 weeks) in customers/s on 1 and 2 threads. Prints the load average before
# and after, since the machine may be shared.
# Usage: benchmarks/run_bgnbd.sh [BUILD_DIR] (configured with -DCK_BUILD_BENCHMARKS=ON)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=${CK_BENCH_DIR:-out/bench}/bgnbd
customers=${CK_BGNBD_CUSTOMERS:-1000000}
threads=2
python=/usr/bin/python3 # Debian's, with python3-scipy
mkdir -p "$work"
bench="$build/benchmarks/bench_bgnbd"
if [ ! -x "$bench" ]; then
    echo "run_bgnbd: $bench missing (configure with -DCK_BUILD_BENCHMARKS=ON)" >&2
    exit 1
fi
echo "bgnbd benchmark: $customers customers, $threads threads, $(nproc) cores," \
    "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --customers "$customers" --threads $threads --reps 5 --csv "$work/summary.csv" |
    tee "$work/churnkit.txt"

"$python" - "$work/summary.csv" "$work/churnkit.txt" <<'PY'
import re
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, digamma

data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
x_all, tx_all, T_all = data[:, 0], data[:, 1], data[:, 2]


def make(x, tx, T, w):
    """−ln L / N and its gradient in log-parameters (FHL eq. 6 in log-sum-exp form)."""
    N, has = w.sum(), x > 0

    def f(theta):
        r, al, a, b = np.exp(theta)
        A = r + x
        lT, lt = np.log(al + T), np.log(al + tx)
        base = (gammaln(A) - gammaln(r) + r * np.log(al) + gammaln(b + x) - gammaln(a + b + x)
                + gammaln(a + b) - gammaln(b) - A * lT)
        u = np.where(has, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) + A * (lT - lt),
                     -np.inf)
        ll = base + np.logaddexp(0, u)
        s = np.where(has, 1 / (1 + np.exp(-u)), 0.0)
        gr = digamma(A) - digamma(r) + np.log(al) - lT + s * (lT - lt)
        ga = r / al - A / (al + T) + s * A * (1 / (al + T) - 1 / (al + tx))
        gA = digamma(a + b) - digamma(a + b + x) + s / a
        gb = (digamma(b + x) - digamma(a + b + x) - digamma(b) + digamma(a + b)
              - s / np.where(has, b + x - 1, 1.0))
        g = np.array([w @ gr * r, w @ ga * al, w @ gA * a, w @ gb * b])
        return -(w @ ll) / N, -g / N

    return f


def fit(x, tx, T, w):
    start = np.log([1.0, (w @ T) / (w @ x), 1.0, 1.0])
    t0 = time.perf_counter()
    res = minimize(make(x, tx, T, w), start, jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-9, "ftol": 1e-15, "maxiter": 1000})
    return time.perf_counter() - t0, res


def median_of(k, fn):
    runs = [fn() for _ in range(k)]
    runs.sort(key=lambda v: v[0])
    return runs[k // 2]


rows_s, rows = median_of(3, lambda: fit(x_all, tx_all, T_all, np.ones_like(x_all)))
t0 = time.perf_counter()
keys, counts = np.unique(data, axis=0, return_counts=True)
group_s = time.perf_counter() - t0
grp_s, grp = median_of(3, lambda: fit(keys[:, 0], keys[:, 1], keys[:, 2],
                                      counts.astype(float)))
N = len(x_all)
for name, secs, res in (("rows", rows_s, rows), ("groups", grp_s, grp)):
    r, al, a, b = np.exp(res.x)
    print("scipy L-BFGS-B (%s): %.4f s, %d evaluations, r %.6f alpha %.6f a %.6f b %.6f, "
          "log-likelihood %.6f" % (name, secs, res.nfev, r, al, a, b, -res.fun * N))
print("scipy grouping (np.unique): %.4f s, %d groups" % (group_s, len(keys)))
text = open(sys.argv[2]).read()
ck = float(re.search(r"^fit .*median ([0-9.]+) s", text, re.M).group(1))
print("ratios: scipy rows / churnkit %.1fx, scipy groups / churnkit %.1fx, "
      "(scipy groups + its grouping) / churnkit %.1fx" % (rows_s / ck, grp_s / ck,
                                                        (grp_s + group_s) / ck))
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
