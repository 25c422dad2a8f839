#!/usr/bin/python3
"""Uplift models against churn-synth's true per-customer uplift, measured independently.

churn-synth runs a recall campaign whose effects differ per customer (the price-sensitive
answer the discount, the high spenders VIP treatment, the quiet browsers content, and the
faded quiet ones are put off by contact) and writes each assigned customer's true uplift
per arm. Half of the assigned customers (even ids) train churn-train --model uplift, with
the T- and the X-learner; churn-predict scores everyone as of the campaign day; here, on
the other half, with numpy and scipy only:

- the Spearman correlation of each arm's predicted uplift with the true uplift;
- the Qini area (docs/EVAL.md, Uplift: Q(k) = Y_T(k) - Y_C(k) N_T(k)/N_C(k), trapezoid over
  k/n, minus the random line) of four orderings of the arm's and the control's customers:
  the model's, the true uplift's, the segment rule's (the customers churnkit's rules give
  the arm first: vip for RFM monetary score 5, then discount for a coupon share of 0.3 or
  more, then new arrivals for launch buyers, content for the rest; from churn-features as
  of the campaign day), and random ones. The generator's own latent segment (the arm's
  designed segment first) is printed beside them: an oracle no marketer has.
  Both on the outcomes that happened and on their expectations (each customer's true
  conversion probability in the arm it was in), where chance cannot reorder them.

It asserts: Spearman above a floor (0.45) for every arm and learner; the model's Qini above the
best of 20 random orderings and above the segment rule's; the true ordering's expected
Qini the best of all. Usage: uplift_check.py BIN_DIR WORK_DIR. Prints what it measured.
"""
import json
import os
import shutil
import subprocess
import sys

try:
    import numpy as np
    from scipy.stats import spearmanr
except ImportError:
    print("numpy and scipy are not installed: skipped")
    sys.exit(77)

BIN, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
CAMPAIGN, WINDOW = "2025-11-01", "30"
TARGET = {"discount": "price_sensitive", "vip": "high_value", "content": "low_interaction"}


def rule_arm(f):
    """The arm churnkit's default strategy rules give a customer (src/score/enrich.c, the
    risk band aside): vip, discount, new arrival or content."""
    num = lambda k: float(f[k]) if f[k] not in ("", "NA") else float("nan")
    if num("m_score") >= 5:
        return "vip"
    if num("coupon_share") >= 0.3:
        return "discount"
    if (f["lifecycle_stage"] in ("new", "active") and num("frequency") <= 3
            and num("recency_gap_ratio") >= 1.5):
        return "new_arrival"
    return "content"
SPEARMAN_FLOOR = 0.45  # reached: T 0.55 / 0.49 / 0.64, X 0.62 / 0.59 / 0.70


