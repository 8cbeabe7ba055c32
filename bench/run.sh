#!/bin/sh
# make bench: JSON lines on stdout (progress on stderr). Settings by environment:
#   BENCH_EDGEBITS  edge bits to run          (default "19 25 29 31")
#   BENCH_SOLVERS   solvers to compare        (default "lean")
#   BENCH_NONCES    graphs per size           (default 3; C31+ use 2)
#   BENCH_THREADS   threads                   (default: all CPUs)
set -eu
build=${1:-build}
ebs=${BENCH_EDGEBITS:-19 25 29 31}
solvers=${BENCH_SOLVERS:-lean}
threads=${BENCH_THREADS:-0}
"$build/bench/bench_siphash" 64
for eb in $ebs; do
    n=${BENCH_NONCES:-3}
    [ "$eb" -ge 31 ] && n=${BENCH_NONCES:-2}
    for s in $solvers; do
        "$build/bench/bench_solve" "$eb" "$s" 0 "$n" "$threads"
    done
done
