#!/usr/bin/python3
"""A churn-like feature table for the boosted-stumps benchmark: 1M rows x 50 numeric
features, written as train.csv (the first 80% of rows) and test.csv (the last 20%), with
the id column `customer_id` and the label `churned` (1 = churned). Fixed seed: the same
bytes on every run with the same numpy.

Each customer has a latent engagement level that drives the count-like features (Poisson
and negative binomial), the recency-like ones (exponential and gamma days) and spend
(log-normal), so the features are correlated as they are in real churn tables. Fifteen
features are pure noise. The label is drawn from a logit that is additive with nonlinear
shapes (saturating recency, thresholds on recent purchases, a U in tenure) plus two
interactions (recency against the customer's own purchase cycle; coupons within campaign
activity); its intercept is solved so that about 20% of rows are positive. About 5% of the
feature cells are then blanked at random (empty in the CSV); the label was drawn from the
complete values.

usage: make_gbm_table.py OUT_DIR [--rows N] [--seed S]
"""
import argparse
import os
import time

import numpy as np
import pandas as pd

N_FEATURES = 50
MISSING_RATE = 0.05
POSITIVE_RATE = 0.20
TRAIN_FRACTION = 0.8


def make_features(rng, n):
    f = {}
    engagement = rng.gamma(2.0, 0.5, n)  # mean 1, a long tail of heavy users
    price_taste = rng.lognormal(0.0, 0.5, n)

    def nb(mean, dispersion):
        """Negative binomial counts with the given mean per row (gamma-Poisson)."""
        return rng.poisson(rng.gamma(dispersion, mean / dispersion))

    # count-like (17)
    f["purchases_30d"] = rng.poisson(0.8 * engagement)
    f["purchases_90d"] = f["purchases_30d"] + rng.poisson(1.6 * engagement)
    f["purchases_365d"] = f["purchases_90d"] + nb(4.5 * engagement, 2.0)
    f["frequency"] = f["purchases_365d"] + nb(6.0 * engagement, 1.5)
    f["visits_30d"] = nb(6.0 * engagement, 1.2)
    f["views_30d"] = nb(15.0 * engagement, 0.8)
    f["carts_30d"] = rng.poisson(1.2 * engagement)
    f["favorites_30d"] = rng.poisson(0.7 * engagement)
    f["carts_no_purchase_30d"] = rng.binomial(f["carts_30d"], 0.4)
    f["app_sessions_30d"] = nb(8.0 * engagement, 0.6)
    f["web_sessions_30d"] = nb(np.full(n, 3.0), 1.0)
    f["campaigns_joined"] = rng.poisson(1.5, n)
    f["coupons_used"] = rng.binomial(f["frequency"], np.clip(0.15 * price_taste, 0, 0.9))
    f["refunds_365d"] = rng.binomial(f["purchases_365d"], 0.05)
    f["support_tickets_90d"] = rng.poisson(0.3, n)
    f["points_redeemed_365d"] = rng.poisson(2.0 * engagement)
    f["categories_bought"] = np.minimum(f["frequency"], 1 + rng.poisson(2.0 * engagement))

    # recency-like, in days (9)
    f["recency_days"] = np.round(rng.exponential(25.0 / (0.2 + engagement)), 2)
    f["days_since_visit"] = np.round(rng.exponential(8.0 / (0.2 + engagement)), 2)
    f["days_since_view"] = np.round(rng.exponential(5.0 / (0.2 + engagement)), 2)
    f["days_since_redeem"] = np.round(rng.gamma(1.5, 60.0, n), 2)
    f["days_since_campaign"] = np.round(rng.exponential(45.0, n), 2)
    f["tenure_days"] = np.round(rng.gamma(2.0, 300.0, n) + f["recency_days"], 2)
    gaps = rng.gamma(3.0, 12.0 / (0.3 + engagement) / 3.0)
    f["mean_gap_days"] = np.round(gaps, 2)
    f["gap_spread_days"] = np.round(gaps * rng.gamma(4.0, 0.15, n), 2)
    f["recency_gap_ratio"] = np.round(f["recency_days"] / np.maximum(gaps, 0.5), 4)

    # spend and ratios (9)
    aov = rng.lognormal(3.5, 0.6, n) * price_taste
    f["avg_order_value"] = np.round(aov, 2)
    f["monetary"] = np.round(aov * f["frequency"] * rng.lognormal(0, 0.1, n), 2)
    f["revenue_90d"] = np.round(aov * f["purchases_90d"] * rng.lognormal(0, 0.1, n), 2)
    f["points_balance"] = np.round(np.maximum(0, rng.normal(400 * engagement, 250, n)), 0)
    f["coupon_share"] = np.round(f["coupons_used"] / np.maximum(f["frequency"], 1), 4)
    f["refund_rate"] = np.round(f["refunds_365d"] / np.maximum(f["purchases_365d"], 1), 4)
    f["visit_trend"] = np.round(rng.normal(0.0, 1.0, n) * 0.5 + 0.3 * (engagement - 1), 4)
    f["discount_depth"] = np.round(rng.beta(2.0, 8.0, n), 4)
    f["email_open_rate"] = np.round(rng.beta(1.0 + engagement, 4.0), 4)

    # useless noise (15): normal, uniform, counts, skewed, a few distinct values
    for k in range(5):
        f[f"noise_normal_{k}"] = np.round(rng.normal(0, 1, n), 5)
    for k in range(4):
        f[f"noise_uniform_{k}"] = np.round(rng.uniform(0, 100, n), 3)
    for k in range(3):
        f[f"noise_count_{k}"] = rng.poisson(3.0, n)
    for k in range(2):
        f[f"noise_lognormal_{k}"] = np.round(rng.lognormal(2, 1, n), 3)
    f["noise_level"] = rng.integers(0, 7, n)
    assert len(f) == N_FEATURES, len(f)
    return f


