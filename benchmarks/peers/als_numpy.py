#!/usr/bin/env python3
"""Implicit-feedback ALS in NumPy (the peer of bench_als.c, run by run_als.sh): the same
half-step math as churnkit's src/learn/recommend/als.c, written the straightforward way,
one row at a time:

    G = FᵀF once per half-step; for each row r with columns J and weights w:
        A = G + (F_Jᵀ · αw) F_J + λI,   b = F_Jᵀ (1 + αw),   out_r = solve(A, b)

np.linalg.solve (LU, LAPACK dgesv) where churnkit uses Cholesky (dpotrf + dpotrs): NumPy
has no Cholesky solve of its own. The matrix is the one bench_als --write DIR wrote
(row_start.i64, items.u32, weights.f32, shape.txt); the item half-step reads its
transpose, built once before the timing. Same start as churnkit's (small uniform item
factors, users solved first), from NumPy's generator.

Usage: als_numpy.py DIR [--factors K] [--reps R] [--users N]
  --users N  time the user half-step on the first N users only and scale it up to all
             (for a quick estimate; the report says so); the item half-step is always whole.
Prints one line per repetition, like bench_als.
"""
import argparse
import resource
import time

import numpy as np

LAMBDA, ALPHA = 0.1, 10.0  # CK_ALS_PARAMS_INIT


def half_step(start, cols, w, fixed, out, n_rows):
    k = fixed.shape[1]
    gram = fixed.T @ fixed
    lam = LAMBDA * np.eye(k)
    for r in range(n_rows):
        s, e = start[r], start[r + 1]
        f = fixed[cols[s:e]]
        aw = ALPHA * w[s:e]
        a = gram + (f.T * aw) @ f + lam
        out[r] = np.linalg.solve(a, f.T @ (1.0 + aw))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--users", type=int, default=0)
    opt = ap.parse_args()
    n_users, n_items, nnz = (int(v) for v in open(opt.dir + "/shape.txt").read().split())
    start = np.fromfile(opt.dir + "/row_start.i64", dtype=np.int64)
    items = np.fromfile(opt.dir + "/items.u32", dtype=np.uint32).astype(np.int64)
    weights = np.fromfile(opt.dir + "/weights.f32", dtype=np.float32).astype(np.float64)
    assert len(start) == n_users + 1 and len(items) == nnz and len(weights) == nnz
    t0 = time.perf_counter()
    order = np.argsort(items, kind="stable")
    t_cols = np.repeat(np.arange(n_users, dtype=np.int64), np.diff(start))[order]
    t_w = weights[order]
    t_start = np.zeros(n_items + 1, dtype=np.int64)
    np.cumsum(np.bincount(items, minlength=n_items), out=t_start[1:])
    print("numpy %s: transpose %.2f s" % (np.__version__, time.perf_counter() - t0), flush=True)
    k = opt.factors
    part = opt.users if 0 < opt.users < n_users else n_users
    for rep in range(opt.reps):
        rng = np.random.default_rng(2026 + rep)
        y = 0.1 / np.sqrt(k) * rng.uniform(-1.0, 1.0, (n_items, k))
        x = np.zeros((n_users, k))
        a = time.perf_counter()
        half_step(start, items, weights, y, x, part)
        user_s = (time.perf_counter() - a) * (n_users / part)
        a = time.perf_counter()
        half_step(t_start, t_cols, t_w, x, y, n_items)
        item_s = time.perf_counter() - a
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        note = "" if part == n_users else " (user half-step timed on %d users, scaled)" % part
        print("rep %d: user half-step %.3f s, item half-step %.3f s, sweep %.3f s; peak RSS "
              "%.0f MiB%s" % (rep + 1, user_s, item_s, user_s + item_s, peak, note), flush=True)


if __name__ == "__main__":
    main()
