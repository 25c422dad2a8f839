#!/usr/bin/python3
"""The peers of `churn-train --model logreg` on the benchmark table, on churnkit's own design
matrix, so that every tool minimises the same objective:

    f(w) = C * sum_i log(1 + exp(-y_i w.x_i)) + 1/2 |w|^2,   x_i = (design row, 1)

(LIBLINEAR's L2-regularised logistic regression with -B 1: the bias coefficient is
penalised like the others).

The design matrix is rebuilt here from churnkit's model file (its "terms": centers, scales,
missing indicators), independently of churnkit's C code: each CSV value rounded to float32
as churnkit holds it, then (x - center) / scale, 0 and an indicator of 1 where missing. The
objective of churnkit's own coefficients is then computed on it too, so that every
objective below comes from one formula on one matrix.

- LIBLINEAR's command-line trainer (Debian's liblinear-tools, 2.3): the design written as
  a libsvm file (not timed), then `liblinear-train -s 0 -c C -B 1 -e EPS`, with EPS the
  tolerance rescaled to LIBLINEAR's stopping rule as churnkit's bridge does (EPS = tol * l /
  min(#pos, #neg)). Its reading is timed apart: a run with -e 1e9 stops after the first
  gradient (one pass over the data) and is reported as "read"; train = full run - that.
- scikit-learn's LogisticRegression(solver="lbfgs", fit_intercept=False, C=C) on the design
  with a column of ones appended: scikit-learn does not penalise its own intercept, so the
  bias is given to it as an ordinary (penalised) feature, which makes its objective
  LIBLINEAR's divided by C (the same minimiser). max_iter 1000, tol its default 1e-4 (on
  the largest gradient component); OPENBLAS_NUM_THREADS and OMP_NUM_THREADS = --threads.
  Its "read" is pandas reading the CSVs and building the design.

Prints one JSON line per tool: tool, read_s, train_s, objective, test_auc, iterations and
peak_mb (LIBLINEAR's trainer; this whole process for scikit-learn, the libsvm file written
by it included), then one per churnkit model file given: objective, test_auc on the same
design.

usage: logreg_peers.py TRAIN.csv TEST.csv WORK_DIR --C C --tol TOL --threads N
                       MODEL.json [MODEL.json ...]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

ID, LABEL = "customer_id", "churned"


def design(frame, terms, schema):
    """churnkit's design matrix of a frame, from the model's terms (FORMAT.md)."""
    import numpy as np

    n = len(frame)
    cols = []
    for term in terms:
        name = term["feature"]
        if "level_coefs" in term:
            levels = schema[name]
            values = frame[name].astype("object")
            for level in levels:
                cols.append((values == level).to_numpy(np.float64))
            missing = frame[name].isna().to_numpy()
        else:
            x = frame[name].to_numpy(np.float64).astype(np.float32).astype(np.float64)
            missing = np.isnan(x)
            if term["clip"] is not None:
                x = np.clip(x, term["clip"][0], term["clip"][1])
            z = (x - term["center"]) / term["scale"]
            z[missing] = 0.0
            cols.append(z)
        if term["missing_coef"] is not None:
            cols.append(missing.astype(np.float64))
    cols.append(np.ones(n))
    return np.column_stack(cols)


def coefficients(model):
    """The standardised coefficients in design order, the intercept last."""
    beta = []
    for term in model["body"]["terms"]:
        beta += term["level_coefs"] if "level_coefs" in term else [term["coef"]]
        if term["missing_coef"] is not None:
            beta.append(term["missing_coef"])
    beta.append(model["body"]["intercept"])
    return beta


def objective(w, x, y01, C):
    import numpy as np

    z = x @ w
    return float(C * np.sum(np.logaddexp(0.0, z) - y01 * z) + 0.5 * w @ w)


def liblinear_weights(path, p):
    """w of the +1 class from a LIBLINEAR model file (the bias weight last)."""
    import numpy as np

    with open(path) as f:
        lines = f.read().split("\n")
    labels = next(l for l in lines if l.startswith("label")).split()[1:]
    start = lines.index("w") + 1
    w = np.array([float(l) for l in lines[start:start + p]])
    return w if labels[0] == "1" else -w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("work")
    ap.add_argument("models", nargs="+")
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--tol", type=float, default=1e-7)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(args.threads)

    import numpy as np
    import pandas as pd
    import sklearn
    from sklearn.datasets import dump_svmlight_file
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    with open(args.models[0]) as f:
        reference = json.load(f)
    schema = {f["name"]: f.get("levels") for f in reference["feature_spec"]["schema"]}
    terms = reference["body"]["terms"]

    t0 = time.perf_counter()
    train = pd.read_csv(args.train, dtype={ID: str})
    test = pd.read_csv(args.test, dtype={ID: str})
    x_train, x_test = design(train, terms, schema), design(test, terms, schema)
    y_train = train[LABEL].to_numpy(np.float64)
    y_test = test[LABEL].to_numpy()
    read_s = time.perf_counter() - t0
    n, p = x_train.shape

    # LIBLINEAR's trainer on the design (its bias feature stands for the ones column)
    svm = os.path.join(args.work, "train.svm")
    if not os.path.exists(svm):
        with open(svm + ".tmp", "wb") as f:
            dump_svmlight_file(x_train[:, :-1], np.where(y_train > 0.5, 1, -1), f,
                               zero_based=False)
        os.replace(svm + ".tmp", svm)
    pos = int(y_train.sum())
    eps = args.tol * n / max(min(pos, n - pos), 1)
    ll_model = os.path.join(args.work, "liblinear.model")

    ll_kb = os.path.join(args.work, "liblinear.kb")

    def liblinear(eps_value):
        # /usr/bin/time for the peak memory: a child forked from this process would count
        # this process's pages in its own peak until its exec
        t = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", ll_kb, "liblinear-train", "-s",
                              "0", "-c", repr(args.C), "-B", "1", "-e", repr(eps_value), svm,
                              ll_model], check=True, capture_output=True, text=True).stdout
        return time.perf_counter() - t, out

    ll_read, _ = liblinear(1e9)
    ll_total, out = liblinear(eps)
    w = liblinear_weights(ll_model, p)
    with open(ll_kb) as f:
        ll_mb = int(f.read().split()[-1]) / 1024
    print(json.dumps({
        "tool": "liblinear-train", "version": "2.3", "peak_mb": round(ll_mb),
        "read_s": round(ll_read, 3), "train_s": round(ll_total - ll_read, 3),
        "objective": objective(w, x_train, y_train, args.C),
        "test_auc": round(float(roc_auc_score(y_test, x_test @ w)), 6),
        "iterations": sum(1 for l in out.splitlines() if l.startswith("iter")), "eps": eps}))

    # scikit-learn, the bias as a penalised feature (fit_intercept=False)
    model = LogisticRegression(C=args.C, fit_intercept=False, solver="lbfgs", max_iter=1000)
    t = time.perf_counter()
    model.fit(x_train, y_train)
    train_s = time.perf_counter() - t
    w = model.coef_.ravel()
    sk_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "tool": "scikit-learn", "version": sklearn.__version__, "peak_mb": round(sk_mb),
        "read_s": round(read_s, 3),
        "train_s": round(train_s, 3), "objective": objective(w, x_train, y_train, args.C),
        "test_auc": round(float(roc_auc_score(y_test, x_test @ w)), 6),
        "iterations": int(model.n_iter_[0])}))

    # churnkit's models, on the same matrix
    for path in args.models:
        with open(path) as f:
            m = json.load(f)
        def prep(t):
            return t["feature"], t.get("center"), t.get("scale"), t.get("clip"), \
                t["missing_coef"] is None
        if [prep(t) for t in m["body"]["terms"]] != [prep(t) for t in terms]:
            sys.exit(f"logreg_peers: {path}: another preprocessing than {args.models[0]}")
        w = np.array(coefficients(m))
        print(json.dumps({
            "model": path, "solver": m["params"]["solver"],
            "objective": objective(w, x_train, y_train, args.C),
            "reported_objective": m["metrics"]["objective"],
            "test_auc": round(float(roc_auc_score(y_test, x_test @ w)), 6),
            "iterations": m["metrics"]["iterations"]}))


if __name__ == "__main__":
    main()
