#!/usr/bin/env python3
"""The `frugal merkle` contract: roots of the shared vectors (flat tree, OpenVM's two
address spaces, zero roots), the same root for every page_bits, mode and backend,
JSON fields, update = rebuild of NEW, proofs that verify and tampered ones that do
not, and exit 2 with one message (nothing on stdout) for every kind of bad usage or
input. Usage: test_merkle_cli.py FRUGAL_BINARY VECTORS_DIR"""
import json
import os
import random
import subprocess
import sys
import tempfile

FRUGAL, VECTORS = sys.argv[1], sys.argv[2]
P = 2013265921
failures = 0
seed = int(os.environ.get("FRUGAL_TEST_SEED", "5"))
print("test_merkle_cli: seed %d (set FRUGAL_TEST_SEED to rerun)" % seed)
rng = random.Random(seed)
tmp = tempfile.mkdtemp(prefix="frugal-merkle-")


def run(args, stdin=None):
    p = subprocess.run([FRUGAL, "merkle"] + args, input=stdin, capture_output=True, text=True,
                       timeout=300)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what)


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def vectors():
    v = {}
    with open(os.path.join(VECTORS, "poseidon2", "merkle.txt")) as f:
        for line in f:
            t = line.split()
            if not t or t[0].startswith("#"):
                continue
            if t[0] == "Z":
                v["Z%s" % t[1]] = [int(x) for x in t[2:]]
            else:
                v[t[0]] = [int(x) for x in t[-8:]]
    return v


def root(path, *opts):
    rc, out, err = run(["root", path] + list(opts))
    check(rc == 0, "root %s %s: rc=%d err=%r" % (path, opts, rc, err))
    return [int(x) for x in out.split()] if rc == 0 else None


vec = vectors()

# the shared vectors through files
flat = write("flat.bin", bytes(range(64)))
for k in range(4):
    for mode in ([], ["--sparse"]):
        check(root(flat, "--height", "3", "--page-bits", str(k), *mode) == vec["FLAT_ROOT"],
              "FLAT_ROOT with page bits %d %s" % (k, mode))
check(root(flat, "--height", "3", "--cpu", "scalar") == vec["FLAT_ROOT"], "FLAT_ROOT, scalar")
openvm = write("openvm.bin", b"".join(i.to_bytes(2, "little") for i in range(32)) + bytes(64))
check(root(openvm) == vec["OPENVM_ROOT"], "OpenVM's two address spaces as one flat image")
as1 = write("as1.bin", b"".join(i.to_bytes(2, "little") for i in range(32)))
check(root(as1) == vec["OPENVM_AS1_ROOT"], "OPENVM_AS1_ROOT (height from the size: 2)")
empty = write("empty.bin", b"")
check(root(empty) == vec["Z0"], "an empty file is one zero leaf")
check(root(empty, "--height", "5", "--page-bits", "2") == vec["Z5"], "Z 5")
check(root(empty, "--height", "32", "--page-bits", "3", "--sparse") == vec["Z32"], "Z 32, sparse")
leaf = write("leaf.bin", b"".join(i.to_bytes(2, "little") for i in range(1, 9)))
check(root(leaf) == vec["LEAF"], "LEAF 1..8")

# --json
rc, out, err = run(["root", flat, "--height", "3", "--page-bits", "1", "--json"])
o = json.loads(out)
for field in ("root", "height", "page_bits", "tree_bytes", "hashes", "seconds", "peak_rss_bytes"):
    check(field in o, "root --json has %s" % field)
check(o["root"] == vec["FLAT_ROOT"] and o["height"] == 3 and o["page_bits"] == 1, "root --json values")
check(o["hashes"] == 8 and o["tree_bytes"] > 0 and err == "", "zero blocks and zero pairs cost nothing")

# a random image: every page_bits, both modes, every backend agree
img = bytes(rng.randrange(256) if rng.random() < 0.7 else 0 for _ in range(16 * 300 + 7))
path = write("img.bin", img)
want = root(path)
for k in range(0, 10, 3):
    for opts in ([], ["--sparse"], ["--cpu", "avx2"], ["-t", "1"]):
        check(root(path, "--page-bits", str(k), *opts) == want, "random image, k=%d %s" % (k, opts))
check(root(path, "--height", "10") != want, "another height, another root")

# update OLD NEW equals NEW's own root; the counts add up
for k in (0, 2, 4):
    for case in ("scattered", "clustered", "grow", "same"):
        old = bytearray(img)
        new = bytearray(img)
        if case == "scattered":
            for _ in range(25):
                new[rng.randrange(len(new))] ^= 1 + rng.randrange(255)
        elif case == "clustered":
            a = rng.randrange(len(new) - 500)
            new[a:a + 500] = bytes(rng.randrange(256) for _ in range(500))
        elif case == "grow":
            new += bytes(rng.randrange(256) for _ in range(2000))
        oldp, newp = write("old.bin", bytes(old)), write("new.bin", bytes(new))
        rc, out, err = run(["update", oldp, newp, "--page-bits", str(k), "--json", "--check"])
        check(rc == 0, "update %s k=%d: rc=%d err=%r" % (case, k, rc, err))
        if rc:
            continue
        u = json.loads(out)
        for field in ("old_root", "new_root", "touched_blocks", "hashes", "seconds"):
            check(field in u, "update --json has %s" % field)
        size = max(len(old), len(new))
        h = 0
        while 16 << h < size:
            h += 1
        check(u["old_root"] == root(oldp, "--height", str(h)), "update: old root (%s)" % case)
        check(u["new_root"] == root(newp, "--height", str(h)), "update: new root (%s)" % case)
        o16 = bytes(old) + bytes((-len(old)) % 16 + size - len(old))
        n16 = bytes(new) + bytes((-len(new)) % 16 + size - len(new))
        touched = sum(o16[i:i + 16] != n16[i:i + 16] for i in range(0, max(len(o16), len(n16)), 16))
        check(u["touched_blocks"] == touched, "update: touched blocks (%s)" % case)
        if k == 0:
            check(u["hashes"] == u["records"], "update: one permutation per record at k=0")
        else:
            above = u["records"]  # a loose bound: records plus two page recomputations each
            check(u["hashes"] <= above + u["touched_pages"] * 2 * (2 ** (k + 1) - 1),
                  "update: permutations within the bound (%s)" % case)
        rc, out, _ = run(["update", oldp, newp, "--page-bits", str(k), "--sparse"])
        lines = dict(l.split(" ", 1) for l in out.strip().split("\n"))
        check(rc == 0 and [int(x) for x in lines["new_root"].split()] == u["new_root"],
              "update, sparse, text output")

