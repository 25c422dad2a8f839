#!/usr/bin/env python3
"""Independent values for tests/test_recommend_eval.c: precision@K, recall@K, NDCG@K,
MAP@K, hit rate@K and catalogue coverage of docs/EVAL.md ("Recommendations"), written
straight from the formulas with numpy, on a small random case.

The case (tests/test_recommend_eval.c draws the same one from the same generator): 15
items, 40 customers; every 7th customer (u % 7 == 3) has no holdout item, every 5th
repeats one; scores are integers 0..3 (many ties, broken by the smaller item index);
K = 4 (holdouts often larger) and K = 10 (often larger than the holdout). Methods:
  model    top K of the customer's scores
  popular  top K of one global score, the same list for everyone
  repeat   the customer's known items first (by the global score), then the rest
  short    the model's order without the known items, cut to u % (K + 1) items
           (short and empty lists)

Each output line is: K method variant customers precision recall ndcg map hit_rate
coverage items_recommended (numbers as %.17g).
  --c    print the lines as C string literals (pasted into test_recommend_eval.c once)
Exit 77 when numpy is missing (a ctest skip).
"""
import sys

try:
    import numpy as np
except ImportError:
    print("recommend_eval_reference: needs python3-numpy", file=sys.stderr)
    sys.exit(77)

N_ITEMS = 15
N_CUSTOMERS = 40
KS = (4, 10)
METHODS = ("model", "popular", "repeat", "short")

MASK = (1 << 64) - 1


class Lcg:
    """Knuth's MMIX linear congruential generator, the top 31 bits of the state."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK
        return self.state >> 33


def draw_case():
    rng = Lcg(20261205)
    popularity = np.array([rng.next() % 5 for _ in range(N_ITEMS)])
    customers = []
    for u in range(N_CUSTOMERS):
        truth = [i for i in range(N_ITEMS) if rng.next() % 100 < 20]
        known = [i for i in range(N_ITEMS) if rng.next() % 100 < 30]
        score = np.array([rng.next() % 4 for _ in range(N_ITEMS)])
        if u % 7 == 3:
            truth = []
        if u % 5 == 0 and truth:
            truth = truth + [truth[0]]  # a repeat counts once
        customers.append((truth, known, score))
    return popularity, customers


def order(score):
    """Items by score descending, ties by the smaller index."""
    return sorted(range(N_ITEMS), key=lambda i: (-score[i], i))


def lists(method, k, u, known, score, popularity):
    if method == "model":
        return order(score)[:k]
    if method == "popular":
        return order(popularity)[:k]
    if method == "repeat":
        known_set = set(known)
        return order([popularity[i] + (10 if i in known_set else 0) for i in range(N_ITEMS)])[:k]
    known_set = set(known)
    fresh = [i for i in order(score) if i not in known_set]
    return fresh[: min(k, u % (k + 1))]


def measures(pairs, k):
    """pairs: (list, truth set) per customer; the means over those with a non-empty truth."""
    rows, recommended = [], set()
    for lst, truth in pairs:
        if not truth:
            continue
        recommended.update(lst)
        rel = np.array([1.0 if i in truth else 0.0 for i in lst])
        ranks = np.arange(1, len(lst) + 1, dtype=float)
        m = min(k, len(truth))
        hits = rel.sum()
        dcg = float(np.sum(rel / np.log2(ranks + 1.0)))
        idcg = float(np.sum(1.0 / np.log2(np.arange(1, m + 1, dtype=float) + 1.0)))
        ap = float(np.sum(np.cumsum(rel) / ranks * rel)) / m
        rows.append((hits / k, hits / m, dcg / idcg, ap, 1.0 if hits > 0 else 0.0))
    if not rows:
        nan = float("nan")
        return 0, [nan] * 6, len(recommended)
    a = np.array(rows)
    means = [float(x) for x in a.mean(axis=0)]
    return len(rows), means + [len(recommended) / N_ITEMS], len(recommended)


def main():
    popularity, customers = draw_case()
    out = []
    for k in KS:
        for method in METHODS:
            all_pairs, new_pairs = [], []
            for u, (truth, known, score) in enumerate(customers):
                lst = lists(method, k, u, known, score, popularity)
                assert len(lst) == len(set(lst)) <= k
                known_set = set(known)
                all_pairs.append((lst, set(truth)))
                new_pairs.append(([i for i in lst if i not in known_set],
                                  set(truth) - known_set))
            for variant, pairs in (("all", all_pairs), ("new_items", new_pairs)):
                n, vals, distinct = measures(pairs, k)
                out.append("%d %s %s %d %s %d" % (k, method, variant, n,
                                                  " ".join("%.17g" % v for v in vals), distinct))
    if len(sys.argv) > 1 and sys.argv[1] == "--c":
        for line in out:
            print('    "%s",' % line)
    else:
        print("\n".join(out))


if __name__ == "__main__":
    main()