def run(*args):
    subprocess.run([os.path.join(BIN, args[0])] + list(args[1:]), check=True, cwd=WORK,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def qini_area(order_key, treated, y, rng=None):
    """Area between the Qini curve of rows sorted by order_key (descending; ties in input
    order, or at random with rng) and the random line."""
    n = len(y)
    tie = rng.random(n) if rng is not None else -np.arange(n, dtype=float)
    order = np.lexsort((-tie, -order_key))
    t, yy = treated[order], y[order]
    n_t, n_c = np.cumsum(t), np.cumsum(~t)
    y_t, y_c = np.cumsum(yy * t), np.cumsum(yy * ~t)
    q = y_t - np.where(n_c > 0, y_c * n_t / np.maximum(n_c, 1), 0.0)
    q = np.concatenate(([0.0], q))
    return np.sum((q[:-1] + q[1:]) / 2) / n - q[-1] / 2


def main():
    os.makedirs(WORK, exist_ok=True)
    run("churn-synth", "--customers", "200000", "--days", "730", "--seed", "21", "--out",
        "events.csv", "--campaign-out", "assignments.csv", "--campaign-date", CAMPAIGN,
        "--campaign-window", WINDOW, "--truth-out", "truth.json")
    with open(os.path.join(WORK, "assignments.csv")) as f:
        header, *rows = f.read().splitlines()
    train = [r for r in rows if int(r.split(",")[0][1:]) % 2 == 0]
    with open(os.path.join(WORK, "train.csv"), "w") as f:
        f.write("\n".join([header] + train) + "\n")

    truth = {}
    with open(os.path.join(WORK, "truth.json")) as f:
        for c in json.load(f)["customers"]:
            if c["campaign"] is not None:
                truth[c["id"]] = c
    test = [i for i in truth if int(i[1:]) % 2 == 1]
    run("churn-features", "--events", "events.csv", "--cutoff", CAMPAIGN, "--all-customers",
        "--out", "features.csv")
    with open(os.path.join(WORK, "features.csv")) as f:
        names = f.readline().strip().split(",")
        rules = {}
        for line in f:
            row = dict(zip(names, line.rstrip("\n").split(",")))
            if row["customer_id"] in truth:
                rules[row["customer_id"]] = rule_arm(row)

    failures = []
    for method in ("t", "x"):
        run("churn-train", "--model", "uplift", "--uplift-method", method, "--events",
            "events.csv", "--assignments", "train.csv", "--window", WINDOW, "--out",
            method + ".json")
        run("churn-predict", "--model", method + ".json", "--events", "events.csv",
            "--as-of", CAMPAIGN, "--out", method + ".csv")
        with open(os.path.join(WORK, method + ".csv")) as f:
            cols = f.readline().strip().split(",")
            pred = {line.split(",")[0]: line.strip().split(",") for line in f}
        for arm, segment in TARGET.items():
            k = cols.index("uplift_" + arm)
            ids = [i for i in test if i in pred]
            model = np.array([float(pred[i][k]) for i in ids])
            true = np.array([truth[i]["campaign"]["uplift"][arm] for i in ids])
            rho = spearmanr(model, true)[0]
            # the arm's and the control's test customers, for the Qini orderings
            rows = [j for j, i in enumerate(ids) if truth[i]["campaign"]["arm"] in (arm, "control")]
            camp = [truth[ids[j]]["campaign"] for j in rows]
            treated = np.array([c["arm"] == arm for c in camp])
            y = np.array([c["outcome"] in ("natural", "recall") for c in camp], dtype=float)
            p0 = np.array([c["p0"] for c in camp])
            q = np.array([c["q"] for c in camp])
            expected = np.where(q >= 0, p0 + (1 - p0) * q, p0 * (1 + q))
            rule = np.array([float(rules.get(ids[j]) == arm) for j in rows])
            oracle = np.array([float(truth[ids[j]]["segment"] == segment) for j in rows])
            rng = np.random.default_rng(5)
            result = {}
            for name, outcome in (("outcomes", y), ("expected", expected)):
                result[name] = {
                    "model": qini_area(model[rows], treated, outcome),
                    "true": qini_area(true[rows], treated, outcome),
                    "rule": qini_area(rule, treated, outcome, np.random.default_rng(7)),
                    "oracle": qini_area(oracle, treated, outcome, np.random.default_rng(7)),
                    "random": max(qini_area(np.zeros(len(rows)), treated, outcome, rng)
                                  for _ in range(20)),
                }
            print("%s %-8s rows %5d spearman %.3f  qini model %6.2f true %6.2f rule %6.2f "
                  "best-random %6.2f latent-segment %6.2f | expected: model %6.2f true %6.2f "
                  "rule %6.2f latent-segment %6.2f"
                  % (method, arm, len(rows), rho, *(result["outcomes"][s] for s in
                     ("model", "true", "rule", "random", "oracle")),
                     *(result["expected"][s] for s in ("model", "true", "rule", "oracle"))))
            r, e = result["outcomes"], result["expected"]
            checks = {
                "spearman %.3f >= %.2f" % (rho, SPEARMAN_FLOOR): rho >= SPEARMAN_FLOOR,
                "qini beats random": r["model"] > r["random"],
                "qini beats the segment rule": r["model"] > r["rule"],
                "expected qini beats the segment rule": e["model"] > e["rule"],
                "true ordering best (expected)": e["true"] >= max(e["model"], e["rule"]),
            }
            failures += ["%s %s: %s" % (method, arm, c) for c, ok in checks.items() if not ok]
    for f in failures:
        print("FAIL", f)
    if not failures:  # half a gigabyte of events; kept to look at when something failed
        shutil.rmtree(WORK)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
