#!/usr/bin/python3
"""Reference values for tests/test_value_eval.c, computed independently of churnkit.

The small data set below is copied in test_value_eval.c (keep the two in sync); this
script prints what churnkit's value evaluation must give on it, as C initialisers, with
%.17g digits:
  - totals, MAE and RMSE with numpy;
  - Spearman's rho with scipy.stats.spearmanr (average ranks for ties);
  - the by-frequency means (x = 0..6, 7+) with numpy masks;
  - the tracking curve: for each grid time t, the sum over customers (one by one, not
    grouped) of E[X(t - s_i)] for s_i < t, E[X(t)] from Fader, Hardie & Lee (2005) eq. 7
    evaluated with scipy.special.hyp2f1, and the count of repeat purchases at times <= t.

Run: /usr/bin/python3 tests/value_eval_reference.py (numpy and scipy, Debian's
python3-numpy and python3-scipy).
"""
import numpy as np
from scipy.special import hyp2f1
from scipy.stats import spearmanr

# ---- the data set (the same in test_value_eval.c) ------------------------------------
# 14 customers; no one with x = 5 (an empty row), x = 7, 9 and 12 in "7+"; ties in every
# column.
X = [0, 0, 1, 2, 2, 3, 0, 4, 6, 7, 9, 12, 1, 3]
PREDICTED = [0.12, 0.3, 0.75, 1.4, 0.9, 2.05, 0.12, 2.6, 3.3, 4.1, 5.5, 7.25, 0.75, 1.6]
ACTUAL = [0, 1, 0, 2, 1, 2, 0, 3, 2, 5, 4, 9, 1, 0]
BASELINE = [0, 0, 0.8, 1.6, 1.2, 2.4, 0, 3.5, 4.0, 4.0, 6.75, 10.5, 1.0, 2.4]

# BG/NBD parameters: CDNOW's (FHL 2005, weeks)
R, ALPHA, A, B = 0.243, 4.414, 0.793, 2.426
FIRST = [0, 0, 1.5, 2, 2, 3.25, 5, 5, 5, 8, 10, 11.5, 0.5, 12]
REPEATS = [1, 2.5, 3, 4, 4, 6.5, 7, 8, 9.75, 10, 12, 13.5, 14, 15, 15, 17.25, 18, 20]
GRID = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 26, 39]
CALIBRATION_END = 12.0


def expected_unconditional(t):
    """E[X(t)], FHL (2005) eq. 7."""
    if t <= 0:
        return 0.0
    z = t / (ALPHA + t)
    return (A + B - 1) / (A - 1) * (
        1 - (ALPHA / (ALPHA + t)) ** R * hyp2f1(R, B, A + B - 1, z))


def metrics(pred, act):
    pred, act = np.asarray(pred, float), np.asarray(act, float)
    d = pred - act
    rho = spearmanr(pred, act).correlation
    return [pred.sum(), act.sum(), np.abs(d).mean(), np.sqrt((d * d).mean()), rho]


def c_array(name, values):
    body = ", ".join("%.17g" % v if np.isfinite(v) else "NAN" for v in values)
    print("static const double %s[] = { %s };" % (name, body))


def main():
    x = np.asarray(X, float)
    c_array("REF_MODEL", metrics(PREDICTED, ACTUAL))
    c_array("REF_BASELINE", metrics(BASELINE, ACTUAL))
    counts, pred, act, base = [], [], [], []
    for k in range(8):
        mask = (x >= 7) if k == 7 else (x == k)
        counts.append(float(mask.sum()))
        for out, col in ((pred, PREDICTED), (act, ACTUAL), (base, BASELINE)):
            col = np.asarray(col, float)
            out.append(col[mask].mean() if mask.any() else float("nan"))
    c_array("REF_FREQ_CUSTOMERS", counts)
    c_array("REF_FREQ_PREDICTED", pred)
    c_array("REF_FREQ_ACTUAL", act)
    c_array("REF_FREQ_BASELINE", base)
    track_pred = [sum(expected_unconditional(t - s) for s in FIRST if s < t) for t in GRID]
    track_act = [float(sum(1 for r in REPEATS if r <= t)) for t in GRID]
    c_array("REF_TRACK_PREDICTED", track_pred)
    c_array("REF_TRACK_ACTUAL", track_act)


if __name__ == "__main__":
    main()
