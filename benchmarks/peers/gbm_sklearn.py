#!/usr/bin/python3
"""The scikit-learn peer of `churn-train --model gbm`: HistGradientBoostingClassifier
restricted to stumps on the benchmark table, no early stopping.

Stumps: max_depth=1. In scikit-learn 1.2 (Debian 12) the root has depth 0 and a node's
children are made leaves once their depth equals max_depth (grower.py, split_next), so
max_depth=1 grows exactly one split per tree; max_leaf_nodes is left at its default (31),
which then never binds. The script checks that every tree has one split.
Mirrored settings: 500 iterations, learning rate 0.1, max_bins 255, l2_regularization 1,
min_samples_leaf 20, min_hessian_to_split 1e-3 (= churnkit's --min-child-weight), two
OpenMP threads (OMP_NUM_THREADS, set before scikit-learn loads).

Prints one JSON line: read_s (pandas reading both CSVs), train_s (fit, which includes
binning), predict_s (predict_proba on the test set), test_auc.

usage: gbm_sklearn.py TRAIN.csv TEST.csv [--rounds N] [--threads N]
"""
import argparse
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--rounds", type=int, default=500)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)

    import numpy as np
    import pandas as pd
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score

    ID, LABEL = "customer_id", "churned"
    t0 = time.perf_counter()
    train = pd.read_csv(args.train, dtype={ID: str})
    test = pd.read_csv(args.test, dtype={ID: str})
    features = [c for c in train.columns if c not in (ID, LABEL)]
    x_train = train[features].to_numpy(np.float32)
    y_train = train[LABEL].to_numpy()
    x_test = test[features].to_numpy(np.float32)
    y_test = test[LABEL].to_numpy()
    read_s = time.perf_counter() - t0

    model = HistGradientBoostingClassifier(
        loss="log_loss", learning_rate=0.1, max_iter=args.rounds, max_depth=1,
        min_samples_leaf=20, l2_regularization=1.0, max_bins=255, early_stopping=False,
        random_state=42)
    t0 = time.perf_counter()
    model.fit(x_train, y_train)
    train_s = time.perf_counter() - t0
    splits = {len(p[0].nodes) for p in model._predictors}
    if splits != {3}:
        sys.exit(f"gbm_sklearn: trees are not stumps (node counts {sorted(splits)})")

    t0 = time.perf_counter()
    prob = model.predict_proba(x_test)[:, 1]
    predict_s = time.perf_counter() - t0

    print(json.dumps({
        "tool": "scikit-learn", "version": sklearn.__version__,
        "read_s": round(read_s, 3), "train_s": round(train_s, 3),
        "predict_s": round(predict_s, 3), "test_auc": round(float(roc_auc_score(y_test, prob)), 6),
        "train_rows": len(y_train), "test_rows": len(y_test), "features": len(features),
        "rounds": model.n_iter_, "threads": args.threads,
    }))


if __name__ == "__main__":
    main()
