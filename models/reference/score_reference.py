#!/usr/bin/python3
"""Score rows with a churnkit model file (gbm_stumps or logreg), independently of churnkit.

gbm_stumps: the probability is computed straight from the stumps in the file's "body", one
stump at a time, as models/FORMAT.md defines them; the compiled "tables" are not read. So
this is an independent check of the C scorer, which uses the tables.

logreg: the logit is the intercept plus one term per feature, as models/FORMAT.md defines
them: coef * (clip(x) - center) / scale for a present numeric value, the level's
coefficient for a known level, missing_coef (or 0 when null) for a missing value, 0 for an
unseen level; added in feature order, as churnkit does.

    score_reference.py MODEL.json ROWS.csv           print ROWS.csv with a "probability"
                                                     column (replaced if present)
    score_reference.py --check MODEL.json ROWS.csv   compare with the stored column
                                                     (|difference| <= 1e-12), exit 1 if not

ROWS.csv has a header naming the model's features (any order) and no quoting. An empty
cell is a missing value. Numeric cells are rounded to float32 first, since churnkit
stores feature values as floats; categorical cells are level names (one the model does
not know goes right at every stump, as an unseen level does in churnkit, and adds 0 to a
logistic regression's logit).

Needs only the Python standard library.
"""
import csv
import json
import math
import struct
import sys


def as_float32(text):
    return struct.unpack("f", struct.pack("f", float(text)))[0]


def logistic(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def score(model, row):
    kinds = {f["name"]: f["kind"] for f in model["feature_spec"]["schema"]}
    body = model["body"]
    logit = body["base_score"]
    for s in body["stumps"]:
        cell = row[s["feature"]]
        if cell == "":
            go_left = s["missing_left"]
        elif kinds[s["feature"]] == "numeric":
            go_left = as_float32(cell) <= s["threshold"]
        else:
            go_left = cell in s["left_levels"]
        logit += s["left"] if go_left else s["right"]
    return logistic(logit)


def score_logreg(model, row):
    body = model["body"]
    logit = body["intercept"]
    levels = {f["name"]: f.get("levels") for f in model["feature_spec"]["schema"]}
    for term in body["terms"]:
        cell = row[term["feature"]]
        if cell == "":
            logit += term["missing_coef"] or 0.0
        elif "level_coefs" in term:
            names = levels[term["feature"]]
            logit += term["level_coefs"][names.index(cell)] if cell in names else 0.0
        else:
            x = as_float32(cell)
            if term["clip"] is not None:
                x = min(max(x, term["clip"][0]), term["clip"][1])
            logit += term["coef"] * ((x - term["center"]) / term["scale"])
    return logistic(logit)


def main(argv):
    check = argv[1:2] == ["--check"]
    args = argv[2:] if check else argv[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    with open(args[0], encoding="utf-8") as f:
        model = json.load(f)
    scorers = {"gbm_stumps": score, "logreg": score_logreg}
    if model.get("format") != "churnkit-model" or model.get("model_type") not in scorers:
        sys.exit(f"{args[0]}: not a churnkit gbm_stumps or logreg model")
    scorer = scorers[model["model_type"]]
    with open(args[1], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    features = model["features"]
    bad = 0
    if not check:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(features + ["probability"])
    for i, row in enumerate(rows, start=2):
        p = scorer(model, row)
        if check:
            want = float(row["probability"])
            if abs(p - want) > 1e-12:
                print(f"{args[1]}:{i}: {p!r} != {want!r}", file=sys.stderr)
                bad += 1
        else:
            out.writerow([row[name] for name in features] + [repr(p)])
    if check:
        print(f"{len(rows) - bad} rows agree, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
