# A file that is not a churnkit model is refused with a one-line message, exit 1, and
# no output file.
printf '{"hello": "world"}\n' >m.json
printf 'id\n1\n' >t.csv
churn-predict --model m.json --table t.csv --out s.csv
code=$?
[ ! -e s.csv ] || exit 99
exit $code
