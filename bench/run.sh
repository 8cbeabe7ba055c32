#!/bin/sh
# make bench: JSON lines on stdout (progress on stderr). Each area's runner is
# bench/run_<area>.sh BUILD_DIR. Settings by environment:
#   BENCH_AREAS     which runners             (default: all of them)
#   BENCH_EDGEBITS  solver edge bits          (default "19 25 29 31")
#   BENCH_SOLVERS   solvers to compare        (default "lean mean packed slean")
#   BENCH_NONCES    graphs per size           (default 5; 3 at C29, 2 at C31 and up)
#   BENCH_THREADS   threads                   (default: all CPUs)
set -eu
build=${1:-build}
here=$(dirname "$0")
areas=${BENCH_AREAS:-$(ls "$here"/run_*.sh | sed 's|.*/run_||; s|\.sh$||')}
for a in $areas; do
    sh "$here/run_$a.sh" "$build"
done
