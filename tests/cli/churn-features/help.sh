# --help prints the usage and options to stdout and exits 0.
churn-features --help
