#!/usr/bin/env python3
"""Independent values for tests/test_item_models.c (`test_item_models --reference FILE`),
computed with numpy from the formulas, dense, with nothing shared with churnkit:

  EASE (Steck 2019, eq. 8): G = XᵀX + λI, P = G⁻¹ (np.linalg.inv), B = I − P diagMat(1/diag P),
       diag(B) = 0; X binary (1 where a weight is present) or the weights themselves.
  item-kNN: S = XᵀX / (‖x_i‖ ‖x_j‖) (zero for an item without customers), the item itself
       left out, each item's k largest S_ij > 0 by (−S_ij, j) (ties: the smaller index).
  scores: x_u B; Σ_i w_ui S_k[i, :] over the kept neighbours; popularity: column sums.

Random matrices from a seeded numpy generator; weights are float32 (as churnkit keeps
them) and printed with 17 digits, so both sides read the same numbers. Output lines:
  matrix NAME N_USERS N_ITEMS
  row U N_ENTRIES item weight ...
  pop v_0 ... v_{n-1}
  ease BINARY LAMBDA      then N_ITEMS lines: B I b_i0 ... b_i(n-1)
  escore BINARY LAMBDA U s_0 ... s_{n-1}
  knn K                  then N_ITEMS lines: N I COUNT j s j s ...
  kscore K U s_0 ... s_{n-1}
Exit 77 when numpy is missing (a ctest skip).
"""
import sys

try:
    import numpy as np
except ImportError:
    print("item_models_reference: needs python3-numpy", file=sys.stderr)
    sys.exit(77)

# name, seed, users, items, density, weighted, EASE lambdas, kNN ks
CASES = [
    ("binary", 11, 60, 20, 0.20, False, [0.5, 5.0], [3, 25]),
    ("weighted", 12, 50, 25, 0.25, True, [1.0, 10.0], [1, 4]),
    ("sparse", 13, 80, 30, 0.05, True, [2.0], [5]),
]


def fmt(v):
    return "%.17g" % v


def matrix(seed, n_users, n_items, density, weighted):
    rng = np.random.default_rng(seed)
    mask = rng.random((n_users, n_items)) < density
    mask[:, n_items - 1] = False  # an item nobody has
    mask[0, :] = False  # a customer with nothing
    if weighted:
        w = rng.choice(np.array([0.1, 0.5, 1.0, 1.5, 2.0, 3.7], dtype=np.float32),
                       size=(n_users, n_items)) * rng.uniform(0.5, 2.0, (n_users, n_items))
        w = w.astype(np.float32)
    else:
        w = np.ones((n_users, n_items), dtype=np.float32)
    return np.where(mask, w, np.float32(0)).astype(np.float32)


def ease(x, lam):
    g = x.T @ x + lam * np.eye(x.shape[1])
    p = np.linalg.inv(g)
    b = p / (-np.diag(p))
    np.fill_diagonal(b, 0.0)
    return b


def knn(x, k):
    n = x.shape[1]
    norm = np.sqrt((x * x).sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (x.T @ x) / np.outer(norm, norm)
    s[~np.isfinite(s)] = 0.0
    np.fill_diagonal(s, 0.0)
    lists, sk = [], np.zeros((n, n))
    for i in range(n):
        cand = [j for j in range(n) if s[i, j] > 0]
        cand.sort(key=lambda j: (-s[i, j], j))
        cand = cand[:k]
        lists.append([(j, s[i, j]) for j in cand])
        for j in cand:
            sk[i, j] = s[i, j]
    return lists, sk


def main():
    out = []
    for name, seed, n_users, n_items, density, weighted, lambdas, ks in CASES:
        x32 = matrix(seed, n_users, n_items, density, weighted)
        x = x32.astype(np.float64)
        xb = (x > 0).astype(np.float64)
        out.append("matrix %s %d %d" % (name, n_users, n_items))
        for u in range(n_users):
            nz = np.nonzero(x[u])[0]
            out.append("row %d %d %s" % (u, len(nz), " ".join(
                "%d %s" % (i, fmt(x[u, i])) for i in nz)))
        out.append("pop " + " ".join(fmt(v) for v in x.sum(axis=0)))
        users = [0, 1, n_users // 2, n_users - 1]
        for lam in lambdas:
            for binary in (1, 0):
                xm = xb if binary else x
                b = ease(xm, lam)
                out.append("ease %d %s" % (binary, fmt(lam)))
                for i in range(n_items):
                    out.append("B %d %s" % (i, " ".join(fmt(v) for v in b[i])))
                for u in users:
                    out.append("escore %d %s %d %s" % (binary, fmt(lam), u,
                                                       " ".join(fmt(v) for v in xm[u] @ b)))
        for k in ks:
            lists, sk = knn(x, k)
            out.append("knn %d" % k)
            for i, lst in enumerate(lists):
                pairs = " ".join("%d %s" % (j, fmt(s)) for j, s in lst)
                out.append(("N %d %d %s" % (i, len(lst), pairs)).rstrip())
            for u in users:
                out.append("kscore %d %d %s" % (k, u, " ".join(fmt(v) for v in x[u] @ sk)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
