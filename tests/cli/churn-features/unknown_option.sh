# An unknown option is a usage error (exit 2) with exactly two lines on stderr: one
# "churn-features: ..." line naming the option, then "Try 'churn-features --help'.".
churn-features --bogus 2>err
code=$?
cat err >&2
[ "$(wc -l <err)" -eq 2 ] && head -n 1 err | grep -q "^churn-features: .*--bogus" &&
    tail -n 1 err | grep -qx "Try 'churn-features --help'." || exit 98
exit $code
