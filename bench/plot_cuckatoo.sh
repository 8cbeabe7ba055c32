#!/bin/sh
# Plots peak memory against seconds per graph for every solver and edge bits found in
# a JSON-lines file from run_cuckatoo.sh. Usage: plot_cuckatoo.sh IN.jsonl OUT.png
# Needs gnuplot (make bench installs gnuplot-nox when missing).
set -eu
in=$1
png=$2
command -v gnuplot >/dev/null || { echo "plot_cuckatoo: gnuplot not installed, no plot" >&2; exit 1; }
dat=$(mktemp)
python3 - "$in" > "$dat" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("bench") != "solve":
        continue
    rows.setdefault(o["solver"], []).append(o)
for solver, rs in sorted(rows.items()):
    print('"%s"' % solver)
    for o in sorted(rs, key=lambda o: o["edgebits"]):
        print(o["seconds_median"], o["peak_rss_bytes"] / 2**20, "C%d" % o["edgebits"])
    print("\n")
PY
gnuplot <<GP
set terminal pngcairo size 900,600 noenhanced
set output "$png"
set title "frugal Cuckatoo solvers: peak memory against seconds per graph"
set xlabel "seconds per graph (median)"
set ylabel "peak RSS (MiB)"
set logscale xy
set grid
set key top left
plot for [i=0:3] "$dat" index i using 1:2 with linespoints pointsize 1.5 title columnheader(1), \
     for [i=0:3] "$dat" index i using 1:2:3 with labels offset 1.5,0.5 notitle
GP
rm -f "$dat"
echo "plot_cuckatoo: wrote $png" >&2
