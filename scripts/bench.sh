#!/usr/bin/env bash
# Every benchmark against its peers, in one run on this machine. Results: stdout; keep a
# copy in benchmarks/results/<date>-<host>.md with the commit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
command -v bc >/dev/null && [ -x /usr/bin/time ] && command -v liblinear-train >/dev/null &&
    /usr/bin/python3 -c "import pandas, sklearn, xgboost" 2>/dev/null || {
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq bc time python3-pandas \
        python3-sklearn python3-xgboost liblinear-tools >/dev/null
}
echo "commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), $(uname -n), $(nproc) cores"
benchmarks/run_features.sh build
benchmarks/run_gbm.sh build
benchmarks/run_logreg.sh build
benchmarks/run_predict.sh build
benchmarks/run_uplift.sh build
