# Experiments an uplift model cannot be trained on, each refused with what is wrong, and
# nothing written: a treatment column with one arm, an unknown control, no arm named
# control, an arm with no conversion, a missing arm cell, no treatment column, and options
# of the wrong mode.
printf 'id,x,arm,converted\na,1,mail,1\nb,2,mail,0\n' >one_arm.csv
printf 'id,x,arm,converted\na,1,mail,1\nb,2,ctl,0\nc,3,ctl,1\nd,1,mail,0\n' >ctl.csv
printf 'id,x,arm,converted\na,1,mail,0\nb,2,control,0\nc,3,control,1\n' >no_conversion.csv
printf 'id,x,arm,converted\na,1,mail,1\nb,2,,0\n' >missing.csv
churn-train --model uplift --table one_arm.csv --label converted --treatment arm --out m.json
echo "exit $?"
churn-train --model uplift --table ctl.csv --label converted --treatment arm --control control --out m.json
echo "exit $?"
churn-train --model uplift --table ctl.csv --label converted --treatment arm --out m.json
echo "exit $?"
churn-train --model uplift --table no_conversion.csv --label converted --treatment arm --out m.json
echo "exit $?"
churn-train --model uplift --table missing.csv --label converted --treatment arm --out m.json
echo "exit $?"
churn-train --model uplift --table ctl.csv --label converted --treatment group --out m.json
echo "exit $?"
churn-train --model uplift --table ctl.csv --label converted --out m.json
echo "exit $?"
churn-train --model uplift --events e.csv --window 30 --out m.json
echo "exit $?"
churn-train --model uplift --table ctl.csv --label converted --treatment arm --cutoff 2024-01-01 --out m.json
echo "exit $?"
churn-train --model gbm --table ctl.csv --label converted --treatment arm --out m.json
echo "exit $?"
churn-train --model uplift --table ctl.csv --label converted --treatment arm --pos-weight 2 --out m.json
echo "exit $?"
ls m.json 2>/dev/null || echo "no model written"
