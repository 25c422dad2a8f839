# Eight churn-train runs saving to one models/ directory at once each publish a version of
# their own (link() never replaces a file; a version taken meanwhile moves a run on to the
# next): with v1 there, v2 to v9 appear, none lost, each run names the version it wrote
# (run i trained i + 1 rounds, and its file says so), and no temporary is left.
printf 'id,x,y\n' >t.csv
awk 'BEGIN { for (i = 0; i < 200; i++) printf "r%d,%d,%d\n", i, i % 37, ((i % 37) > 18) }' >>t.csv
churn-train --table t.csv --label y --id id --model gbm --rounds 1 --out models/ -q || exit 1
for i in 1 2 3 4 5 6 7 8; do
    churn-train --table t.csv --label y --id id --model gbm --rounds $((i + 1)) --out models/ \
        >/dev/null 2>err.$i &
done
wait
for i in 1 2 3 4 5 6 7 8; do
    path=$(sed -n 's/^churn-train: wrote //p' err.$i)
    rounds=$(grep -o '"rounds":[[:space:]]*[0-9]*' "$path" | tr -dc 0-9)
    [ "$rounds" = $((i + 1)) ] && echo "run $i: its own version" || echo "run $i: $path has $rounds rounds"
    echo "$path" >>written
done
sort written | uniq | wc -l
ls -A models
