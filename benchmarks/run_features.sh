#!/usr/bin/env bash
# churn-features against a pandas script computing the same RFM and window features, on
# the same synthetic 5M-event log, in one run: wall time (median of 3), events/s, peak
# memory, and the ratios. Usage: benchmarks/run_features.sh [BUILD_DIR] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
target_events=${2:-5000000}
work=${CK_BENCH_DIR:-out/bench}
mkdir -p "$work"
python=/usr/bin/python3 # Debian's, with python3-pandas

events="$work/events-${target_events}.csv"
if [ ! -f "$events" ]; then
    # churn-synth writes about 46.6 events per customer over two years
    "$build/churn-synth" --customers $((target_events * 10 / 466)) --days 730 --seed 2024 \
        --out "$events" -q
fi
n_events=$(($(wc -l <"$events") - 1))
csv_bytes=$(stat -c %s "$events")
cutoff=2025-06-01

# run LABEL CMD...: three timed runs; sets last_seconds (median) and last_kb (peak RSS)
run() {
    local label=$1
    shift
    local times=() kb=0
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null
        read -r t m <"$work/time.txt"
        times+=("$t")
        ((m > kb)) && kb=$m
    done
    last_seconds=$(printf '%s\n' "${times[@]}" | sort -g | sed -n 2p)
    last_kb=$kb
    printf '%-16s %8.2f s %12.0f events/s %8.0f MB peak\n' "$label" "$last_seconds" \
        "$(echo "$n_events / $last_seconds" | bc -l)" "$(echo "$last_kb / 1024" | bc -l)"
}

echo "churn-features benchmark: $n_events events ($((csv_bytes / 1048576)) MB CSV), cutoff $cutoff, $(nproc) cores"
run churn-features "$build/churn-features" --events "$events" --cutoff $cutoff \
    --out "$work/features-churnkit.csv" -q
ck_s=$last_seconds ck_kb=$last_kb
run pandas "$python" benchmarks/peers/features_pandas.py "$events" $cutoff "$work/features-pandas.csv"
pd_s=$last_seconds
"$python" benchmarks/peers/compare_features.py "$work/features-churnkit.csv" "$work/features-pandas.csv"
printf 'speed-up over pandas: %.1fx;  churn-features peak memory: %.2fx the CSV size\n' \
    "$(echo "$pd_s / $ck_s" | bc -l)" "$(echo "$ck_kb * 1024 / $csv_bytes" | bc -l)"
