#!/usr/bin/env python3
"""Every frugal_cuckatoo_<EB>.cuckooplugin in DIR exports exactly grin-miner's five
entry points (nm -D --defined-only), and names its edge bits in its file name.
Usage: check_exports.py DIR"""
import os
import re
import subprocess
import sys

WANT = {"create_solver_ctx", "destroy_solver_ctx", "run_solver", "stop_solver",
        "fill_default_params"}
d = sys.argv[1]
plugins = sorted(f for f in os.listdir(d) if f.endswith(".cuckooplugin"))
failures = 0
if not plugins:
    print("no plugins in", d)
    sys.exit(1)
for f in plugins:
    if not re.fullmatch(r"frugal_cuckatoo_(1[5-9]|2[0-9]|3[0-2])\.cuckooplugin", f):
        print("FAIL: unexpected plugin name", f)
        failures += 1
    out = subprocess.run(["nm", "-D", "--defined-only", os.path.join(d, f)], capture_output=True,
                         text=True, check=True).stdout
    syms = {line.split()[-1] for line in out.splitlines() if line.split()[-2:-1] != ["A"]}
    syms = {s.split("@")[0] for s in syms}
    if syms != WANT:
        print("FAIL: %s exports %s" % (f, sorted(syms)))
        failures += 1
print("check_exports: %d plugins, %s" % (len(plugins), "all export exactly the five entry points"
                                          if not failures else "%d failures" % failures))
sys.exit(1 if failures else 0)
