#!/usr/bin/env python3
"""Reference values for test_metrics.c's DeLong case, computed independently of churnkit.

DeLong, DeLong & Clarke-Pearson (1988) straight from the paper: the kernel psi over every
(positive, negative) pair (O(m n), no ranks), the structural components V10 and V01, their
sample covariance matrices S10 and S01 (divisor m - 1 and n - 1), S = S10/m + S01/n, and the
two-sided p-value of z = (AUC_b - AUC_a) / sqrt(S_aa + S_bb - 2 S_ab) from scipy's normal
distribution. The 95% interval is diff +- norm.ppf(0.975) * se. Run with Debian's
python3-numpy and python3-scipy: `python3 delong_reference.py`.
"""
import numpy as np
from scipy.stats import norm

# the rows of test_metrics__delong_matches_reference (scores with ties on purpose)
score_a = [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.4, 0.3, 0.3, 0.2, 0.1, 0.7, 0.2,
           0.9, 0.4, 0.6, 0.5, 0.1]
score_b = [0.7, 0.9, 0.6, 0.8, 0.6, 0.4, 0.7, 0.3, 0.5, 0.2, 0.4, 0.3, 0.2, 0.5, 0.1,
           0.8, 0.6, 0.3, 0.2, 0.4]
label = [1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0]


def psi(x, y):
    return 1.0 if x > y else 0.5 if x == y else 0.0


def components(score):
    pos = [s for s, y in zip(score, label) if y == 1]
    neg = [s for s, y in zip(score, label) if y == 0]
    v10 = np.array([np.mean([psi(x, y) for y in neg]) for x in pos])
    v01 = np.array([np.mean([psi(x, y) for x in pos]) for y in neg])
    return v10, v01


v10a, v01a = components(score_a)
v10b, v01b = components(score_b)
m, n = len(v10a), len(v01a)
s10 = np.cov(np.vstack([v10a, v10b]))  # divisor m - 1
s01 = np.cov(np.vstack([v01a, v01b]))  # divisor n - 1
s = s10 / m + s01 / n
auc_a, auc_b = v10a.mean(), v10b.mean()
diff = auc_b - auc_a
se = np.sqrt(s[0, 0] + s[1, 1] - 2 * s[0, 1])
z = diff / se
p = 2 * norm.sf(abs(z))
q = norm.ppf(0.975)
for name, v in [("auc_a", auc_a), ("auc_b", auc_b), ("var_a", s[0, 0]), ("var_b", s[1, 1]),
                ("cov", s[0, 1]), ("se", se), ("z", z), ("p", p),
                ("ci_lo", diff - q * se), ("ci_hi", diff + q * se)]:
    print(f"{name} {v:.17g}")
