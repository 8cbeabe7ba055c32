#!/bin/sh
# Cuckatoo benchmarks: siphash throughput, then every solver per edge bits (one
# process each, so peak RSS is the solver's own), then the memory/time plot.
#   BENCH_EDGEBITS  edge bits            (default "19 25 29 31")
#   BENCH_SOLVERS   solvers              (default "lean mean packed slean")
#   BENCH_NONCES    graphs per size      (default 5; 3 at C29, 2 at C31 and up)
#   BENCH_THREADS   threads              (default: all CPUs)
#   BENCH_OUT       JSON lines also go to this file (default BUILD/bench-cuckatoo.jsonl)
set -eu
build=${1:-build}
ebs=${BENCH_EDGEBITS:-19 25 29 31}
solvers=${BENCH_SOLVERS:-lean mean packed slean}
threads=${BENCH_THREADS:-0}
out=${BENCH_OUT:-$build/bench-cuckatoo.jsonl}
: > "$out"
"$build/bench/bench_siphash" 64 | tee -a "$out"
for eb in $ebs; do
    n=${BENCH_NONCES:-5}
    [ "$eb" -ge 29 ] && n=${BENCH_NONCES:-3}
    [ "$eb" -ge 31 ] && n=${BENCH_NONCES:-2}
    for s in $solvers; do
        # grin80 nonces for C29 (20) and C31 (99) so the published cycles are among them
        first=0
        [ "$eb" -eq 29 ] && first=20
        [ "$eb" -eq 31 ] && first=99
        "$build/bench/bench_solve" "$eb" "$s" "$first" "$n" "$threads" | tee -a "$out"
    done
done
sh "$(dirname "$0")/plot_cuckatoo.sh" "$out" "$build/bench-cuckatoo.png" || true
