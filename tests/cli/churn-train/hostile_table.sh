# Hostile table cells (issue 13) stop training with exit 1, a message naming the file and
# line, and no model file or temporary left behind: numbers out of range are bad numbers
# as churn-predict calls them (not the first level of a categorical column), a NUL byte
# names its column, a categorical value over 1 KiB is refused and a record over 32 MiB is
# refused before it is read whole; a column whose values hardly repeat is an id, not a
# feature; a header alone has no rows to train on.
table() { # table FILE CELL: 20 rows, CELL as row 3's tenure (line 4 of the file)
    awk -v cell="$2" 'BEGIN {
        print "id,tenure,plan,churn"
        for (i = 1; i <= 20; i++)
            print "c" i "," (i == 3 ? cell : i % 7) "," (i % 3 ? "basic" : "gold") "," i % 2
    }' >"$1"
}
train() {
    churn-train --table "$1" --label churn --id id --model gbm --rounds 5 --out m.json -q
    echo "$1: exit $?"
    ls m.json* 2>/dev/null
}
for cell in inf -Infinity 1e400 nan 1e-400; do
    table t.csv "$cell"
    train t.csv
done
# a NUL byte inside a cell
table nul.csv 4
awk 'NR == 6 { sub(/basic/, "bas\001ic") } { print }' nul.csv | tr '\001' '\000' >t.csv
train t.csv
# a 1 MiB cell of digits in a numeric column is a bad number (80 bytes quoted); in a
# categorical one, a value too long (20 bytes quoted)
table t.csv 1
{ head -n 3 t.csv; printf 'c3,'; head -c 1048576 /dev/zero | tr '\0' '7'; printf ',basic,1\n'; } >big.csv
train big.csv 2>&1 | cut -c 1-120
{ head -n 3 t.csv; printf 'c3,1,x'; head -c 1048576 /dev/zero | tr '\0' '7'; printf ',1\n'; } >long.csv
train long.csv
# a 50 MB cell: refused at 32 MiB, before the rest of it is read
table t.csv 1
{ head -n 5 t.csv; printf 'c99,1,'; head -c 50000000 /dev/zero | tr '\0' 'y'; printf ',1\n'; } >huge.csv
train huge.csv
# an id-like column: 2001 distinct emails in 2001 rows (one row's is missing)
awk 'BEGIN { print "id,email,tenure,churn"
             for (i = 1; i <= 2002; i++) print "c" i "," (i == 5 ? "" : "u" i "@example.com") "," i % 9 "," i % 2 }' >ids.csv
train ids.csv
# ... which trains once it is ignored
churn-train --table ids.csv --label churn --id id --ignore email --model gbm --rounds 5 \
    --out m.json -q && echo "ignored: exit 0" && rm m.json
# only a header
echo "id,tenure,plan,churn" >t.csv
train t.csv
exit 0
