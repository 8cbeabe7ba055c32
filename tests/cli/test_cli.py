#!/usr/bin/env python3
"""The frugal CLI contract: output formats other tools parse, exit codes, and one
clear message (exit 2, nothing on stdout) for every kind of bad usage or input.
Usage: test_cli.py FRUGAL_BINARY VECTORS_DIR"""
import hashlib
import json
import os
import subprocess
import sys

FRUGAL, VECTORS = sys.argv[1], sys.argv[2]
failures = 0


def run(args, stdin=None):
    p = subprocess.run([FRUGAL] + args, input=stdin, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what)


def grin80():
    vec = {}
    with open(os.path.join(VECTORS, "cuckatoo", "grin80.txt")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            t = line.split()
            vec[int(t[0])] = (int(t[1]), t[2:6], [w for w in t[7:] if w != "|"])
    return vec


def keys_of(header):
    d = hashlib.blake2b(header, digest_size=32).digest()
    return ["%016x" % int.from_bytes(d[8 * i:8 * i + 8], "little") for i in range(4)]


vec = grin80()

# solve: text output carries Grin's published C19 solution, then a '#' summary
nonce, keys, sol = vec[19]
rc, out, err = run(["solve", "-e", "19", "-n", str(nonce)])
check(rc == 0, "solve C19 exits 0")
lines = out.strip().split("\n")
check(lines[0] == "Solution %d %s" % (nonce, " ".join(sol)), "solve prints the published C19 solution")
check(lines[-1].startswith("# 1 graph, 1 solution"), "solve prints a summary: %r" % lines[-1])
check("plan:" in err, "the plan goes to stderr")

# --json: one object per graph with the documented fields
rc, out, err = run(["solve", "-e", "15", "-n", "1546568", "-r", "2", "--json", "-q"])
objs = [json.loads(l) for l in out.strip().split("\n")]
check(rc == 0 and len(objs) == 2, "--json prints one object per graph")
for field in ("edgebits", "nonce", "keys", "solutions", "solver", "seconds", "peak_rss_bytes",
              "planned_bytes"):
    check(all(field in o for o in objs), "--json has %s" % field)
o = objs[1]
check(o["nonce"] == 1546569 and o["keys"] == vec[15][1], "--json keys match grin80 C15")
check(len(o["solutions"]) == 2 and all(len(s) == 42 for s in o["solutions"]), "C15 has 2 cycles")
check(o["solutions"][0] == [int(x, 16) for x in vec[15][2][:42]], "C15 first cycle matches")
check(err == "", "-q keeps stderr quiet")

# solve | verify -: both text and JSON round trip
rc, out, _ = run(["solve", "-e", "15", "-n", "1546569", "-q"])
rc2, vout, verr = run(["verify", "-e", "15", "-"], stdin=out)
check(rc2 == 0 and vout.count("OK nonce 1546569") == 2, "verify accepts solve's text: %r %r" % (vout, verr))
rc, out, _ = run(["solve", "-e", "15", "-n", "1546569", "--json", "-q"])
rc2, vout, _ = run(["verify", "-e", "15", "-"], stdin=out)
check(rc2 == 0 and vout.count("OK") == 2, "verify accepts solve's JSON")

# verify on the command line, good and bad proofs
rc, out, _ = run(["verify", "-e", "19", "-n", str(nonce)] + sol)
check(rc == 0 and out == "OK\n", "verify OK on the published C19 proof")
bad = sol[:]
bad[3], bad[4] = bad[4], bad[3]
rc, out, _ = run(["verify", "-e", "19", "-n", str(nonce)] + bad)
check(rc == 1 and out == "FAIL: edges not ascending\n", "verify reports not ascending: %r" % out)
rc, out, _ = run(["verify", "-e", "19", "-n", str(nonce)] + sol[:41])
check(rc == 1 and "wrong proof length" in out, "verify reports a wrong-length proof")
rc, out, _ = run(["verify", "-e", "19", "-n", str(nonce + 1)] + sol)
check(rc == 1 and out.startswith("FAIL"), "verify rejects the proof under another nonce")
mixed = "Solution %d %s\nSolution %d %s\n" % (nonce, " ".join(sol), nonce, " ".join(bad))
rc, out, _ = run(["verify", "-e", "19", "-"], stdin=mixed)
check(rc == 1 and out.count("OK") == 1 and out.count("FAIL") == 1, "one bad proof of two exits 1")

# header modes: keys are BLAKE2b-256 of the header the options describe
hdr = bytes(range(83))
rc, out, _ = run(["solve", "-e", "10", "-n", "7", "--header", hdr.hex(), "--json", "-q"])
h = bytearray(hdr)
h[76:80] = (7).to_bytes(4, "little")
check(json.loads(out)["keys"] == keys_of(bytes(h)), "--header places the nonce in the last whole word")
rc, out, _ = run(["solve", "-e", "10", "-n", "9", "--header-len", "246", "--json", "-q"])
h = bytearray(246)
h[240:244] = (9).to_bytes(4, "little")
check(json.loads(out)["keys"] == keys_of(bytes(h)), "--header-len 246")
pre = bytes((i * 7) & 255 for i in range(238))
big = 2**64 - 2
rc, out, _ = run(["solve", "-e", "10", "-n", str(big), "--grin-pre-pow", pre.hex(), "--json", "-q"])
check(rc == 0 and json.loads(out)["nonce"] == big, "grin nonces are full u64")
check(json.loads(out)["keys"] == keys_of(pre + big.to_bytes(8, "big")), "--grin-pre-pow appends u64 BE")

# --bucket-bits changes how the bucket solvers split the node space, never what they find:
# the published C19 cycle and the same number of rounds for several bucket sizes
nonce19, _, sol19 = vec[19]
runs = []
for solver, bb in (("packed", 8), ("packed", 12), ("packed", 17), ("slean", 10), ("mean", 15)):
    rc, out, err = run(["solve", "-e", "19", "-n", str(nonce19), "--solver", solver,
                        "--bucket-bits", str(bb), "--json", "-q"])
    check(rc == 0, "solve --bucket-bits %d exits 0: %r" % (bb, err))
    runs.append(json.loads(out))
check(all([int(x, 16) for x in sol19] in r["solutions"] for r in runs),
      "every --bucket-bits run finds the published C19 cycle")
check(len({r["rounds"] for r in runs}) == 1, "--bucket-bits does not change the rounds: %r" %
      [r["rounds"] for r in runs])

# bad usage and bad input: exit 2, one message on stderr, nothing on stdout
bad_cases = [
    ["solve"],
    ["solve", "-e", "99"],
    ["solve", "-e", "abc"],
    ["solve", "-e", "19", "--bogus"],
    ["solve", "-e", "19", "-n"],
    ["solve", "-e", "19", "--header", "xyz1"],
    ["solve", "-e", "19", "--header", "0011"],
    ["solve", "-e", "19", "--grin-pre-pow", "00" * 237],
    ["solve", "-e", "19", "-n", "4294967296"],
    ["solve", "-e", "19", "-n", "4294967295", "-r", "2"],
    ["solve", "-e", "19", "--solver", "fast"],
    ["solve", "-e", "19", "--max-mem", "lots"],
    ["solve", "-e", "19", "--max-mem", "1M"],
    ["solve", "-e", "19", "--cycle-len", "41"],
    ["solve", "-e", "19", "--bucket-bits", "5"],
    ["solve", "-e", "19", "--bucket-bits", "18"],
    ["solve", "-e", "29", "--bucket-bits", "12"],
    ["solve", "-e", "19", "--bucket-bits", "many"],
    ["solve", "-e", "19", "extra"],
    ["verify", "-e", "19"],
    ["verify", "-n", "1", "1", "2"],
    ["verify", "-e", "19", "1", "xyz"],
    ["nonsense"],
]
for args in bad_cases:
    rc, out, err = run(args)
    check(rc == 2 and out == "" and err.strip() != "" and len(err.strip().split("\n")) <= 12,
          "bad usage %r: rc=%d out=%r err=%r" % (args, rc, out, err))
bad_inputs = [
    '{"nonce": 1, "solutions": [[1, 2]]',      # truncated JSON
    '{"nonce": -1, "solutions": []}',
    '{"nonce": 1, "solutions": [[1.5]]}',
    '{"nonce": 1}',
    'Solution x 1 2',
    'Solution 1 zz',
    'hello',
    '',
]
for text in bad_inputs:
    rc, out, err = run(["verify", "-e", "19", "-"], stdin=text)
    check(rc == 2 and out == "" and err.strip() != "", "bad input %r: rc=%d out=%r" % (text, rc, out))
rc, out, err = run(["verify", "-e", "19", "-"], stdin="Solution %d %s\nbroken\n" % (nonce, " ".join(sol)))
check(rc == 2 and out == "" and "line 2" in err, "a bad line after a good one prints nothing on stdout")

rc, out, _ = run(["--help"])
check(rc == 0 and "solve" in out, "frugal --help lists the commands")
rc, out, _ = run(["version"])
check(rc == 0 and out.startswith("frugal "), "frugal version")

print("test_cli: %s" % ("all checks passed" if failures == 0 else "%d failures" % failures))
sys.exit(1 if failures else 0)
