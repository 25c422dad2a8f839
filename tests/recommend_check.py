#!/usr/bin/env python3
"""The recommender end to end on churn-synth's products, checked independently.

churn-synth writes a brand whose customers have latent tastes (a favourite category, a taste
vector, a repeat propensity) and, with --holdout-from, each customer's purchased items from
the cutoff on. Recommenders are trained before the cutoff (churn-train --model recommend),
their lists written (churn-predict, with and without --exclude-purchased) and evaluated
(churn-eval). This script recomputes, with pandas and the synth's truth only:

- every measure churn-eval gives the model, in both variants, from churn-predict's lists,
  the events before the cutoff (what each customer knew, the catalogue) and the synth's
  holdout purchases (docs/EVAL.md, "Recommendations"), to 1e-12;
- ALS and item-kNN beat the popularity baseline clearly on recall@10 (by 30% or more), the
  default blend is at least as good as the best baseline on all items and on new items;
- the learned factors recover the catalogue's structure: ALS's item factors tell an item's
  category (ridge regression on one-hot categories, 5-fold cross-validated, the 1,000 most
  popular items) at least twice as often as the commonest category's share, and
  ALS's new-item picks fall in the customer's latent favourite category more often than
  picks drawn like the purchases before the cutoff would.

Needs numpy (exit 77, a skip, without it).
Usage: recommend_check.py SYNTH TRAIN PREDICT EVAL WORKDIR
"""
import csv
import json
import math
import os
import subprocess
import sys
from collections import Counter, defaultdict

try:
    import numpy as np
except ImportError:
    sys.exit(77)

CUTOFF = "2025-10-02"
HORIZON = 60  # days of the holdout, 2025-10-02 .. 2025-11-30
K = 10


def run(*args):
    subprocess.run([str(a) for a in args], check=True, capture_output=True)


def lists(path):
    with open(path, newline="") as f:
        return {r["customer_id"]: r["recommended_items"].split(";") if r["recommended_items"]
                else [] for r in csv.DictReader(f)}


def measures(picks, truth, known, catalogue_size, new_only):
    """Means over the customers with a non-empty truth (T, or T minus the known items)."""
    sums = dict(precision=0.0, recall=0.0, ndcg=0.0, map=0.0, hit_rate=0.0)
    items, n = set(), 0
    for c, t in truth.items():
        t = t - known[c] if new_only else t
        if not t:
            continue
        n += 1
        m = min(K, len(t))
        lst = picks.get(c, [])[:K]
        items.update(lst)
        hits, dcg, ap = 0, 0.0, 0.0
        for r, item in enumerate(lst, 1):
            if item in t:
                hits += 1
                dcg += 1 / math.log2(r + 1)
                ap += hits / r
        idcg = sum(1 / math.log2(r + 1) for r in range(1, m + 1))
        sums["precision"] += hits / K
        sums["recall"] += hits / m
        sums["ndcg"] += dcg / idcg
        sums["map"] += ap / m
        sums["hit_rate"] += hits > 0
    res = {k: v / n for k, v in sums.items()}
    res["customers"] = n
    res["coverage"] = len(items) / catalogue_size
    return res


