# A temporary's name is never followed or truncated: with symlinks planted at the run's
# first two temporary names (.f.csv.tmp.<pid>.0 and .1; the pid is known through exec),
# the run writes through .2, the links' target is untouched and the links stay. Of the
# temporaries of f.csv left by others, the one whose process is gone is removed and the
# one of a live process (this script) stays. The output's mode is 0666 less the umask.
churn-synth --customers 20 --days 120 --seed 1 --out e.csv -q || exit 1
echo "precious" >victim
sleep 0 &
dead=$!
wait
echo "stale" >.f.csv.tmp.$dead.0
echo "live" >.f.csv.tmp.$$.0
sh -c 'umask 027 && ln -s victim .f.csv.tmp.$$.0 && ln -s victim .f.csv.tmp.$$.1 &&
       exec churn-features --events e.csv --cutoff 2024-04-01 --out f.csv' 2>err
echo "exit $?"
sed "s/$dead/DEAD/" err
cat victim
head -c 30 f.csv; echo
stat -c %a f.csv
[ -e .f.csv.tmp.$dead.0 ] || echo "stale temporary removed"
cat .f.csv.tmp.$$.0
echo "symlinks: $(find . -name '.f.csv.tmp.*' -type l | wc -l)"
echo "regular temporaries: $(find . -name '.f.csv.tmp.*' -type f | wc -l)"
