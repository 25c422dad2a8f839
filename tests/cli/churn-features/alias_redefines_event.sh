# event_aliases adds synonyms; it cannot redefine a canonical event (issue 13): the reader
# looks canonical names up first, so "purchase" -> "refund" would silently do nothing.
# A config error naming the file, before any event is read; an alias of an event to
# itself is harmless and accepted.
printf 'customer_id,ts,event,amount\nc1,2024-01-05,purchase,10.5\nc1,2024-01-06,buy,2\n' >events.csv
printf '{"event_aliases": {"buy": "purchase", "purchase": "refund"}}\n' >c.json
churn-features --events events.csv --config c.json --cutoff 2024-03-01 --out f.csv
echo "exit $?"
ls f.csv* 2>/dev/null
printf '{"event_aliases": {"buy": "purchase", "purchase": "purchase"}}\n' >c.json
churn-features --events events.csv --config c.json --cutoff 2024-03-01 --out f.csv -q
echo "exit $?"
exit 0
