#!/bin/sh
# Cuckatoo benchmarks: siphash throughput, then solvers per edge bits.
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
