# A malformed --cutoff is a usage error, found before any file is read (none exists here).
churn-features --events missing.csv --cutoff 2024-1-1 --out features.csv
