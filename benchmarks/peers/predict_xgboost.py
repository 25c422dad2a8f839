#!/usr/bin/python3
"""The XGBoost peer of `churn-predict --table` at scale: the same model size as
churnkit's (500 depth-1 trees on the 50-feature benchmark table, trained with the
settings of gbm_xgboost.py), scoring a large feature table.

The booster is trained on TRAIN.csv once and kept in MODEL_CACHE (XGBoost's JSON), so
a rerun times only the scoring. Each phase is timed on its own:

  read_s     pandas reading TABLE.csv and converting the features to a float32 matrix
  predict_s  DMatrix construction + booster.predict, from that matrix in memory
  write_s    writing id,churn_probability with pandas (only with --out)

Prints one JSON line with these, train_s (0 when the cache was used), rows, features,
threads and the XGBoost version.

usage: predict_xgboost.py TRAIN.csv TABLE.csv --model-cache FILE [--rounds N]
                          [--threads N] [--out SCORES.csv]
"""
import argparse
import json
import os
import time

import numpy as np
import pandas as pd
import xgboost as xgb

ID, LABEL = "customer_id", "churned"


def train(path, rounds, threads, cache):
    """Train as gbm_xgboost.py does and save the booster to `cache`."""
    data = pd.read_csv(path, dtype={ID: str})
    features = [c for c in data.columns if c not in (ID, LABEL)]
    params = {
        "objective": "binary:logistic",
        "tree_method": "hist",
        "max_depth": 1,
        "eta": 0.1,
        "max_bin": 255,
        "lambda": 1.0,
        "alpha": 0.0,
        "min_child_weight": 0.001,
        "nthread": threads,
        "seed": 42,
        "eval_metric": "logloss",
    }
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(data[features].to_numpy(np.float32),
                         label=data[LABEL].to_numpy(np.float32), missing=np.nan,
                         nthread=threads)
    booster = xgb.train(params, dtrain, num_boost_round=rounds)
    train_s = time.perf_counter() - t0
    tmp = f"{cache}.tmp.{os.getpid()}.json"  # XGBoost picks the format by the extension
    booster.save_model(tmp)
    os.replace(tmp, cache)
    return booster, features, train_s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("table")
    ap.add_argument("--model-cache", required=True)
    ap.add_argument("--rounds", type=int, default=500)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out")
    args = ap.parse_args()

    train_s = 0.0
    if os.path.exists(args.model_cache):
        booster = xgb.Booster(params={"nthread": args.threads}, model_file=args.model_cache)
        features = booster.feature_names
    else:
        booster, features, train_s = train(args.train, args.rounds, args.threads,
                                           args.model_cache)
    booster.set_param({"nthread": args.threads})
    n_trees = len(booster.get_dump())

    t0 = time.perf_counter()
    table = pd.read_csv(args.table, dtype={ID: str})
    if features is None:  # a booster trained from a bare matrix: the table's column order
        features = [c for c in table.columns if c not in (ID, LABEL)]
    x = table[features].to_numpy(np.float32)
    read_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    dtable = xgb.DMatrix(x, missing=np.nan, nthread=args.threads)
    prob = booster.predict(dtable)
    predict_s = time.perf_counter() - t0

    write_s = 0.0
    if args.out:
        t0 = time.perf_counter()
        tmp = f"{args.out}.tmp.{os.getpid()}"
        pd.DataFrame({ID: table[ID], "churn_probability": prob}).to_csv(
            tmp, index=False, float_format="%.6f")
        os.replace(tmp, args.out)
        write_s = time.perf_counter() - t0

    print(json.dumps({
        "tool": "xgboost", "version": xgb.__version__, "trees": n_trees,
        "train_s": round(train_s, 3), "read_s": round(read_s, 3),
        "predict_s": round(predict_s, 3), "write_s": round(write_s, 3),
        "rows": len(prob), "features": len(features), "threads": args.threads,
        "mean_probability": round(float(np.mean(prob)), 6),
    }))


if __name__ == "__main__":
    main()
