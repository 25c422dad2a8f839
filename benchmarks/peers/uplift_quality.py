#!/usr/bin/python3
"""Quality of uplift predictions on the benchmark's test table, by the same numpy code for
every tool: per treatment arm, the Spearman correlation of the predicted uplift with the
true uplift (truth file from make_uplift_table.py) over all test rows, and, on the test
rows of that arm and of control with their observed outcomes, the Qini area and the Qini
coefficient as docs/EVAL.md defines them (rows sorted by predicted uplift descending, ties
by id; Q(k) = Y_T(k) - Y_C(k) N_T(k) / N_C(k) at every row prefix; area by the trapezoid
rule over k/n minus the random line; coefficient = area / the perfect ordering's area).
A row `true uplift` ranks by the truth itself, the best any model could rank.

usage: uplift_quality.py TEST.csv TRUTH.csv NAME=PRED.csv... [--control NAME]
  PRED.csv holds id and uplift_<arm> per treatment arm (churn-predict's and
  uplift_sklearn.py's outputs do)
"""
import argparse

import numpy as np
import pandas as pd
from scipy.stats import spearmanr


def qini_curve(treated, y):
    """Q(k) for k = 0..n of rows already in ranking order."""
    nt = np.concatenate(([0], np.cumsum(treated)))
    nc = np.concatenate(([0], np.cumsum(~treated)))
    yt = np.concatenate(([0], np.cumsum(y * treated)))
    yc = np.concatenate(([0], np.cumsum(y * ~treated)))
    ratio = np.divide(nt, nc, out=np.zeros(len(nt)), where=nc > 0)
    return yt - yc * ratio


def area(q):
    n = len(q) - 1
    return float(np.sum((q[:-1] + q[1:]) / 2) / n - q[-1] / 2)


def qini(score, ids, treated, y):
    order = np.lexsort((ids, -score))  # last key first: score descending, then id
    model_area = area(qini_curve(treated[order], y[order]))
    # perfect: treated responders, then every non-responder, then control responders
    group = np.where(y == 1, np.where(treated, 0, 2), 1)
    perfect = np.argsort(group, kind="stable")
    perfect_area = area(qini_curve(treated[perfect], y[perfect]))
    return model_area, (model_area / perfect_area if perfect_area != 0 else float("nan"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("test")
    ap.add_argument("truth")
    ap.add_argument("preds", nargs="+", metavar="NAME=PRED.csv")
    ap.add_argument("--control", default="control")
    args = ap.parse_args()

    test = pd.read_csv(args.test, usecols=["id", "arm", "converted"], dtype={"id": str})
    truth = pd.read_csv(args.truth, dtype={"id": str})
    if not (truth["id"].to_numpy() == test["id"].to_numpy()).all():
        raise SystemExit("uplift_quality: the truth file's ids differ from the test table's")
    arms = [c[len("uplift_"):] for c in truth.columns if c.startswith("uplift_")]
    ids = test["id"].to_numpy().astype(str)
    arm = test["arm"].to_numpy().astype(str)
    y = test["converted"].to_numpy().astype(np.int64)

    sources = [("true uplift", truth)]
    for spec in args.preds:
        name, path = spec.split("=", 1)
        pred = pd.read_csv(path, dtype={"id": str}).set_index("id").loc[test["id"]]
        sources.append((name, pred.reset_index()))

    print(f"{'model':<22} {'arm':<10} {'spearman':>9} {'qini area':>10} {'qini coef':>10}")
    for name, frame in sources:
        for a in arms:
            score = frame[f"uplift_{a}"].to_numpy(np.float64)
            rho = spearmanr(score, truth[f"uplift_{a}"]).correlation
            keep = (arm == a) | (arm == args.control)
            q_area, q_coef = qini(score[keep], ids[keep], arm[keep] == a, y[keep])
            print(f"{name:<22} {a:<10} {rho:>9.4f} {q_area:>10.2f} {q_coef:>10.4f}")
    counts = ", ".join(f"{a} {int((arm == a).sum())} rows, {int(y[arm == a].sum())} converted"
                       for a in [args.control] + arms)
    print(f"test rows: {counts}")


if __name__ == "__main__":
    main()
