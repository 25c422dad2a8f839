# Table mode on the IBM telco export: Yes/No labels, string categoricals, blank
# TotalCharges cells, CRLF line ends, gzip. The table is carried in tests/data/telco/ (see
# its PROVENANCE.md).
data="$TESTS/data/telco/WA_Fn-UseC_-Telco-Customer-Churn.csv.gz"
set -e
churn-train --table "$data" --label Churn --id customerID --model gbm --rounds 200 \
    --valid-fraction 0.25 --out model.json -q
churn-predict --model model.json --table "$data" --out scores.csv -q
head -n 1 scores.csv
echo "$(($(wc -l <scores.csv) - 1)) rows"
# the scores rank churners well above chance: AUC (ties counted half) over 0.8
zcat "$data" | tr -d '\r' | awk -F, 'NR > 1 { print $1, ($NF == "Yes") }' | sort >labels.txt
tail -n +2 scores.csv | tr ',' ' ' | sort >scores.txt
join labels.txt scores.txt | sort -g -k3 | awk '
    { y[NR] = $2; s[NR] = $3 }
    END {
        # mid-ranks over groups of equal scores, then the Mann-Whitney U of the positives
        for (i = 1; i <= NR; i = j) {
            for (j = i; j <= NR && s[j] == s[i]; j++);
            for (k = i; k < j; k++) if (y[k]) { rank += (i + j - 1) / 2; pos++ }
        }
        neg = NR - pos
        auc = (rank - pos * (pos + 1) / 2) / (pos * neg)
        print (auc > 0.8 ? "auc above 0.8" : "auc too low: " auc), "over", NR, "rows"
    }'
