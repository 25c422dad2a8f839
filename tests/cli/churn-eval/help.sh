# --help prints the usage and the options to stdout and exits 0; so does --version.
churn-eval --help
churn-eval --version | sed 's/[0-9][0-9.]*$/X.Y.Z/'
