# A churn-synth campaign end to end: outcomes from events over the 30-day window, segments,
# CUPED, costs, the arm x channel table, JSON and the HTML report; the same run twice gives
# the same bytes.
set -e
churn-synth --customers 4000 --days 400 --seed 11 --out e.csv --campaign-out a.csv -q
churn-ab --assignments a.csv --events e.csv --window 30 --by segment --by lifecycle_stage \
    --cuped --cost-per-contact 0.02,sms=0.05 --offer-cost discount=15,vip=25 \
    --json r.json --report r.html -q > out1.txt
churn-ab --assignments a.csv --events e.csv --window 30 --by segment --by lifecycle_stage \
    --cuped --cost-per-contact 0.02,sms=0.05 --offer-cost discount=15,vip=25 \
    --json r2.json --report r2.html -q --threads 1 > out2.txt
cmp out1.txt out2.txt && cmp r.json r2.json && cmp r.html r2.html
grep -c '^== ' out1.txt
for key in '"control":"control"' '"alpha":0.05' '"srm":{"chi2":' '"segments":[' \
           '"column":"segment","value":"high_value"' '"column":"lifecycle_stage"' \
           '"arm_channel":{"column":"channel"' '"cuped":{"theta":'; do
    grep -c -F "$key" r.json
done
head -c 15 r.html; echo
grep -c '<svg' r.html
! grep -q '<script' r.html
