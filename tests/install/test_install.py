#!/usr/bin/env python3
"""make install, as a user sees it: install the build into a scratch prefix, compile the
README's C example against it with pkg-config (shared, then the static library with the
.pc file's private requirements), run both and check that they print the plan and the one
cycle of Grin's C19 test graph, verified.
Usage: test_install.py CMAKE BUILD_DIR README.md"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        print("command failed:", " ".join(cmd), "\n", r.stdout, r.stderr)
    return r


def main():
    cmake, build, readme = sys.argv[1:4]
    blocks = re.findall(r"```c\n(.*?)```", open(readme).read(), re.S)
    check(len(blocks) == 1, "README has one C example")
    if not blocks:
        return
    cc = os.environ.get("CC", "cc")
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "prefix")
        r = run([cmake, "--install", build, "--prefix", prefix])
        check(r.returncode == 0, "cmake --install succeeds")
        pcs = [os.path.join(d, f) for d, _, fs in os.walk(prefix) for f in fs if f == "frugal.pc"]
        check(len(pcs) == 1, "one frugal.pc installed")
        if r.returncode or len(pcs) != 1:
            return
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]))
        pc = lambda *a: run(["pkg-config", *a, "frugal"], env=env).stdout.split()
        libdir = run(["pkg-config", "--variable=libdir", "frugal"], env=env).stdout.strip()
        check(os.path.realpath(libdir).startswith(os.path.realpath(prefix)),
              "the .pc file points into the prefix it was installed to: " + libdir)
        src = os.path.join(tmp, "ex.c")
        with open(src, "w") as f:
            f.write(blocks[0])
        shared = os.path.join(tmp, "ex_shared")
        r = run([cc, "-std=c11", "-Wall", "-Werror", src, "-o", shared, *pc("--cflags", "--libs")])
        check(r.returncode == 0, "the example compiles against the shared library")
        static = os.path.join(tmp, "ex_static")
        libs = [os.path.join(libdir, "libfrugal.a") if x == "-lfrugal" else x
                for x in pc("--static", "--libs")]
        r2 = run([cc, "-std=c11", "-Wall", "-Werror", src, "-o", static, *pc("--cflags"), *libs])
        check(r2.returncode == 0, "the example links the static library")
        for exe, extra in ((shared, {"LD_LIBRARY_PATH": libdir}), (static, {})):
            if not os.path.exists(exe):
                continue
            out = run([exe], env=dict(os.environ, **extra))
            lines = out.stdout.splitlines()
            check(out.returncode == 0, exe + " exits 0")
            check(len(lines) == 2 and lines[1] == "cycle 0: ok",
                  exe + " prints the plan and one verified cycle: " + repr(lines))
        if r2.returncode == 0:
            ldd = shutil.which("ldd")
            if ldd:
                deps = run([ldd, static]).stdout
                check("libfrugal" not in deps, "the static example does not load libfrugal.so")


main()
print("test_install:", "FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