def main():
    synth, train, predict, evaluate, work = sys.argv[1:6]
    os.makedirs(work, exist_ok=True)
    ev_path = os.path.join(work, "events.csv")
    truth_path = os.path.join(work, "truth.json")
    run(synth, "--customers", 8000, "--days", 730, "--seed", 11, "--out", ev_path,
        "--truth-out", truth_path, "--holdout-from", CUTOFF, "-q")

    # what each customer interacted with before the cutoff (the default weights' events),
    # each item's category, the purchases before the cutoff and in the holdout
    known, holdout = defaultdict(set), defaultdict(set)
    category, bought = {}, Counter()
    with open(ev_path, newline="") as f:
        for r in csv.DictReader(f):
            if not r["item"]:
                continue
            if r["ts"] < CUTOFF and r["event"] in ("purchase", "cart", "favorite", "view"):
                known[r["customer_id"]].add(r["item"])
                if r["category"]:
                    category[r["item"]] = r["category"]
                bought[r["category"]] += r["event"] == "purchase"
            elif CUTOFF <= r["ts"] < "2025-12-01" and r["event"] == "purchase":
                holdout[r["customer_id"]].add(r["item"])
    catalogue = set().union(*known.values())
    with open(truth_path) as f:
        customers = json.load(f)["customers"]
    # the holdout's purchases, from the events; each is among what the synth says the
    # customer bought from the cutoff on
    synth_holdout = {c["id"]: set(c["holdout_purchases"]) for c in customers}
    truth = {}
    for c, items in holdout.items():
        assert items <= synth_holdout[c], c
        t = items & catalogue
        if c in known and t:
            truth[c] = t

    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    results = {}
    for method in ["blend", "als", "itemknn", "ease"]:
        model = os.path.join(work, method + ".json")
        run(train, "--model", "recommend", "--method", method, "--events", ev_path, "--cutoff",
            CUTOFF, "--factors", 32, "--threads", 2, "--out", model, "-q")
        got = {}
        for new_only in (False, True):
            out = os.path.join(work, "%s%s.csv" % (method, "_new" if new_only else ""))
            run(predict, "--model", model, "--events", ev_path, "--as-of", CUTOFF, "--top", K,
                *(["--exclude-purchased"] if new_only else []), "--out", out, "-q")
            got["new_items" if new_only else "all"] = (lists(out), new_only)
        js = os.path.join(work, method + "_eval.json")
        run(evaluate, "--model", model, "--events", ev_path, "--cutoff", CUTOFF, "--top", K,
            "--horizon-days", HORIZON, "--json", js, "-q")
        with open(js) as f:
            report = json.load(f)["recommend"]
        check(report["customers"] == len(truth),
              "%s: churn-eval evaluates the %d customers with history and holdout purchases "
              "(got %d)" % (method, len(truth), report["customers"]))
        me = report["methods"][0]
        for variant, (picks, new_only) in got.items():
            mine = measures(picks, truth, known, len(catalogue), new_only)
            for key, value in mine.items():
                theirs = me[variant][key]
                check(abs(value - theirs) <= 1e-12,
                      "%s %s %s: %.15g (pandas) = %.15g (churn-eval)"
                      % (method, variant, key, value, theirs))
        results[method] = report

    def recall(method, variant, index=0):
        return results[method]["methods"][index][variant]["recall"]

    popular, repeat = (lambda v: recall("blend", v, 1)), (lambda v: recall("blend", v, 2))
    for method in ["als", "itemknn"]:
        check(recall(method, "all") >= 1.3 * popular("all"),
              "%s recall@10 %.4f beats popularity's %.4f by 30%% or more"
              % (method, recall(method, "all"), popular("all")))
    check(recall("blend", "all") >= max(popular("all"), repeat("all")),
          "the blend's recall@10 on all items %.4f >= the best baseline's %.4f"
          % (recall("blend", "all"), max(popular("all"), repeat("all"))))
    check(recall("blend", "new_items") >= popular("new_items"),
          "the blend's recall@10 on new items %.4f >= popularity's %.4f"
          % (recall("blend", "new_items"), popular("new_items")))
    print("recall@10 all / new: " + ", ".join(
        "%s %.4f / %.4f" % (m, recall(m, "all"), recall(m, "new_items")) for m in results) +
        ", popular %.4f / %.4f, repeat %.4f / %.4f"
        % (popular("all"), popular("new_items"), repeat("all"), repeat("new_items")))

    # the catalogue's structure in ALS's item factors: an item's category, cross-validated
    with open(os.path.join(work, "als.json")) as f:
        body = json.load(f)["body"]
    ids = body["items"]
    factors = np.array(body["als"]["item_factors"]).reshape(len(ids), -1)
    top = np.argsort(-np.array(body["popularity"]), kind="stable")[:1000]
    names = sorted({category[ids[j]] for j in top})
    x = np.hstack([factors[top], np.ones((len(top), 1))])
    y = np.array([names.index(category[ids[j]]) for j in top])
    right = 0
    for fold in range(5):
        test = np.arange(len(top)) % 5 == fold
        a = x[~test]
        w = np.linalg.solve(a.T @ a + 1e-3 * np.eye(a.shape[1]), a.T @ np.eye(len(names))[y[~test]])
        right += int(((x[test] @ w).argmax(1) == y[test]).sum())
    accuracy, commonest = right / len(top), np.bincount(y).max() / len(top)
    check(accuracy >= 2 * commonest,
          "ALS's item factors tell the category of %.3f of the items (the commonest category "
          "is %.3f of them)" % (accuracy, commonest))

    # ALS's new-item picks in the customer's latent favourite category
    favourite = {c["id"]: c["favourite_category"] for c in customers}
    total = sum(bought.values())
    share, chance, n = 0.0, 0.0, 0
    for c, lst in lists(os.path.join(work, "als_new.csv")).items():
        if lst:
            share += sum(category.get(i) == favourite[c] for i in lst) / len(lst)
            chance += bought[favourite[c]] / total
            n += 1
    check(share / n > 1.1 * chance / n,
          "ALS's new-item picks are in the favourite category %.3f of the time, against %.3f "
          "for picks drawn like the purchases" % (share / n, chance / n))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