# prove / verify
proofs_path = os.path.join(tmp, "proofs.txt")
rc, out, err = run(["prove", path, "0", "5", "299", "511", "--page-bits", "3"])
check(rc == 0 and out.count("frugal-merkle-proof 1") == 4 and "height 9\n" in out,
      "prove prints one proof per leaf: rc=%d err=%r" % (rc, err))
with open(proofs_path, "w") as f:
    f.write(out)
rc, vout, _ = run(["verify", proofs_path])
check(rc == 0 and vout == "OK leaf 0\nOK leaf 5\nOK leaf 299\nOK leaf 511\n", "verify: %r" % vout)
rc, vout, _ = run(["verify", "-", "--root", " ".join(map(str, want))], stdin=out)
check(rc == 0 and vout.count("OK") == 4, "verify from stdin against the trusted root")
rc, vout, _ = run(["verify", proofs_path, "--root", ",".join(map(str, [1] * 8))])
check(rc == 1 and vout.count("FAIL") == 4, "verify: another trusted root fails")
lines = out.split("\n")
sib = next(i for i, l in enumerate(lines) if l.startswith("sibling"))
t = lines[sib].split()
t[3] = str((int(t[3]) + 1) % P)
tampered = "\n".join(lines[:sib] + [" ".join(t)] + lines[sib + 1:])
rc, vout, _ = run(["verify", "-"], stdin=tampered)
check(rc == 1 and vout.startswith("FAIL leaf 0") and vout.count("OK") == 3, "a tampered sibling fails")
blk = next(i for i, l in enumerate(lines) if l.startswith("block"))
b = lines[blk]
tampered = "\n".join(lines[:blk] + [b[:-1] + ("0" if b[-1] != "0" else "1")] + lines[blk + 1:])
rc, vout, _ = run(["verify", "-"], stdin=tampered)
check(rc == 1 and vout.startswith("FAIL"), "a tampered block fails")

# bad usage and bad input: exit 2, one message on stderr, nothing on stdout
big = write("big.bin", bytes(100))
bad_proof = out.replace("height 9", "height x", 1)
bad_cases = [
    ([], None),
    (["nonsense"], None),
    (["root"], None),
    (["root", os.path.join(tmp, "missing.bin")], None),
    (["root", tmp], None),
    (["root", big, "--height", "2"], None),
    (["root", big, "--height", "49"], None),
    (["root", big, "--height", "3", "--page-bits", "4"], None),
    (["root", big, "--page-bits", "21"], None),
    (["root", big, "--page-bits", "x"], None),
    (["root", big, "--bogus"], None),
    (["root", big, "--height"], None),
    (["root", big, "extra"], None),
    (["root", big, "--cpu", "mmx"], None),
    (["root", big, "--sparse", "--max-pages", "0"], None),
    (["root", big, "--sparse", "--max-pages", "9", "--height", "3"], None),
    (["root", big, "--check"], None),
    (["update", big], None),
    (["update", big, os.path.join(tmp, "missing.bin")], None),
    (["update", big, path, "--height", "3"], None),
    (["prove", big], None),
    (["prove", big, "8"], None),
    (["prove", big, "-1"], None),
    (["prove", big, "abc"], None),
    (["prove", big, "1", "--height", "3", "--page-bits", "4"], None),
    (["verify"], None),
    (["verify", os.path.join(tmp, "missing.txt")], None),
    (["verify", "-"], ""),
    (["verify", "-"], "hello\n"),
    (["verify", "-"], bad_proof),
    (["verify", "-"], out[:-30]),
    (["verify", "-"], out + "x"),
    (["verify", "-"], out.replace(" ", "  ", 1)),
    (["verify", "-", "--root", "1 2 3"], out),
    (["verify", "-", "--root", "1 2 3 4 5 6 7 2013265921"], out),
]
for args, stdin in bad_cases:
    rc, o_, e_ = run(args, stdin)
    check(rc == 2 and o_ == "" and e_.strip() != "" and len(e_.strip().split("\n")) <= 12,
          "bad usage %r: rc=%d out=%r err=%r" % (args, rc, o_[:80], e_[:200]))
rc, o_, _ = run(["--help"])
check(rc == 0 and "update" in o_, "merkle --help")

print("test_merkle_cli: %s" % ("all checks passed" if failures == 0 else "%d failures" % failures))
sys.exit(1 if failures else 0)
