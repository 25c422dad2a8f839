#!/usr/bin/env python3
"""Implicit-feedback ALS in NumPy (the peer of bench_als.c, run by run_als.sh): the same
half-step math as churnkit's src/learn/recommend/als.c, with either solver.

  --solver cholesky  written the straightforward way, one row at a time:
        G = FᵀF once per half-step; for each row r with columns J and weights w:
            A = G + (F_Jᵀ · αw) F_J + λI,   b = F_Jᵀ (1 + αw),   out_r = solve(A, b)
    np.linalg.solve (LU, LAPACK dgesv) where churnkit uses Cholesky (dpotrf + dpotrs):
    NumPy has no Cholesky solve of its own.
  --solver cg  conjugate gradients (Takács, Pilászy & Tikk, RecSys 2011), vectorised over
    batches of rows (about 2M interactions a batch): the batch's fixed rows Z = F[J] are
    gathered once; b is a scipy.sparse product; every step computes, for all rows of the
    batch at once, Q = P (G + λI) (one GEMM) plus the per-row Σ_j αw_j (z_j·p) z_j (an
    einsum for the dots, a sparse (rows × nnz) product for the sums), then the CG updates
    as array operations. Each row starts from its current factors (warm start), takes
    --cg-steps steps, and stops early where its residual is zero, as churnkit does.

The matrix is the one bench_als --write DIR wrote (row_start.i64, items.u32, weights.f32,
shape.txt); the item half-step reads its transpose, built once before the timing. Same
start as churnkit's (small uniform item factors, zero user factors, users solved first),
from NumPy's generator.

Usage: als_numpy.py DIR [--factors K] [--reps R] [--users N] [--solver cg|cholesky]
                        [--cg-steps S]
  --users N  time the user half-step on the first N users only and scale it up to all
             (for a quick estimate; the report says so); the item half-step is always whole.
Prints one line per repetition, like bench_als.
"""
import argparse
import resource
import time

import numpy as np
import scipy.sparse as sp

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


def half_step_cg(start, cols, w, fixed, out, n_rows, steps, batch_nnz=50_000):
    k = fixed.shape[1]
    gl = fixed.T @ fixed + LAMBDA * np.eye(k)
    r0 = 0
    while r0 < n_rows:
        # rows r0 .. r1 - 1: as many as fit batch_nnz interactions, at least one
        r1 = int(np.searchsorted(start, start[r0] + batch_nnz, side="right")) - 1
        r1 = min(max(r1, r0 + 1), n_rows)
        s0, s1 = start[r0], start[r1]
        m, nnz = r1 - r0, s1 - s0
        indptr = start[r0:r1 + 1] - s0
        z = fixed[cols[s0:s1]]
        cw = ALPHA * w[s0:s1]
        seg = np.repeat(np.arange(m), np.diff(indptr))
        b = sp.csr_matrix((1.0 + cw, cols[s0:s1], indptr), shape=(m, fixed.shape[0])) @ fixed

        def apply(v):
            t = cw * np.einsum("ij,ij->i", z, v[seg])
            return v @ gl + sp.csr_matrix((t, np.arange(nnz), indptr), shape=(m, nnz)) @ z

        x = out[r0:r1]
        r = b - apply(x)
        p = r.copy()
        rs = np.einsum("ij,ij->i", r, r)
        for _ in range(steps):
            q = apply(p)
            pq = np.einsum("ij,ij->i", p, q)
            live = (rs > 0) & (pq > 0)
            a = np.where(live, rs / np.where(live, pq, 1.0), 0.0)
            x += a[:, None] * p
            r -= a[:, None] * q
            rs_next = np.einsum("ij,ij->i", r, r)
            beta = np.where(live, rs_next / np.where(live, rs, 1.0), 0.0)
            p = r + beta[:, None] * p
            rs = np.where(live, rs_next, 0.0)
        out[r0:r1] = x
        r0 = r1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--users", type=int, default=0)
    ap.add_argument("--solver", choices=("cg", "cholesky"), default="cg")
    ap.add_argument("--cg-steps", type=int, default=3)
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
    print("numpy %s: transpose %.2f s; solver %s%s" % (np.__version__, time.perf_counter() - t0,
          opt.solver, ", %d steps" % opt.cg_steps if opt.solver == "cg" else ""), flush=True)
    k = opt.factors
    part = opt.users if 0 < opt.users < n_users else n_users
    for rep in range(opt.reps):
        rng = np.random.default_rng(2026 + rep)
        y = 0.1 / np.sqrt(k) * rng.uniform(-1.0, 1.0, (n_items, k))
        x = np.zeros((n_users, k))
        if opt.solver == "cg":
            def step(st, c, ww, f, o, n):
                half_step_cg(st, c, ww, f, o, n, opt.cg_steps)
        else:
            step = half_step
        a = time.perf_counter()
        step(start, items, weights, y, x, part)
        user_s = (time.perf_counter() - a) * (n_users / part)
        a = time.perf_counter()
        step(t_start, t_cols, t_w, x, y, n_items)
        item_s = time.perf_counter() - a
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        note = "" if part == n_users else " (user half-step timed on %d users, scaled)" % part
        print("rep %d: user half-step %.3f s, item half-step %.3f s, sweep %.3f s; peak RSS "
              "%.0f MiB%s" % (rep + 1, user_s, item_s, user_s + item_s, peak, note), flush=True)


if __name__ == "__main__":
    main()
