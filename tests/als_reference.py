#!/usr/bin/env python3
"""Independent values for tests/test_als.c: one user half-step and one item half-step of
implicit-feedback ALS (Hu, Koren & Volinsky 2008, eq. 4) and the objective, each straight
from the dense formula with numpy: x_u = (Yᵀ C_u Y + λI)⁻¹ Yᵀ C_u p(u), with the full
diagonal C_u = diag(1 + α w_ui) over every item (1 where u has no interaction), solved by
np.linalg.solve; the objective is Σ C ⊙ (P − X Yᵀ)² + λ (‖X‖² + ‖Y‖²) over the whole
dense matrix.

The inputs are drawn from splitmix64's mixer (the same integer arithmetic as test_als.c,
so both sides build bit-identical data): 30 users × 20 items, an interaction where
u(1, user, item) < 0.3 with weight float32(0.1 + 3 u(2, user, item)); user 7 and item 13
have none. Y0[i][d] = 0.5 (2 u(3, i, d) − 1), X0[u][d] = 0.5 (2 u(4, u, d) − 1), k = 4,
λ = 0.3, α = 2.5.

Output lines: "X u d value" (X1, the user half-step from Y0), "Y i d value" (Y1, the item
half-step from X1), "OBJ 0 0 value" (objective of X0, Y0), "OBJ 1 0 value" (of X1, Y1).
  --c    print the values as a C initializer (pasted into test_als.c once)
Exit 77 when numpy is missing (a ctest skip).
"""
import sys

try:
    import numpy as np
except ImportError:
    print("als_reference: needs python3-numpy", file=sys.stderr)
    sys.exit(77)

M64 = (1 << 64) - 1
N_USERS, N_ITEMS, K = 30, 20, 4
LAMBDA, ALPHA = 0.3, 2.5
EMPTY_USER, EMPTY_ITEM = 7, 13


def mix64(z):
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def unif(tag, a, b):
    """(mix64(tag·1000003 + a·1009 + b + 1) >> 11) · 2⁻⁵³: exact in a double."""
    return (mix64(tag * 1000003 + a * 1009 + b + 1) >> 11) * 2.0**-53


def data():
    w = np.zeros((N_USERS, N_ITEMS))
    for u in range(N_USERS):
        for i in range(N_ITEMS):
            if u != EMPTY_USER and i != EMPTY_ITEM and unif(1, u, i) < 0.3:
                w[u, i] = float(np.float32(0.1 + 3.0 * unif(2, u, i)))
    y0 = np.array([[0.5 * (2.0 * unif(3, i, d) - 1.0) for d in range(K)] for i in range(N_ITEMS)])
    x0 = np.array([[0.5 * (2.0 * unif(4, u, d) - 1.0) for d in range(K)] for u in range(N_USERS)])
    return w, x0, y0


def half_step(w, fixed):
    """Rows of w against the fixed factors: the full formula, one dense solve per row."""
    out = np.empty((w.shape[0], K))
    for r in range(w.shape[0]):
        c = np.diag(1.0 + ALPHA * w[r])
        p = (w[r] > 0).astype(float)
        a = fixed.T @ c @ fixed + LAMBDA * np.eye(K)
        out[r] = np.linalg.solve(a, fixed.T @ c @ p)
    return out


def objective(w, x, y):
    c = 1.0 + ALPHA * w
    p = (w > 0).astype(float)
    return float(np.sum(c * (p - x @ y.T) ** 2) + LAMBDA * (np.sum(x * x) + np.sum(y * y)))


def main():
    w, x0, y0 = data()
    x1 = half_step(w, y0)
    y1 = half_step(w.T, x1)
    lines = []
    lines += [("X", u, d, x1[u, d]) for u in range(N_USERS) for d in range(K)]
    lines += [("Y", i, d, y1[i, d]) for i in range(N_ITEMS) for d in range(K)]
    lines += [("OBJ", 0, 0, objective(w, x0, y0)), ("OBJ", 1, 0, objective(w, x1, y1))]
    if "--c" in sys.argv[1:]:
        for kind, a, b, v in lines:
            print('    "%s %d %d %.17g",' % (kind, a, b, v))
    else:
        for kind, a, b, v in lines:
            print("%s %d %d %.17g" % (kind, a, b, v))


if __name__ == "__main__":
    main()
