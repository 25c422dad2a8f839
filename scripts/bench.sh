#!/usr/bin/env bash
# Every benchmark against its peers, in one run on this machine: the machine and commit
# first, the load average before and after each block, and in each block every tool run
# several times interleaved with its peers, medians and the min-max of each ratio, blocks
# run above load 1.5 marked (benchmarks/lib.sh, peers/summarise_runs.py). Results: stdout;
# keep a copy in benchmarks/results/<date>-<host>.md. Someone else must be able to rerun it
# on the same kind of machine and get the same figures: run it on a quiet machine.
# CK_BENCH_BLOCKS: the blocks to run [all: features gbm gbm5m read logreg predict uplift bgnbd
# als recommend]
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
source benchmarks/lib.sh
echo "host $(uname -n)"
machine
blocks=${CK_BENCH_BLOCKS:-features gbm gbm5m read logreg predict uplift bgnbd als recommend}
for block in $blocks; do
    echo
    echo "== $block (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    case $block in
    features) benchmarks/run_features.sh build ;;
    gbm) benchmarks/run_gbm.sh build ;;
    # 5M training rows, churnkit against XGBoost hist only (scikit-learn takes minutes)
    gbm5m) CK_GBM_ROWS=6250000 CK_GBM_PEERS=xgboost benchmarks/run_gbm.sh build ;;
    read) benchmarks/run_read.sh build ;;
    logreg) benchmarks/run_logreg.sh build ;;
    predict) benchmarks/run_predict.sh build ;;
    uplift) benchmarks/run_uplift.sh build ;;
    # these need the benchmark programs (-DCK_BUILD_BENCHMARKS=ON)
    bgnbd | als | recommend)
        if [ -x "build/benchmarks/bench_$block" ]; then
            "benchmarks/run_$block.sh" build
        else
            echo "$block: skipped (configure with -DCK_BUILD_BENCHMARKS=ON)"
        fi
        ;;
    *) echo "bench: unknown block $block" >&2; exit 2 ;;
    esac
    echo "== $block done (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
done
