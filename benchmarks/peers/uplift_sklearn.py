#!/usr/bin/python3
"""The scikit-learn peer of `churn-train --model uplift --uplift-method t`: a T-learner of
HistGradientBoostingClassifier, one model of the conversion probability per arm, each fit
on its arm's rows; the uplift of an arm is its model's probability minus the control
model's. No uplift library is used: scikit-uplift and causalml are not installed here
(nor packaged for Debian 12), so this is the peer.

Settings mirror churn-train's uplift defaults: stumps (max_depth=1; in scikit-learn 1.2
this grows one split per tree, checked below), learning_rate 0.05, max_iter 300,
min_samples_leaf 100, l2_regularization 10, max_bins 64, early stopping on the loss of
validation_fraction 0.2 of the arm with n_iter_no_change 30 (churnkit's --patience 30),
random_state 42, two OpenMP threads (OMP_NUM_THREADS, set before scikit-learn loads).
One difference stays: churnkit refits each arm's model on all of its rows with the rounds
kept, scikit-learn keeps the model fit on the other 80% (less work for scikit-learn).

Prints one JSON line: read_s (pandas reading both CSVs and taking the float32 matrices),
train_s (fitting every arm's model, binning included), predict_s (predict_proba of every
arm's model on the test rows, from memory), each arm's rows and n_iter_. Writes the test
predictions (id, p_<arm>, uplift_<treatment arm>) to --pred, untimed.

usage: uplift_sklearn.py TRAIN.csv TEST.csv --pred OUT.csv [--threads N] [--control NAME]
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
    ap.add_argument("--pred", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--control", default="control")
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)

    import numpy as np
    import pandas as pd
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier

    ID, LABEL, ARM = "id", "converted", "arm"
    t0 = time.perf_counter()
    train = pd.read_csv(args.train, dtype={ID: str, ARM: str})
    test = pd.read_csv(args.test, dtype={ID: str, ARM: str})
    features = [c for c in train.columns if c not in (ID, LABEL, ARM)]
    x_train = train[features].to_numpy(np.float32)
    y_train = train[LABEL].to_numpy()
    arm_train = train[ARM].to_numpy()
    x_test = test[features].to_numpy(np.float32)
    read_s = time.perf_counter() - t0

    arms = sorted(set(arm_train))
    if args.control not in arms:
        sys.exit(f"uplift_sklearn: no control arm \"{args.control}\"")
    models, rows = {}, {}
    t0 = time.perf_counter()
    for arm in arms:
        mask = arm_train == arm
        model = HistGradientBoostingClassifier(
            loss="log_loss", learning_rate=0.05, max_iter=300, max_depth=1,
            min_samples_leaf=100, l2_regularization=10.0, max_bins=64,
            early_stopping=True, scoring="loss", validation_fraction=0.2,
            n_iter_no_change=30, random_state=42)
        model.fit(x_train[mask], y_train[mask])
        models[arm], rows[arm] = model, int(mask.sum())
    train_s = time.perf_counter() - t0
    for arm, model in models.items():
        splits = {len(p[0].nodes) for p in model._predictors}
        if not splits <= {1, 3}:
            sys.exit(f"uplift_sklearn: {arm}'s trees are not stumps (node counts {sorted(splits)})")

    t0 = time.perf_counter()
    prob = {arm: model.predict_proba(x_test)[:, 1] for arm, model in models.items()}
    predict_s = time.perf_counter() - t0

    out = pd.DataFrame({ID: test[ID]})
    for arm in arms:
        out[f"p_{arm}"] = prob[arm]
    for arm in arms:
        if arm != args.control:
            out[f"uplift_{arm}"] = prob[arm] - prob[args.control]
    tmp = f"{args.pred}.tmp.{os.getpid()}"
    out.to_csv(tmp, index=False, float_format="%.8g")
    os.replace(tmp, args.pred)

    print(json.dumps({
        "tool": "scikit-learn", "version": sklearn.__version__,
        "read_s": round(read_s, 3), "train_s": round(train_s, 3),
        "predict_s": round(predict_s, 3), "train_rows": len(y_train),
        "test_rows": len(x_test), "features": len(features), "threads": args.threads,
        "arms": {arm: {"rows": rows[arm], "n_iter": int(models[arm].n_iter_)} for arm in arms},
    }))


if __name__ == "__main__":
    main()
