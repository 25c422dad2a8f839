#!/usr/bin/python3
"""The XGBoost peer of `churn-train --model gbm`: boosted stumps on the benchmark table
with the histogram method and churnkit's defaults, no early stopping.

Mirrored settings: tree_method=hist, max_depth=1, eta 0.1, 500 rounds, nthread 2,
max_bin 255, lambda 1, min_child_weight 0.001 (XGBoost has no least-rows-per-leaf, so
churnkit's --min-samples-leaf 20 has no counterpart; at a million rows it never binds).

Prints one JSON line: read_s (pandas reading both CSVs), train_s (DMatrix + training,
which includes XGBoost's quantile sketch), predict_s (DMatrix + predict on the test set),
test_auc, and the sizes.

usage: gbm_xgboost.py TRAIN.csv TEST.csv [--rounds N] [--threads N]
"""
import argparse
import json
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score

ID, LABEL = "customer_id", "churned"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--rounds", type=int, default=500)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    t0 = time.perf_counter()
    train = pd.read_csv(args.train, dtype={ID: str})
    test = pd.read_csv(args.test, dtype={ID: str})
    features = [c for c in train.columns if c not in (ID, LABEL)]
    x_train = train[features].to_numpy(np.float32)
    y_train = train[LABEL].to_numpy(np.float32)
    x_test = test[features].to_numpy(np.float32)
    y_test = test[LABEL].to_numpy()
    read_s = time.perf_counter() - t0

    params = {
        "objective": "binary:logistic",
        "tree_method": "hist",
        "max_depth": 1,
        "eta": 0.1,
        "max_bin": 255,
        "lambda": 1.0,
        "alpha": 0.0,
        "min_child_weight": 0.001,
        "nthread": args.threads,
        "seed": 42,
        "eval_metric": "logloss",
    }
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(x_train, label=y_train, missing=np.nan, nthread=args.threads)
    booster = xgb.train(params, dtrain, num_boost_round=args.rounds)
    train_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    dtest = xgb.DMatrix(x_test, missing=np.nan, nthread=args.threads)
    prob = booster.predict(dtest)
    predict_s = time.perf_counter() - t0

    print(json.dumps({
        "tool": "xgboost", "version": xgb.__version__,
        "read_s": round(read_s, 3), "train_s": round(train_s, 3),
        "predict_s": round(predict_s, 3), "test_auc": round(float(roc_auc_score(y_test, prob)), 6),
        "train_rows": len(y_train), "test_rows": len(y_test), "features": len(features),
        "rounds": args.rounds, "threads": args.threads,
    }))


if __name__ == "__main__":
    main()
