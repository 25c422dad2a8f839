#!/usr/bin/python3
"""Medians and ratios of interleaved benchmark runs.

Reads a tab-separated file with a header: `run`, `tool`, one column per measure (seconds,
or anything where less is better), and `load_before`, `load_after`, `others` (benchmarks/
lib.sh). Prints each run's row with its load marked `*` when the 1-minute load average was
above 1.5 before or after, each tool's median (min-max) per measure, and for every other
tool the ratio other / reference per run: its median and min-max ("3.1x (2.8-3.3x)": the
reference is that many times faster).

usage: summarise_runs.py RUNS.tsv --reference TOOL --measures a_s,b_s [--peak peak_mb]
"""
import argparse
import csv
import statistics


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs")
    ap.add_argument("--reference", required=True)
    ap.add_argument("--measures", required=True)
    args = ap.parse_args()
    measures = args.measures.split(",")
    with open(args.runs, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    tools = list(dict.fromkeys(r["tool"] for r in rows))
    runs = list(dict.fromkeys(r["run"] for r in rows))
    marked = 0
    for r in rows:
        loaded = float(r["load_before"]) > 1.5 or float(r["load_after"]) > 1.5
        marked += loaded
        cells = "  ".join("%s %s" % (m, r[m]) for m in measures if r.get(m) not in (None, ""))
        print("run %s %-18s %s  load %s -> %s%s  others %s cores" % (
            r["run"], r["tool"], cells, r["load_before"], r["load_after"],
            " *" if loaded else "  ", r["others"]))
    print("\n%d runs per tool; %d of %d blocks ran above load 1.5 (marked *)"
          % (len(runs), marked, len(rows)))

    value = {(r["run"], r["tool"], m): float(r[m]) for r in rows for m in measures
             if r.get(m) not in (None, "")}
    print("%-18s %s" % ("median (min-max)", "  ".join("%-24s" % m for m in measures)))
    for tool in tools:
        cells = []
        for m in measures:
            v = [value[(run, tool, m)] for run in runs if (run, tool, m) in value]
            cells.append("%-24s" % ("%.3f (%.3f-%.3f)" % (statistics.median(v), min(v), max(v))
                                    if v else "-"))
        print("%-18s %s" % (tool, "  ".join(cells)))
    print("\nratios other / %s per run, median (min-max):" % args.reference)
    for tool in tools:
        if tool == args.reference:
            continue
        for m in measures:
            ratio = [value[(run, tool, m)] / value[(run, args.reference, m)] for run in runs
                     if (run, tool, m) in value and value.get((run, args.reference, m))]
            if ratio:
                print("  %-10s %-18s %6.2fx (%.2f-%.2fx)" % (
                    m, tool, statistics.median(ratio), min(ratio), max(ratio)))


if __name__ == "__main__":
    main()
