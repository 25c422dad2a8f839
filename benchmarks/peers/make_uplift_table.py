#!/usr/bin/python3
"""A randomised experiment for the uplift benchmark: a train table (1,000,000 rows by
default) and a test table (200,000 rows, another seed), each with 20 numeric features, the
arm (control, offer_a, offer_b, uniform at random), the 0/1 outcome `converted` and the id
`id`, plus a truth file per table with each row's true uplift per treatment arm. Fixed
seeds: the same bytes on every run with the same numpy.

Outcome model, on the probability scale, with p0 the control conversion probability:
  p0(x)     = logistic(z(x) + c), c solved for a mean of 4%; z uses f00, f02, f05, f12, f15
  offer_a:  tau_a = 0.005 + 0.045 * logistic(2 f01) * [f08 > 0.3] + 0.015 * logistic(f00)
            (0.5 to 6.5 points, larger for high f01 with f08 above 0.3 and somewhat for
            the customers already likely to convert: f00 drives p0 too)
  offer_b:  tau_b = 0.04 * logistic(2 f03) * f09 - 0.5 * p0 * [f04 < -0.5]
            (up to 4 points, and harmful for a third of the rows: half of their
            baseline conversions are lost)
P(converted | x, arm) = p0 + tau_arm, always within [0, 1] here (asserted), so the truth
file's uplift_<arm> = tau_arm(x) exactly. Features f06, f07, f10, f11, f13, f14, f16 to
f19 play no part; f01 is correlated with f00 (0.5), f12 to f14 are counts, f15/f16
log-normal.

usage: make_uplift_table.py OUT_DIR [--rows N] [--test-rows N] [--seed S]
  (the test table uses seed S + 1)
"""
import argparse
import os
import time

import numpy as np
import pandas as pd

ARMS = ("control", "offer_a", "offer_b")
N_FEATURES = 20
BASE_RATE = 0.04


def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def features(rng, n):
    f = {}
    for k in range(8):
        f[f"f{k:02d}"] = rng.normal(0.0, 1.0, n)
    f["f01"] = 0.5 * f["f00"] + np.sqrt(0.75) * f["f01"]
    for k in range(8, 12):
        f[f"f{k:02d}"] = rng.uniform(0.0, 1.0, n)
    for k, mean in zip(range(12, 15), (2.0, 3.0, 1.0)):
        f[f"f{k:02d}"] = rng.poisson(mean, n).astype(np.float64)
    for k in (15, 16):
        f[f"f{k:02d}"] = rng.lognormal(1.0, 0.8, n)
    for k in range(17, 20):
        f[f"f{k:02d}"] = rng.normal(0.0, 1.0, n)
    assert len(f) == N_FEATURES
    # round as the CSV will hold them, so the truth is a function of the written values
    return {k: np.round(v, 4) for k, v in sorted(f.items())}


def base_logit(f):
    return (0.6 * f["f00"] - 0.4 * f["f02"] + 0.3 * np.tanh(f["f05"])
            + 0.25 * (f["f12"] >= 3) + 0.3 * np.log1p(f["f15"]))


def solve_intercept(z, rate):
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.mean(logistic(z + mid)) < rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def effects(f, p0):
    tau_a = (0.005 + 0.045 * logistic(2.0 * f["f01"]) * (f["f08"] > 0.3)
             + 0.015 * logistic(f["f00"]))
    tau_b = 0.04 * logistic(2.0 * f["f03"]) * f["f09"] - 0.5 * p0 * (f["f04"] < -0.5)
    return {"offer_a": tau_a, "offer_b": tau_b}


def make(rng, n, prefix, intercept=None):
    f = features(rng, n)
    z = base_logit(f)
    if intercept is None:
        intercept = solve_intercept(z, BASE_RATE)
    p0 = logistic(z + intercept)
    tau = effects(f, p0)
    arm = rng.integers(0, len(ARMS), n)
    p = p0.copy()
    for a, name in enumerate(ARMS[1:], start=1):
        p[arm == a] += tau[name][arm == a]
    assert p.min() >= 0.0 and p.max() <= 1.0
    y = (rng.random(n) < p).astype(np.int8)
    ids = [f"{prefix}{i:07d}" for i in range(n)]
    table = pd.DataFrame({"id": ids})
    for name, col in f.items():
        table[name] = col
    table["arm"] = np.array(ARMS)[arm]
    table["converted"] = y
    truth = pd.DataFrame({"id": ids, "p_control": p0})
    for name in ARMS[1:]:
        truth[f"uplift_{name}"] = tau[name]
    return table, truth, intercept


def write_csv(df, path, fmt):
    tmp = f"{path}.tmp.{os.getpid()}"
    df.to_csv(tmp, index=False, float_format=fmt)
    os.replace(tmp, path)


def summary(name, table, truth):
    parts = [f"{name}: {len(table)} rows"]
    for arm in ARMS:
        m = table["arm"] == arm
        parts.append(f"{arm} {m.sum()} rows rate {table['converted'][m].mean():.4f}")
    for arm in ARMS[1:]:
        u = truth[f"uplift_{arm}"]
        parts.append(f"true uplift_{arm} mean {u.mean():.4f} sd {u.std():.4f} "
                     f"[{u.min():.4f}, {u.max():.4f}]")
    return "; ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--test-rows", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=20261205)
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    t0 = time.time()
    train, train_truth, c = make(np.random.default_rng(args.seed), args.rows, "R")
    # the test table keeps the train intercept: the same population, new draws
    test, test_truth, _ = make(np.random.default_rng(args.seed + 1), args.test_rows, "T", c)
    for name, table, truth in (("train", train, train_truth), ("test", test, test_truth)):
        write_csv(table, os.path.join(args.out_dir, f"{name}.csv"), "%.6g")
        write_csv(truth, os.path.join(args.out_dir, f"{name}_truth.csv"), "%.8g")
        print("make_uplift_table: " + summary(name, table, truth))
    print(f"make_uplift_table: {N_FEATURES} features, seeds {args.seed} / {args.seed + 1}, "
          f"{time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
