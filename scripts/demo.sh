#!/usr/bin/env bash
# The main job end to end on built-in synthetic data: a synthetic membership brand's
# behaviour history, its feature matrix (features, label, lifecycle stage, RFM), a
# boosted-stumps churn model validated out of time, churn scores for today, a champion
# against challenger evaluation out of time with its HTML report, the recall campaign's A/B
# read-out, customer value (BG/NBD + Gamma-Gamma), uplift models that pick each
# customer's offer, and the products each win-back message offers; and a table trained on
# as bins, in a fraction of the memory, giving the same model.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
bin=build
out=${CK_DEMO_DIR:-out/demo}
mkdir -p "$out"

"$bin/churn-synth" --customers 20000 --days 730 --seed 7 --out "$out/events.csv" \
    --customers-out "$out/customers.csv" --campaign-out "$out/assignments.csv" \
    --truth-out "$out/truth.json"
"$bin/churn-features" --events "$out/events.csv" --customers "$out/customers.csv" \
    --cutoff 2025-06-01 --cutoff 2025-09-01 --out "$out/features.csv"
# train on three quarterly snapshots, validate on the latest (out of time)
"$bin/churn-train" --events "$out/events.csv" --customers "$out/customers.csv" \
    --cutoff 2025-03-01 --cutoff 2025-06-01 --cutoff 2025-09-01 --model gbm \
    --rounds 300 --out "$out/models/"
"$bin/churn-predict" --model "$out/models/churn" --events "$out/events.csv" \
    --customers "$out/customers.csv" --out "$out/scores.csv"
# champion against challenger, out of time: a second model with slower learning and row
# subsampling, both scored on the customers of 2025-10-01 (after every training cutoff) and
# their churn in the 90 days after; the recency baseline and DeLong's test come with it
"$bin/churn-train" --events "$out/events.csv" --customers "$out/customers.csv" \
    --cutoff 2025-03-01 --cutoff 2025-06-01 --cutoff 2025-09-01 --model gbm \
    --rounds 600 --learning-rate 0.05 --subsample 0.8 --out "$out/challenger.json" -q
"$bin/churn-eval" --model "$out/models/churn" --model "$out/challenger.json" \
    --events "$out/events.csv" --customers "$out/customers.csv" --cutoff 2025-10-01 \
    --bootstrap 500 --json "$out/eval.json" --report "$out/eval.html" -q >"$out/eval.txt"
# table mode on the feature matrix, held as bins (--memory low: two passes over the file,
# what a table too large for memory takes) and as values: the same model file
for memory in low high; do
    "$bin/churn-train" --table "$out/features.csv" --label label --id customer_id \
        --ignore cutoff --model gbm --rounds 300 --memory $memory \
        --out "$out/table-$memory.json" -q
done

echo
echo "demo outputs in $out/:"
echo "  events.csv       behaviour history ($(($(wc -l <"$out/events.csv") - 1)) events)"
echo "  customers.csv    customer attributes"
echo "  assignments.csv  a recall campaign's random assignments"
echo "  truth.json       the generator's true lifts and latent states"
echo "  features.csv     feature matrix as of 2025-06-01 and 2025-09-01 ($(($(wc -l <"$out/features.csv") - 1)) rows)"
echo "  models/          churn-v<N>.json: the model, one version per run"
echo "  scores.csv       churn probability of every active customer today ($(($(wc -l <"$out/scores.csv") - 1)) rows)"
echo "  challenger.json  a second model, compared with the latest in eval.*"
echo "  eval.txt, eval.json  champion against challenger out of time, every number"
echo "  eval.html        the evaluation report: open it in a browser"
if cmp -s <(grep -v created_at "$out/table-low.json") <(grep -v created_at "$out/table-high.json"); then
    echo "  table-low.json   trained on features.csv held as bins: the same model as table-high.json"
else
    echo "  table-low.json   trained on features.csv held as bins: NOT the model of table-high.json"
fi
echo
echo "lifecycle stages as of 2025-09-01:"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
         $col["cutoff"] == "2025-09-01" { n[$col["lifecycle_stage"]]++ }
         END { for (s in n) printf "  %-10s %d\n", s, n[s] }' "$out/features.csv" | sort
echo
echo "highest churn risk today:"
# (head closes the pipe early: grep's SIGPIPE must not stop the demo under pipefail)
sort -t, -k2 -g -r "$out/scores.csv" | grep -v churn_probability | head -n 5 | sed 's/^/  /' || true
echo
echo "champion against challenger out of time (all of it in $out/eval.txt, $out/eval.json):"
awk '/^model / { on = 1 } on { print "  " $0 } on && /^$/ { exit }' "$out/eval.txt"
sed -n "/^champion A against challenger B/,/^\$/p" "$out/eval.txt" | sed 's/^/  /'
echo "where the campaign acts, each lifecycle stage on its own rows:"
sed -n "/^by stage/,/^\$/p" "$out/eval.txt" | tail -n +2 | sed 's/^/  /'
echo "  evaluation report with charts: $out/eval.html"

# the recall campaign's read-out: which offer and channel brought customers back
"$bin/churn-ab" --assignments "$out/assignments.csv" --events "$out/events.csv" --window 30 \
    --by segment --cuped --cost-per-contact sms=0.05,wechat=0.02,miniprogram=0.01,app=0 \
    --offer-cost discount=15,vip=25,content=2 --json "$out/ab.json" --report "$out/ab.html" \
    -q >"$out/ab.txt"
echo
echo "recall campaign read-out (all of it in $out/ab.txt, $out/ab.json):"
sed -n '/^== all customers/,/^$/p' "$out/ab.txt" | sed 's/^/  /'
echo "  report with charts: $out/ab.html"

