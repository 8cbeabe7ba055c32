#!/bin/sh
# Poseidon2 and Merkle tree benchmarks (JSON lines on stdout, one process per tree so
# that each peak RSS is its own). Settings by environment:
#   BENCH_MERKLE_HEIGHT   tree height H          (default 26: a 2^30-byte memory)
#   BENCH_MERKLE_K        page_bits to compare   (default "0 3 5")
#   BENCH_MERKLE_UPDATES  update fractions       (default "0.0001 0.01 0.1")
#   BENCH_THREADS         threads                (default: all CPUs)
#   BENCH_P2_MILLIONS     permutations per Poseidon2 run, millions (default 8)
set -eu
build=${1:-build}
h=${BENCH_MERKLE_HEIGHT:-26}
ks=${BENCH_MERKLE_K:-0 3 5}
fractions=${BENCH_MERKLE_UPDATES:-0.0001 0.01 0.1}
threads=${BENCH_THREADS:-0}
"$build/bench/bench_poseidon2" "${BENCH_P2_MILLIONS:-8}"
for k in $ks; do
    "$build/bench/bench_merkle" "$h" "$k" dense random "$threads" $fractions
done
# a zkVM-like memory (5 MiB of data in a 2^(H+4)-byte address space): dense vs sparse
for mode in dense sparse; do
    "$build/bench/bench_merkle" "$h" 3 "$mode" segments "$threads" $fractions
done
