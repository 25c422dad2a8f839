# Outcomes as columns: 5/10 against 1/12 is Fisher's exact test (p 0.0557, as
# scipy.stats.fisher_exact([[5, 5], [1, 11]])); 30/200 against 18/210 the z test.
set -e
{
    echo "customer_id,arm,channel,converted,revenue"
    i=0
    while [ $i -lt 12 ]; do echo "c$i,ctl,sms,$([ $i = 0 ] && echo 1 || echo 0),$([ $i = 0 ] && echo 80 || echo 0)"; i=$((i+1)); done
    i=0
    while [ $i -lt 10 ]; do echo "t$i,small,sms,$([ $i -lt 5 ] && echo yes || echo no),$([ $i -lt 5 ] && echo 50.5 || echo 0)"; i=$((i+1)); done
} > small.csv
churn-ab --assignments small.csv --converted converted --revenue revenue --control ctl \
    --no-arm-channel --json small.json
grep -o '"test":"fisher","z":null,"p_value":0.0557275541795665[0-9]*' small.json
