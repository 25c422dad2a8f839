#!/usr/bin/python3
"""The reference for churnkit's lbfgs solver: scipy's L-BFGS-B run as scikit-learn runs it,
on the objective churnkit minimises, on a fixed table that this script writes.

    f(b) = C * sum_i (log(1 + exp(z_i)) - y_i z_i) + 1/2 |b|^2,   z = X b,

X being churnkit's design matrix of the table (logreg.h): per numeric feature, its float32
value standardised by the mean and population standard deviation of the present values
(0 where missing), then a missing indicator when the feature has missing values; the bias
column last, penalised like the others. It is rebuilt here from the CSV values alone, with
numpy, independently of churnkit's C code.

scikit-learn 1.2's LogisticRegression(solver="lbfgs") calls scipy.optimize.minimize(method=
"L-BFGS-B") on f / C (the sum of log losses plus |b|^2 / (2C)) with gtol = tol (its default
1e-4, on the largest component of the gradient), scipy's default ftol and 10 pairs; done
the same here, with maxls 50. The optimum f* comes from Newton's method in numpy
(np.linalg.solve on the exact Hessian, until the step is below 1e-13), not from scipy.

usage: lbfgs_reference.py TABLE.csv >REFERENCE.txt
Writes the table, then the lines "table PATH", "C", "columns", "scipy_iterations",
"scipy_objective" (f at scipy's answer), "optimum" (f*). Exit 77 when numpy or scipy is
missing (ctest counts the test as skipped).
"""
import sys

try:
    import numpy as np
    from scipy.optimize import minimize
except ImportError as e:
    print(f"lbfgs_reference: {e}: skipped", file=sys.stderr)
    sys.exit(77)

N_ROWS, N_FEATURES, C, SEED = 20000, 12, 1.0, 20261205


def make_table(path):
    """Correlated numeric features on very different scales, some with missing values
    (at rates from 0 to 30%), and a label from a logistic model of them."""
    rng = np.random.default_rng(SEED)
    latent = rng.standard_normal((N_ROWS, 4))
    mix = rng.standard_normal((4, N_FEATURES))
    x = latent @ mix + 0.5 * rng.standard_normal((N_ROWS, N_FEATURES))
    coef = rng.standard_normal(N_FEATURES) * 0.4
    logit = -1.2 + x @ coef
    y = (rng.random(N_ROWS) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    scale = 10.0 ** rng.integers(-2, 4, N_FEATURES)
    shift = rng.standard_normal(N_FEATURES) * scale * 3
    x = x * scale + shift
    missing_rate = np.linspace(0.0, 0.3, N_FEATURES)
    missing = rng.random((N_ROWS, N_FEATURES)) < missing_rate
    # churnkit holds values as float32: write what it will hold exactly (9 digits)
    x32 = x.astype(np.float32)
    with open(path, "w") as f:
        f.write(",".join(f"x{j}" for j in range(N_FEATURES)) + ",y\n")
        for i in range(N_ROWS):
            cells = ["" if missing[i, j] else f"{x32[i, j]:.9g}" for j in range(N_FEATURES)]
            f.write(",".join(cells) + f",{y[i]}\n")
    return x32.astype(np.float64), missing, y.astype(np.float64)


def design(x, missing):
    cols = []
    for j in range(x.shape[1]):
        present = x[~missing[:, j], j]
        center = present.mean()
        sd = np.sqrt(np.mean((present - center) ** 2))
        z = (x[:, j] - center) / (sd if sd > 0 else 1.0)
        z[missing[:, j]] = 0.0
        cols.append(z)
        if missing[:, j].any():
            cols.append(missing[:, j].astype(np.float64))
    cols.append(np.ones(x.shape[0]))
    return np.column_stack(cols)


def objective(b, X, y):
    z = X @ b
    return C * np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * b @ b


def main():
    path = sys.argv[1]
    x, missing, y = make_table(path)
    X = design(x, missing)
    p = X.shape[1]

    def scaled(b):  # scikit-learn's f / C and its gradient
        z = X @ b
        sigma = 0.5 * (1.0 + np.tanh(0.5 * z))
        loss = np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 / C * b @ b
        return loss, X.T @ (sigma - y) + b / C

    res = minimize(scaled, np.zeros(p), method="L-BFGS-B", jac=True,
                   options={"gtol": 1e-4, "maxiter": 1000, "maxls": 50, "maxcor": 10})

    b = np.zeros(p)
    for _ in range(100):
        z = X @ b
        sigma = 0.5 * (1.0 + np.tanh(0.5 * z))
        g = C * X.T @ (sigma - y) + b
        H = C * (X * (sigma * (1 - sigma))[:, None]).T @ X + np.eye(p)
        step = np.linalg.solve(H, g)
        b -= step
        if np.max(np.abs(step)) < 1e-13:
            break

    print(f"table {path}")
    print(f"C {C!r}")
    print(f"columns {p}")
    print(f"scipy_iterations {res.nit}")
    print(f"scipy_objective {objective(res.x, X, y)!r}")
    print(f"optimum {objective(b, X, y)!r}")


if __name__ == "__main__":
    main()
