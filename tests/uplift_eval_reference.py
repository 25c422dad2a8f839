#!/usr/bin/python3
"""Independent reference for src/eval/uplift_eval.c (docs/EVAL.md, "Uplift").

Written from the formulas alone (numpy cumulative sums, np.trapz-style trapezoids, scipy's
normal quantile for the Wilson intervals), not from the C code. Prints the fixed 40-row data
set of tests/test_uplift_eval.c as C initialisers and the numbers that test hard-codes:

    /usr/bin/python3 tests/uplift_eval_reference.py
"""
import math

import numpy as np
from scipy.stats import norm

# 40 rows: scores on a coarse grid so that many tie (ties broken by id), ids not in score
# order, two arms of unequal size, outcomes from a fixed pattern.
N = 40
ids = ["c%02d" % ((i * 17) % N) for i in range(N)]
score = np.array([round(((i * 7) % 11) / 10.0 - 0.3, 1) for i in range(N)])
treated = np.array([(i * 5 + 1) % 3 != 0 for i in range(N)])
outcome = np.array([1 if ((i * 13) % 7 < 3) != ((i % 4) == 0) else 0 for i in range(N)])


def order(score, ids):
    # descending score, ascending id, then position: np.lexsort sorts by the last key first
    pos = np.arange(len(score))
    id_rank = np.argsort(np.argsort(np.array(ids, dtype=object), kind="stable"), kind="stable")
    return np.lexsort((pos, id_rank, -score))


def curves(t, y):
    """Q(k) and U(k) for k = 0..n of rows already in order."""
    t = t.astype(float)
    y = y.astype(float)
    nt = np.concatenate([[0.0], np.cumsum(t)])
    nc = np.concatenate([[0.0], np.cumsum(1 - t)])
    yt = np.concatenate([[0.0], np.cumsum(y * t)])
    yc = np.concatenate([[0.0], np.cumsum(y * (1 - t))])
    k = np.arange(len(t) + 1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(nc > 0, yt - yc * nt / nc, yt)
        rt = np.where(nt > 0, yt / nt, 0.0)
        rc = np.where(nc > 0, yc / nc, 0.0)
    return q, (rt - rc) * k


def area(f):
    n = len(f) - 1
    x = np.arange(n + 1) / n
    trap = float(np.sum((f[1:] + f[:-1]) / 2.0 * np.diff(x)))
    return trap - f[-1] / 2.0


def qini_stats(t, y):
    q, u = curves(t, y)
    # the perfect order: treated responders, non-responders, control responders
    key = np.where((t == 1) & (y == 1), 0, np.where(y == 0, 1, 2))
    p = np.argsort(key, kind="stable")
    qp, _ = curves(t[p], y[p])
    return q, u, area(q), area(u), area(qp)


def uplift_coefficient(t, y, u):
    """auuc / perfect_auuc. The perfect order for the uplift curve: treated responders,
    control non-responders, treated non-responders, control responders (docs/EVAL.md)."""
    key = np.select([(t == 1) & (y == 1), (t == 0) & (y == 0), (t == 1) & (y == 0)], [0, 1, 2], 3)
    p = np.argsort(key, kind="stable")
    _, up = curves(t[p], y[p])
    return area(u) / area(up), area(up)


def wilson(k, n, z):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def newcombe(k1, n1, k2, n2, level=0.95):
    z = norm.ppf(0.5 + level / 2)
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, z)
    l2, u2 = wilson(k2, n2, z)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def group(t, y):
    nt, nc = int(t.sum()), int((1 - t).sum())
    kt, kc = int((y * t).sum()), int((y * (1 - t)).sum())
    return nt, nc, kt, kc


def main():
    o = order(score, ids)
    t, y = treated[o].astype(int), outcome[o]
    q, u, qa, ua, pa = qini_stats(t, y)
    print("/* data (tests/uplift_eval_reference.py) */")
    print("static const double SCORE[40] = {", ", ".join("%.1f" % s for s in score), "};")
    print("static const bool TREATED[40] = {", ", ".join("1" if v else "0" for v in treated), "};")
    print("static const int OUTCOME[40] = {", ", ".join(str(v) for v in outcome), "};")
    print("static const char *const ID[40] = {", ", ".join('"%s"' % s for s in ids), "};")
    print("order (input positions):", " ".join(str(i) for i in o))
    print("qini_area %.17g" % qa)
    print("auuc %.17g" % ua)
    print("perfect_qini_area %.17g" % pa)
    print("qini %.17g" % (qa / pa))
    uc, upa = uplift_coefficient(t, y, u)
    print("perfect_auuc %.17g" % upa)
    print("uplift_coefficient %.17g" % uc)
    for k in (0, 1, 5, 13, 20, 33, 40):
        print("curve[%d] qini %.17g uplift %.17g" % (k, q[k], u[k]))
    for f in (0.1, 0.2, 0.3, 0.5):
        m = math.ceil(round(f * N, 9))
        nt, nc, kt, kc = group(t[:m], y[:m])
        d, lo, hi = newcombe(kt, nt, kc, nc)
        print("at %.1f rows %d treated %d control %d uplift %.17g low %.17g high %.17g"
              % (f, m, nt, nc, d, lo, hi))
    for g in range(10):
        a, b = (g * N) // 10, ((g + 1) * N) // 10
        nt, nc, kt, kc = group(t[a:b], y[a:b])
        rt = kt / nt if nt else float("nan")
        rc = kc / nc if nc else float("nan")
        print("decile %d rows %d treated %d control %d uplift %.17g" % (g + 1, b - a, nt, nc, rt - rc))
    # perfect and reversed orderings of the same rows, via scores
    key = np.where((treated == 1) & (outcome == 1), 2.0, np.where(outcome == 0, 1.0, 0.0))
    op = order(key, ids)
    _, _, qa_p, _, pa_p = qini_stats(treated[op].astype(int), outcome[op])
    orv = order(-key, ids)
    _, _, qa_r, _, pa_r = qini_stats(treated[orv].astype(int), outcome[orv])
    print("perfect-score qini %.17g, reversed qini %.17g" % (qa_p / pa_p, qa_r / pa_r))
    # the uplift curve's perfect ordering, via scores: treated responders 3, control
    # non-responders 2, treated non-responders 1, control responders 0
    ukey = np.select([(treated == 1) & (outcome == 1), (treated == 0) & (outcome == 0),
                      (treated == 1) & (outcome == 0)], [3.0, 2.0, 1.0], 0.0)
    ou = order(ukey, ids)
    tu, yu = treated[ou].astype(int), outcome[ou]
    print("perfect-score uplift_coefficient %.17g" % uplift_coefficient(tu, yu, curves(tu, yu)[1])[0])
    print("newcombe 56/70 vs 48/80: %.4f %.4f %.4f" % newcombe(56, 70, 48, 80))


if __name__ == "__main__":
    main()
