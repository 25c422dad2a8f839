# --emit-sql in a real PostgreSQL server, for a boosted-stumps model and a logistic
# regression (clipped at the 5% quantiles): a feature table with missing numbers (NULL),
# many-digit values (whose 32-bit floats fall on the other side of some thresholds than
# the doubles, and shift a linear term by more than 1e-9), probes at every threshold, a
# constant column (left out of the stumps SQL), a categorical column with a quote in a
# level, unseen levels and missing levels is scored by each model's emitted expression,
# and every probability must equal churn-predict --table's to 1e-9.
#
# The server is the test's own: initdb in a temporary directory, listening on 127.0.0.1
# at a free port (trust authentication, loopback only, for the test's lifetime), run as
# the postgres user when the test runs as root, stopped on exit. Skipped (exit 77, a ctest
# skip, "skipped: ...") only when PostgreSQL is not installed or does not start.
set -u
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ] || [ ! -x "$pgbin/psql" ]; then
    echo "skipped: PostgreSQL is not installed (/usr/lib/postgresql/*/bin)"
    exit 77
fi

pgdir=$(mktemp -d "${TMPDIR:-/tmp}/ck-pg.XXXXXX") || exit 1
started=
cleanup() {
    [ -n "$started" ] && as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$pgdir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# initdb and the server refuse to run as root: run them as postgres, in its own directory
if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "skipped: running as root and there is no postgres user to run the server"
        exit 77
    fi
    chown postgres "$pgdir"
    as_pg() { (cd "$pgdir" && runuser -u postgres -- "$@"); }
else
    as_pg() { (cd "$pgdir" && "$@"); }
fi
if ! as_pg "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres --locale=C -E UTF8 \
    >"$pgdir/initdb.log" 2>&1; then
    echo "skipped: initdb failed: $(tail -n 1 "$pgdir/initdb.log")"
    exit 77
fi
# a free port: the server fails to start on a port in use, so try a few
i=0
while [ $i -lt 20 ]; do
    port=$((20000 + ($(od -An -N2 -tu2 /dev/urandom) % 40000)))
    if as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 30 \
        -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1" start >/dev/null 2>&1; then
        started=1
        break
    fi
    i=$((i + 1))
done
if [ -z "$started" ]; then
    echo "skipped: the PostgreSQL server did not start: $(tail -n 1 "$pgdir/server.log")"
    exit 77
fi
psql() { "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

set -e
# 4000 training rows; the label depends on x1, x2, x3 and plan
awk 'BEGIN {
    srand(11)
    print "id,x1,x2,x3,flat,plan,y"
    split("basic,plus,pro,o'"'"'brien", levels, ",")
    for (i = 0; i < 4000; i++) {
        x1 = rand() < 0.1 ? "" : sprintf("%.12f", rand() * 10)
        x2 = rand() < 0.05 ? "" : int(rand() * 20)
        x3 = sprintf("%.7g", exp(rand() * 8) / 3)
        p = rand() < 0.05 ? "" : levels[1 + int(rand() * 4)]
        z = (x1 == "" ? 1 : x1 / 5 - 1) - (x2 == "" ? 0 : x2 / 10) + (x3 > 100) \
            + (p == "basic") - (p == "pro")
        y = rand() < 1 / (1 + exp(-z)) ? 1 : 0
        printf "c%05d,%s,%s,%s,1,%s,%d\n", i, x1, x2, x3, p, y
    }
}' >train.csv
churn-train --table train.csv --label y --id id --model gbm --rounds 120 --out gbm.json -q
churn-train --table train.csv --label y --id id --model logreg --clip 0.05 --out logreg.json -q
# scoring rows: the training rows, then new ones with unseen levels and missing cells
awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $4 "," $5 "," $6 }
         NR == 1 { print "id,x1,x2,x3,flat,plan" }' train.csv >score.csv
awk 'BEGIN {
    srand(12)
    for (i = 0; i < 200; i++)
        printf "n%05d,%.12f,%d,%.7g,1,%s\n", i, rand() * 10, int(rand() * 20),
               exp(rand() * 8) / 3, i % 2 ? "enterprise" : ""
    print "n99999,,,0.5,,"
}' >>score.csv
churn-predict --model gbm.json --emit-sql --dialect postgres >gbm.sql
churn-predict --model logreg.json --emit-sql >logreg.sql
echo "gbm: $(grep -c 'CASE WHEN' gbm.sql) CASE expressions for 5 features (flat left out)"
# probes at each threshold t: t, and t (1 ± 1e-9), which lie within half a float spacing
# of t, so that their floats equal t when t is a float: compared as doubles, t (1 + 1e-9)
# would fall right of t, but churnkit, reading a float, puts it left
sed -n 's/.*CAST("\(x[0-9]\)" AS REAL) <= \([^ ]*\) THEN.*/\1 \2/p' gbm.sql | awk '
    { for (k = -1; k <= 1; k++) {
          v = sprintf("%.17g", $2 * (1 + k * 1e-9))
          printf "p%05d,%s,%s,%s,1,plus\n", n++, $1 == "x1" ? v : "", $1 == "x2" ? v : "",
                 $1 == "x3" ? v : 1
      } }' >>score.csv
psql -c 'CREATE TABLE features (id text, x1 double precision, x2 double precision,
                                x3 double precision, flat double precision, plan text)'
psql -c '\copy features FROM stdin WITH (FORMAT csv, HEADER true)' <score.csv

# Each model's SQL scores, against churn-predict's: every id once, every probability
# within 1e-9 (churn-predict writes 12 decimals).
status=0
for model in gbm logreg; do
    churn-predict --model $model.json --table score.csv --out $model.csv -q
    { echo 'SELECT id,'; cat $model.sql; echo 'FROM features;'; } >query.sql
    psql -A -t -F, -f query.sql | LC_ALL=C sort >sql_$model.csv
    tail -n +2 $model.csv | cut -d, -f1,2 | LC_ALL=C sort >ck_$model.csv
    join -t, ck_$model.csv sql_$model.csv | awk -F, -v n="$(wc -l <ck_$model.csv)" -v m=$model '
        { d = $2 - $3; if (d < 0) d = -d; if (d > 1e-9) { bad++; if (bad <= 5) print "differs:", $0 } }
        END { printf "%s: %d of %d rows compared; %d differ by more than 1e-9\n", m, NR, n, bad
              exit !(NR == n && n > 4201 && bad == 0) }' || status=1
done
exit $status
