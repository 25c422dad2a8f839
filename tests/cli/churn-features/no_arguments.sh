# No arguments is a usage error: exit 2, the reason and a pointer to --help on stderr.
churn-features
