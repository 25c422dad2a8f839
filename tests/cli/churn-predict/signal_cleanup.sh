# SIGTERM, SIGINT and SIGHUP remove the temporary: a run blocked reading its table (a FIFO
# no one writes) after it has opened its output dies of the signal, leaving no temporary
# and the old scores.csv as it was. After SIGKILL the temporary stays, and the next run
# that writes scores.csv removes it, since its process is gone.
printf 'id,x,y\n' >t.csv
awk 'BEGIN { for (i = 0; i < 200; i++) printf "r%d,%d,%d\n", i, i % 37, ((i % 37) > 18) }' >>t.csv
churn-train --table t.csv --label y --id id --model gbm --rounds 3 --out m.json -q
echo "old scores" >scores.csv
mkfifo table.fifo
# wait until a temporary of scores.csv exists (at most 10 s)
wait_for_temp() {
    i=0
    while [ -z "$(ls -A | grep '^\.scores\.csv\.tmp\.')" ] && [ $i -lt 1000 ]; do
        sleep 0.01
        i=$((i + 1))
    done
    ls -A | grep '^\.scores\.csv\.tmp\.' | sed 's/[0-9][0-9]*/N/g'
}
for sig in TERM INT HUP; do
    # a background job of a shell without job control starts with SIGINT ignored, and a
    # signal ignored at start stays ignored (as under nohup): give it back its default
    env --default-signal=INT churn-predict --model m.json --table table.fifo --out scores.csv -q &
    pid=$!
    wait_for_temp
    kill -$sig $pid
    wait $pid 2>/dev/null
    echo "SIG$sig: exit $?"
    ls -A
    cat scores.csv
done
churn-predict --model m.json --table table.fifo --out scores.csv -q &
pid=$!
wait_for_temp
kill -KILL $pid
wait $pid 2>/dev/null
echo "SIGKILL: exit $?"
ls -A | sed 's/[0-9][0-9]*/N/g'
churn-predict --model m.json --table t.csv --out scores.csv 2>err
echo "exit $?"
sed "s/$pid/PID/" err
rm err
ls -A
head -c 40 scores.csv; echo
