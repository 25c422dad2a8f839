#!/usr/bin/env python3
"""NumPy peer of bench_recommend (run_recommend.sh): every customer's top K from ALS.

The same algorithm as churnkit's library path: each customer folded in exactly against the
fixed item factors Y (A_u = YᵀY + λI + Σ_{i in u} α w_ui y_i y_iᵀ, b_u = Σ_{i in u}
(1 + α w_ui) y_i, x_u = A_u⁻¹ b_u; Hu, Koren & Volinsky 2008), here for a batch of customers
at once (their rows padded to the longest, the A_u stacked and solved by one batched
np.linalg.solve), then the batch's scores U Yᵀ (one matrix product) and each row's top K by
np.argpartition, sorted by score; batches on --threads Python threads (ties: the smaller index, as ck_recommend_top).

Reads DIR as bench_recommend --write leaves it (row_start.i64, items.u32, weights.f32,
shape.txt, item_factors.f64, top.u32) and checks its lists of the first 1,000 customers
against churnkit's. Prints "rep 1: top K for N customers T s ...; peak RSS M MiB".

Usage: recommend_numpy.py DIR [--factors 64] [--top 10] [--batch 256] [--threads 2] [--users N]
(--users N: only the first N customers, for a quick check)
"""
import argparse
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

LAMBDA, ALPHA = 100.0, 10.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--users", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    d, k, top = a.dir, a.factors, a.top
    n_users, n_items, nnz = (int(v) for v in open(d + "/shape.txt").read().split())
    row_start = np.fromfile(d + "/row_start.i64", dtype=np.int64)
    items = np.fromfile(d + "/items.u32", dtype=np.uint32).astype(np.int64)
    weights = np.fromfile(d + "/weights.f32", dtype=np.float32).astype(np.float64)
    y = np.fromfile(d + "/item_factors.f64", dtype=np.float64).reshape(n_items, k)
    if a.users:
        n_users = min(n_users, a.users)
    lists = np.empty((n_users, top), dtype=np.int64)

    t0 = time.perf_counter()
    c0 = time.process_time()
    base = y.T @ y + LAMBDA * np.eye(k)

    def batch(lo):
        hi = min(lo + a.batch, n_users)
        start, end = row_start[lo:hi], row_start[lo + 1:hi + 1]
        lens = end - start
        width = int(lens.max()) if len(lens) else 0
        # padded rows: slot j of customer b is interaction start[b] + j (weight 0 past the end)
        slot = start[:, None] + np.arange(width)[None, :]
        valid = slot < end[:, None]
        slot = np.where(valid, slot, 0)
        w = np.where(valid, weights[slot], 0.0)
        yb = y[items[slot]] * valid[:, :, None]  # batch x width x k
        a_u = base + np.matmul(yb.transpose(0, 2, 1) * (ALPHA * w)[:, None, :], yb)
        b_u = np.einsum("bwk,bw->bk", yb, 1.0 + ALPHA * w)
        users = np.linalg.solve(a_u, b_u[:, :, None])[:, :, 0]
        users[lens == 0] = 0.0
        scores = users @ y.T  # batch x n_items
        part = np.argpartition(scores, n_items - top, axis=1)[:, n_items - top:]
        ps = np.take_along_axis(scores, part, axis=1)
        order = np.lexsort((part, -ps), axis=1)
        lists[lo:hi] = np.take_along_axis(part, order, axis=1)

    # batches on a.threads Python threads (NumPy releases the GIL in the BLAS calls and in
    # argpartition; run with OPENBLAS_NUM_THREADS=1 so that the threads are the only ones)
    with ThreadPoolExecutor(a.threads) as pool:
        list(pool.map(batch, range(0, n_users, a.batch)))
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("rep 1: top %d for %d customers %.3f s (%.2f us a customer); cpu %.3f s; peak RSS %.0f MiB"
          % (top, n_users, wall, 1e6 * wall / n_users, cpu, peak))
    try:
        ck = np.fromfile(d + "/top.u32", dtype=np.uint32).astype(np.int64).reshape(-1, top)
    except (OSError, ValueError):
        ck = None
    if ck is not None:
        n = min(len(ck), n_users)
        same_lists = int((ck[:n] == lists[:n]).all(axis=1).sum())
        same_sets = sum(set(ck[i]) == set(lists[i]) for i in range(n))
        print("agreement with churnkit on the first %d customers: %d identical lists, %d same sets"
              % (n, same_lists, same_sets))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
