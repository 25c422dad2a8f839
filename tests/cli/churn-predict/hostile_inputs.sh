# Hostile scoring inputs (issue 13) stop churn-predict with exit 1, a message naming the
# file (and line), and no output left behind: a NUL byte in a cell (the quote-free fast
# path of the table scan, and a quoted record), the same out-of-range numbers training
# refuses, with the same message, and a model file over 256 MiB, refused from its size
# before a byte of it is read.
awk 'BEGIN { print "id,tenure,plan,churn"
             for (i = 1; i <= 20; i++) print "c" i "," i % 7 "," (i % 3 ? "basic" : "gold") "," i % 2 }' >t.csv
churn-train --table t.csv --label churn --id id --model gbm --rounds 5 --out m.json -q ||
    exit 99
predict() {
    churn-predict --model "$1" --table "$2" --out s.csv -q
    echo "$2: exit $?"
    ls s.csv* 2>/dev/null
}
awk 'NR == 6 { sub(/basic/, "bas\001ic") } { print }' t.csv | tr '\001' '\000' >nul.csv
predict m.json nul.csv
awk 'NR == 6 { sub(/basic/, "\"bas\001ic\"") } { print }' t.csv | tr '\001' '\000' >nulq.csv
predict m.json nulq.csv
for cell in inf 1e400; do
    awk -v cell="$cell" -F, 'BEGIN { OFS = "," } NR == 4 { $2 = cell } { print }' t.csv >bad.csv
    predict m.json bad.csv
    churn-train --table bad.csv --label churn --id id --model gbm --rounds 5 --out m2.json -q
    echo "train: exit $?"
done
# a sparse file of 300 MiB: nothing is read
truncate -s 300M big.json
predict big.json t.csv
exit 0
