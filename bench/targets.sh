#!/bin/sh
# The memory targets, one frugal process per run (so peak RSS is the run's own):
# Grin's published test graphs solved under a budget, each checked for the published
# 42-cycle. One JSON line per run: wall seconds, seconds per graph, peak RSS (from the
# solver and from the kernel via /usr/bin/time when present), published cycle found.
# Minutes of CPU and up to 4 GiB: never run from the test suite.
#   TARGETS   "EB:SOLVER:MAX_MEM:FIRST_NONCE:COUNT ..."
#             (default: C29 slean 512M, C31 slean 2G two graphs, C31 lean, C32 slean 4G)
#   VECTORS   directory of the shared vectors (default ../shared/vectors)
# Usage: bench/targets.sh [BUILD]
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
vectors=${VECTORS:-$here/../../shared/vectors}
frugal=$build/cli/frugal
targets=${TARGETS:-29:slean:512M:20:1 31:slean:2G:99:2 31:lean:1G:99:1 32:slean:4G:17:1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in $targets; do
    IFS=: read -r eb solver mem first count <<EOF
$t
EOF
    timer=""
    [ -x /usr/bin/time ] && timer="/usr/bin/time -f %M -o $tmp/rss"
    : > "$tmp/rss"
    start=$(date +%s.%N)
    status=0
    $timer "$frugal" solve -q --json -e "$eb" -n "$first" -r "$count" --solver "$solver" \
        --max-mem "$mem" > "$tmp/out" || status=$?
    end=$(date +%s.%N)
    python3 - "$eb" "$solver" "$mem" "$first" "$count" "$start" "$end" "$status" \
        "$tmp/out" "$tmp/rss" "$vectors/cuckatoo/grin80.txt" "$(nproc)" <<'PY'
import json, sys
eb, solver, mem, first, count, start, end, status, out, rss, grin, cpus = sys.argv[1:]
eb, first, count = int(eb), int(first), int(count)
graphs = [json.loads(l) for l in open(out) if l.strip()]
published = {}
for line in open(grin):
    f = line.split()
    if f and not f[0].startswith("#") and int(f[0]) == eb:
        published[int(f[1])] = [int(x, 16) for x in f[7:49]]
found = None
for g in graphs:
    if g["nonce"] in published:
        found = published[g["nonce"]] in g["solutions"]
kernel = open(rss).read().split()
print(json.dumps({
    "bench": "target", "edgebits": eb, "solver": solver, "max_mem": mem,
    "first_nonce": first, "graphs": len(graphs), "exit_status": int(status),
    "threads": int(cpus), "wall_seconds": round(float(end) - float(start), 2),
    "seconds_per_graph": [g["seconds"] for g in graphs],
    "solutions": sum(len(g["solutions"]) for g in graphs),
    "peak_rss_bytes_solver": max((g["peak_rss_bytes"] for g in graphs), default=0),
    "peak_rss_bytes_kernel": int(kernel[-1]) * 1024 if kernel else None,
    "published_cycle_found": found}))
PY
done
