# A shop's invoice log (purchases and refunds only: no channel, no views, no coupons; see
# tests/data/invoice): churn-train leaves out the 27 features the log cannot vary, says so
# on one line, and lists them in the model; churn-predict, churn-eval and --emit-sql work
# from the 25 it kept; no strategy rests on a signal the log lacks and every channel is
# the configured default, saying so. On churn-synth data, where every signal is present,
# the same rules fire and channels come from engagement.
set -e
log="$TESTS/data/invoice/invoices.csv"
churn-train --events "$log" --cutoff 2024-03-01 --cutoff 2024-06-01 --model gbm --rounds 20 \
    --out m.json 2>err.txt
grep '^churn-train: left out' err.txt
grep -c '"constant_features":[[:space:]]*\["visits_30d", "views_30d"' m.json
churn-predict --model m.json --events "$log" --out p.csv -q
awk -F, 'NR > 1 { n++; s[$12]++; if ($10 != "none") c[$11 " by " $13]++ }
         END { print n, "rows"
               print "rule:low_interaction", s["rule:low_interaction"] + 0
               print "rule:price_sensitive", s["rule:price_sensitive"] + 0
               for (k in c) print "channel", k }' p.csv
churn-eval --model m.json --events "$log" --cutoff 2024-09-01 -q | sed -n 2p
churn-predict --model m.json --emit-sql >model.sql
grep -q 'CASE WHEN' model.sql && echo "sql: a score"
grep -c 'views_30d\|coupon_share\|channel_sms_180d' model.sql || true
# every signal present: the rules that need them still fire, and engagement decides
churn-synth --customers 2000 --days 600 --seed 9 --out events.csv -q
churn-train --events events.csv --cutoff 2024-12-01 --cutoff 2025-03-01 --model gbm \
    --rounds 40 --out s.json -q
grep -c '"constant_features":[[:space:]]*\[\]' s.json
churn-predict --model s.json --events events.csv --out s.csv -q
awk -F, 'NR > 1 { s[$12]++; c[$13]++ }
         END { print "synth low_interaction", (s["rule:low_interaction"] > 0 ? "some" : "none")
               print "synth price_sensitive", (s["rule:price_sensitive"] > 0 ? "some" : "none")
               print "synth by engagement", (c["engagement"] > 0 ? "some" : "none")
               print "synth by default", (c["default"] > 0 ? "some" : "none") }' s.csv
