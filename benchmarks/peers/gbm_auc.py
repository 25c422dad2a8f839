#!/usr/bin/python3
"""Test AUC of churnkit's scores: joins churn-predict's output (id, churn_probability) to
the test table's labels by customer id, checks that every test row was scored exactly
once, and prints the AUC (scikit-learn's roc_auc_score, the same as for the peers).

usage: gbm_auc.py SCORES.csv TEST.csv
"""
import sys

import pandas as pd
from sklearn.metrics import roc_auc_score

ID, LABEL = "customer_id", "churned"


def main(scores_path, test_path):
    scores = pd.read_csv(scores_path, dtype={ID: str})
    test = pd.read_csv(test_path, usecols=[ID, LABEL], dtype={ID: str})
    if scores[ID].duplicated().any():
        sys.exit(f"gbm_auc: {scores_path}: an id is scored twice")
    both = test.merge(scores, on=ID, how="left", validate="one_to_one")
    missing = both["churn_probability"].isna().sum()
    if missing or len(scores) != len(test):
        sys.exit(f"gbm_auc: {scores_path}: {len(scores)} scores for {len(test)} test rows, "
                 f"{missing} unscored")
    print(f"{roc_auc_score(both[LABEL], both['churn_probability']):.6f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    main(*sys.argv[1:])
