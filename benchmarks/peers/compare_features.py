#!/usr/bin/python3
"""Check that churn-features and the pandas peer agree on every column they share.

usage: compare_features.py CHURNKIT.csv PANDAS.csv
Prints the number of customers and columns compared; exits 1 on any disagreement
beyond 1e-6 relative (churn-features writes 10 significant digits).
"""
import sys

import numpy as np
import pandas as pd

ours = pd.read_csv(sys.argv[1], dtype={"customer_id": str}).set_index("customer_id").sort_index()
peer = pd.read_csv(sys.argv[2], dtype={"customer_id": str}).set_index("customer_id").sort_index()
if not ours.index.equals(peer.index):
    sys.exit(f"different customers: {len(ours)} against {len(peer)}")
bad = []
for col in peer.columns:
    a, b = ours[col], peer[col]
    if a.dtype == object or b.dtype == object:
        same = (a.astype(str) == b.astype(str)).all()
    else:
        a, b = a.to_numpy(float), b.to_numpy(float)
        same = np.allclose(a, b, rtol=1e-6, atol=1e-6, equal_nan=True)
    if not same:
        bad.append(col)
print(f"agreement: {len(peer)} customers x {len(peer.columns)} columns compared, "
      f"{len(bad)} differ{': ' + ', '.join(bad) if bad else ''}")
sys.exit(1 if bad else 0)
