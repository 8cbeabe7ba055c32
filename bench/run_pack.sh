#!/bin/sh
# Packed-stream codec: bits per value and encode/decode throughput per format,
# bucket count, live fraction and backend (JSON lines, see bench/bench_pack.c).
#   BENCH_PACK_MVALUES  values per workload, in millions (default 16)
#   BENCH_PACK_BLOCK    block size in bytes              (default 4096)
#   BENCH_PACK_REPS     runs per figure, median reported (default 3)
set -eu
build=${1:-build}
"$build/bench/bench_pack" "${BENCH_PACK_MVALUES:-16}" "${BENCH_PACK_BLOCK:-4096}" \
    "${BENCH_PACK_REPS:-3}"
