#!/usr/bin/python3
"""The pandas peer of churn-features: the same RFM and window features as of a cutoff,
written the way a data scientist would in pandas (docs/FEATURES.md has the definitions).

usage: features_pandas.py EVENTS.csv CUTOFF(YYYY-MM-DD) OUT.csv
"""
import sys

import numpy as np
import pandas as pd

DAY = 86400.0


def main(events_path, cutoff, out_path):
    ev = pd.read_csv(events_path, dtype={"customer_id": str, "event": "category",
                                         "channel": "category", "category": "category"})
    ev["ts"] = pd.to_datetime(ev["ts"], utc=True, format="ISO8601" if pd.__version__ >= "2" else None)
    T = pd.Timestamp(cutoff, tz="UTC")
    ev = ev[ev["ts"] < T]
    ev["age_days"] = (T - ev["ts"]).dt.total_seconds() / DAY
    ev["amount"] = ev["amount"].fillna(0.0)

    buys = ev[ev["event"] == "purchase"]
    refunds = ev[ev["event"] == "refund"]
    population = buys.loc[buys["age_days"] <= 365, "customer_id"].unique()
    out = pd.DataFrame(index=pd.Index(np.sort(population), name="customer_id"))

    g = buys.groupby("customer_id")
    out["recency_days"] = g["age_days"].min()
    out["frequency"] = g.size()
    refund_total = refunds.groupby("customer_id")["amount"].sum()
    out["monetary"] = g["amount"].sum().sub(refund_total, fill_value=0)
    for w in (30, 90, 180, 365):
        recent = buys[buys["age_days"] <= w].groupby("customer_id")
        back = refunds[refunds["age_days"] <= w].groupby("customer_id")["amount"].sum()
        out[f"purchases_{w}d"] = recent.size()
        out[f"revenue_{w}d"] = recent["amount"].sum().sub(back, fill_value=0)
    out["avg_order_value"] = g["amount"].mean()
    first = g["age_days"].max().reindex(out.index)
    out["mean_gap_days"] = (first - out["recency_days"]) / (out["frequency"] - 1)
    out.loc[out["frequency"] < 2, "mean_gap_days"] = np.nan
    out["recency_gap_ratio"] = out["recency_days"] / out["mean_gap_days"]
    for kind in ("visit", "view", "favorite", "cart"):
        k = ev[(ev["event"] == kind) & (ev["age_days"] <= 30)].groupby("customer_id").size()
        out[f"{kind}s_30d"] = k
    out = out.fillna({c: 0 for c in out.columns if c.endswith(("_30d", "_90d", "_180d", "_365d"))})

    # RFM: quintile boundaries over the population, scores count boundaries exceeded
    for col, name, lower_is_better in (("recency_days", "r_score", True),
                                       ("frequency", "f_score", False),
                                       ("monetary", "m_score", False)):
        bounds = np.quantile(out[col].to_numpy(dtype=float), [0.2, 0.4, 0.6, 0.8])
        exceeded = np.searchsorted(bounds, out[col].to_numpy(dtype=float), side="left")
        out[name] = 5 - exceeded if lower_is_better else 1 + exceeded

    # cancelled: the last cancel later than the last signup
    last_cancel = ev[ev["event"] == "cancel"].groupby("customer_id")["ts"].max().reindex(out.index)
    last_signup = ev[ev["event"] == "signup"].groupby("customer_id")["ts"].max().reindex(out.index)
    cancelled = last_cancel.notna() & (last_signup.isna() | (last_cancel > last_signup))
    out["lifecycle_stage"] = np.where(cancelled, "churned",
                                      np.where(first <= 30, "new",
                                               np.where(out["recency_days"] <= 180, "active",
                                                        "dormant")))
    out.to_csv(out_path, float_format="%.10g")


if __name__ == "__main__":
    main(*sys.argv[1:4])