# what a customer is worth: BG/NBD + Gamma-Gamma on a purchase log drawn from a known
# BTYD process, fit as of 2025-07-01, checked on the 180 days after against the naive
# forecast, then each customer's p_alive, expected purchases and clv today
"$bin/churn-synth" --btyd --customers 20000 --days 730 --seed 7 --out "$out/purchases.csv" -q
"$bin/churn-train" --model bgnbd --events "$out/purchases.csv" --cutoff 2025-07-01 \
    --out "$out/value.json" -q
"$bin/churn-eval" --model "$out/value.json" --events "$out/purchases.csv" --cutoff 2025-07-01 \
    --horizon-days 180 --json "$out/value_eval.json" --report "$out/value_eval.html" -q \
    >"$out/value_eval.txt"
"$bin/churn-predict" --model "$out/value.json" --events "$out/purchases.csv" \
    --out "$out/value.csv" -q
echo
echo "what customers are worth (all of it in $out/value_eval.txt, $out/value.csv):"
sed -n '3,6p' "$out/value_eval.txt" | sed 's/^/  /'
echo "  highest lifetime value over the next year:"
sort -t, -k9,9 -g -r "$out/value.csv" | awk 'NR <= 3' | cut -d, -f1,2,6,7,9 | sed 's/^/    /'
echo "  report with charts: $out/value_eval.html"

# whom each offer changes: a larger brand's recall campaign (random arms, a control that
# gets nothing, per-customer effects only the generator knows); the even ids train uplift
# models (X-learner) of each offer against control, with what a conversion is worth and
# what each offer costs; the odd ids measure them; then the churn model of that brand
# scores today's customers and the uplift model picks each one's offer and the budget
"$bin/churn-synth" --customers 100000 --days 730 --seed 11 --out "$out/campaign_events.csv" \
    --campaign-out "$out/campaign.csv" --campaign-date 2025-11-01 -q
awk -F, 'NR == 1 || substr($1, 2) % 2 == 0' "$out/campaign.csv" >"$out/campaign_train.csv"
awk -F, 'NR == 1 || substr($1, 2) % 2 == 1' "$out/campaign.csv" >"$out/campaign_test.csv"
printf '{"uplift": {"value": 60, "cost": {"discount": 6, "vip": 4, "content": 0.5}}}\n' \
    >"$out/uplift_config.json"
"$bin/churn-train" --model uplift --uplift-method x --events "$out/campaign_events.csv" \
    --assignments "$out/campaign_train.csv" --window 30 --config "$out/uplift_config.json" \
    --out "$out/uplift.json" -q
"$bin/churn-eval" --model "$out/uplift.json" --events "$out/campaign_events.csv" \
    --assignments "$out/campaign_test.csv" --window 30 --bootstrap 200 \
    --json "$out/uplift_eval.json" --report "$out/uplift_eval.html" -q >"$out/uplift_eval.txt"
"$bin/churn-train" --model gbm --events "$out/campaign_events.csv" --cutoff 2025-07-01 \
    --cutoff 2025-08-01 --out "$out/campaign_churn.json" -q
"$bin/churn-predict" --model "$out/campaign_churn.json" --uplift-model "$out/uplift.json" \
    --events "$out/campaign_events.csv" --budget 2000 --out "$out/offers.csv" -q
echo
echo "whom each offer changes (all of it in $out/uplift_eval.txt, $out/offers.csv):"
grep -E '^(arm|Qini coeff)' "$out/uplift_eval.txt" | sed 's/^/  /'
echo "  today's offers (the arm worth its cost, and whom a budget of 2000 contacts):"
# (decided_by comes before the reasons, which may hold commas; contact is the last column)
awk -F, 'NR > 1 && $12 ~ /^uplift:/ { a = substr($12, 8); n[a]++; c[a] += $NF }
    END { for (k in n) printf "    %-9s %6d customers, %5d contacted\n", k, n[k], c[k] }' \
    "$out/offers.csv" | sort
echo "  report with charts: $out/uplift_eval.html"

# what to offer: a recommender of the brand's products, measured out of time (trained on the
# interactions before 2025-10-02, judged on the purchases of the 60 days after, against the
# popularity and repeat-purchase baselines), then trained on everything and put into the
# churn model's campaign rows
"$bin/churn-train" --model recommend --events "$out/events.csv" --cutoff 2025-10-02 \
    --out "$out/recommend_oot.json" -q
"$bin/churn-eval" --model "$out/recommend_oot.json" --events "$out/events.csv" \
    --cutoff 2025-10-02 --top 10 --horizon-days 60 --json "$out/recommend_eval.json" \
    --report "$out/recommend_eval.html" -q >"$out/recommend_eval.txt"
"$bin/churn-train" --model recommend --events "$out/events.csv" --out "$out/recommend.json" -q
"$bin/churn-predict" --model "$out/models/churn" --recommender "$out/recommend.json" --top 3 \
    --events "$out/events.csv" --customers "$out/customers.csv" --out "$out/campaign.csv" -q
echo
echo "what to offer (all of it in $out/recommend_eval.txt, $out/campaign.csv):"
sed -n '2,8p' "$out/recommend_eval.txt" | cut -c1-75 | sed 's/^/  /'
echo "  the campaign rows end with the picks (customer, risk band, strategy, items, category):"
/usr/bin/env python3 - "$out/campaign.csv" <<'PY' 2>/dev/null || head -4 "$out/campaign.csv" | sed 's/^/    /'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["risk_band"] == "high"][:3]
for r in rows:
    print("    %s  %-6s %-10s %s  %s" % (r["customer_id"], r["risk_band"], r["recall_strategy"],
                                       r["recommended_items"], r["recommended_category"]))
PY
echo "  report with charts: $out/recommend_eval.html"