def churn_logit(f):
    """Additive nonlinear shapes plus two interactions (intercept left out)."""
    rec = f["recency_days"]
    z = 1.4 * np.log1p(rec / 20.0)                                # saturating recency
    z -= 0.9 * np.log1p(f["frequency"])                           # loyalty
    z += 0.8 * (f["purchases_30d"] == 0)                          # a threshold
    z -= 0.5 * np.minimum(f["purchases_90d"], 4) / 4
    t = f["tenure_days"] / 365.0
    z += 0.35 * (t - 1.5) ** 2 / (1 + 0.3 * t) - 0.3              # new and very old churn more
    z -= 0.35 * np.log1p(f["visits_30d"])
    z += 0.2 * np.log1p(f["carts_no_purchase_30d"])
    z += 0.9 * np.tanh(np.maximum(f["recency_gap_ratio"] - 1.5, 0) / 2)  # overdue on own cycle
    z += 1.2 * f["coupon_share"] * (f["campaigns_joined"] == 0)  # deal-seekers without deals
    z += 0.6 * f["refund_rate"] + 0.25 * f["support_tickets_90d"]
    z -= 0.25 * np.log1p(f["points_balance"] / 200.0)
    z += 0.4 * (f["days_since_redeem"] > 180)
    z -= 0.8 * (f["email_open_rate"] - 0.2)
    z -= 0.15 * np.log1p(f["avg_order_value"] / 50.0)
    return z


def solve_intercept(z, rate):
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.mean(1 / (1 + np.exp(-(z + mid)))) < rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def write_csv(df, path):
    tmp = f"{path}.tmp.{os.getpid()}"
    df.to_csv(tmp, index=False, float_format="%.6g", na_rep="")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20241124)
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    t0 = time.time()
    rng = np.random.default_rng(args.seed)
    n = args.rows
    f = make_features(rng, n)
    z = churn_logit(f)
    z += solve_intercept(z, POSITIVE_RATE)
    label = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.int8)

    df = pd.DataFrame({"customer_id": [f"C{i:07d}" for i in range(1, n + 1)]})
    for name, col in f.items():
        col = np.array(col, dtype=np.float64)
        col[rng.random(n) < MISSING_RATE] = np.nan
        df[name] = col
    df["churned"] = label
    n_train = int(n * TRAIN_FRACTION)
    write_csv(df.iloc[:n_train], os.path.join(args.out_dir, "train.csv"))
    write_csv(df.iloc[n_train:], os.path.join(args.out_dir, "test.csv"))
    print(f"make_gbm_table: {n} rows x {N_FEATURES} features, {label.mean():.3f} positive, "
          f"{n_train} train / {n - n_train} test, {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
