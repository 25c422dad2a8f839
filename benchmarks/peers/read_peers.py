#!/usr/bin/python3
"""The peers of churnkit's table reader on one training CSV (id, label, numeric features):
pandas read_csv with float32 features (what a Python pipeline does first), and XGBoost's
QuantileDMatrix built from that frame (its own binning, 255 bins, the step churnkit's
reader and binning stand for). Prints one JSON line: read_s, quantile_dmatrix_s, rows,
features, versions.

usage: read_peers.py TRAIN.csv [--threads N]
"""
import argparse
import json
import time

import numpy as np
import pandas as pd
import xgboost as xgb

ID, LABEL = "customer_id", "churned"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    header = pd.read_csv(args.train, nrows=0).columns
    dtypes = {c: np.float32 for c in header if c not in (ID, LABEL)}
    dtypes[ID] = str
    t0 = time.perf_counter()
    frame = pd.read_csv(args.train, dtype=dtypes)
    read_s = time.perf_counter() - t0
    features = [c for c in frame.columns if c not in (ID, LABEL)]
    t0 = time.perf_counter()
    x = frame[features].to_numpy(np.float32)
    qdm = xgb.QuantileDMatrix(x, label=frame[LABEL].to_numpy(np.float32), max_bin=255,
                              nthread=args.threads)
    qdm_s = time.perf_counter() - t0
    print(json.dumps({"read_s": round(read_s, 3), "quantile_dmatrix_s": round(qdm_s, 3),
                      "rows": int(qdm.num_row()), "features": len(features),
                      "pandas": pd.__version__, "xgboost": xgb.__version__}))


if __name__ == "__main__":
    main()
