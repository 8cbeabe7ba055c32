#!/usr/bin/env python3
"""`frugal mine` end to end against the stratum test server (tests/stratum_server.py),
at small edge bits, one scenario per run:

  shares    C15: shares found, submitted, accepted; new jobs at the same height
  c19       C19: a share accepted; SIGTERM ends the run cleanly
  restart   the server restarts mid-run: reconnect, shares found while down submitted
  lost      the pool closes right after counting a share: reported lost, not resent
  failover  the first pool dies: the miner moves to the second; a dead first pool
  stale     heights change under the miner: stale answers counted as the server did
  rejected  -32502 (edge bits below the pool's minimum), -32501 (difficulty raised)
  protocol  malformed lines from the pool: kept or dropped as the node would
  syncing   -32000 answers until the node has synced
  usage     bad options exit 2 with one message; SIGTERM while never connected
  server    the test server itself answers as Grin's node does

Every run checks that the miner's counters match its events, that every share it
found is accounted for, that the servers saw each share once with the verdict the
miner reports, that the share difficulty frugal computed equals the server's
(computed in Python), and that every share submitted passes frugal's verifier on
the server side. Servers listen on 127.0.0.1 only and are stopped, and miners killed,
whatever happens (an internal alarm ends a run that hangs).
Usage: test_mine.py FRUGAL_BINARY SCENARIO"""
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from stratum_server import StratumServer, pre_pow_for  # noqa: E402

FRUGAL = os.path.abspath(sys.argv[1])
SCENARIO = sys.argv[2]
LIMIT_S = 150
failures = 0
miners, servers = [], []
libc = ctypes.CDLL(None, use_errno=True)


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, flush=True)
    return cond


def die_with_parent():
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the miner dies with this driver


def server(**kw):
    s = StratumServer(FRUGAL, **kw).start()
    servers.append(s)
    check(s.listener.getsockname()[0] == "127.0.0.1", "the server listens on 127.0.0.1 only")
    return s


def addr(s):
    return "127.0.0.1:%d" % s.port


class Miner:
    def __init__(self, pools, eb=15, extra=()):
        cmd = [FRUGAL, "mine", "-e", str(eb), "-t", "1", "--json", "--status-interval", "1",
               "--retry-max", "1"]
        for p in pools:
            cmd += ["--pool", p]
        self.cmd = cmd + list(extra)
        self.events, self.bad, self.err = [], [], []
        self.lock = threading.Lock()
        self.p = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, preexec_fn=die_with_parent)
        miners.append(self)
        self.threads = [threading.Thread(target=self._out, daemon=True),
                        threading.Thread(target=self._err, daemon=True)]
        for t in self.threads:
            t.start()

    def _out(self):
        for line in self.p.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                self.bad.append(line)
                continue
            with self.lock:
                self.events.append(ev)

    def _err(self):
        for line in self.p.stderr:
            self.err.append(line)

    def snapshot(self, kind=None):
        with self.lock:
            return [e for e in self.events if kind is None or e["event"] == kind]

    def shares(self, result=None, pool=None):
        return [e for e in self.snapshot("share")
                if (result is None or e["result"] == result) and (pool is None or e["pool"] == pool)]

    def wait(self, pred, timeout, what):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if pred():
                return True
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        check(False, "timed out waiting for %s (miner rc %s); stderr tail: %s"
              % (what, self.p.poll(), "".join(self.err[-5:])))
        return False

    def stop(self, sig=signal.SIGINT, timeout=30):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = None
        for t in self.threads:
            t.join(5)
        check(not self.bad, "stdout holds only JSON lines: %r" % self.bad[:3])
        return rc

    def final(self):
        f = self.snapshot("final")
        return f[-1] if f else None


def cleanup():
    for m in miners:
        if m.p.poll() is None:
            m.p.kill()
            m.p.wait()
    for s in servers:
        s.stop()


def verify_all(srv):
    """Every share the server received is a cycle of its header for frugal's verifier
    (stale ones against the job they named, rebuilt from the server's seed)."""
    for r in srv.records:
        eb = r["edge_bits"] & 0xFF
        pre = pre_pow_for(srv.seed, r["height"], r["job_id"])
        ok = srv._verify(pre, r["nonce"], eb, r["pow"]) if "pow" in r else None
        check(ok, "share nonce %d (%s) passes frugal's verifier" % (r["nonce"], r["result"]))


def key(share):
    return (share["nonce"], tuple(share["pow"]))


def check_consistent(m, by_pool):
    """by_pool: {"127.0.0.1:port": [servers that ran there]}."""
    fin = m.final()
    if not check(fin is not None, "the miner printed a final report"):
        return
    shares = m.snapshot("share")
    count = {r: sum(1 for s in shares if s["result"] == r)
             for r in ("accepted", "block", "rejected", "stale", "dropped", "lost")}
    check(fin["accepted"] == count["accepted"] + count["block"], "accepted: counter vs events %s %s"
          % (fin["accepted"], count))
    for r in ("rejected", "stale", "dropped", "lost"):
        check(fin[r] == count[r], "%s: counter %d vs events %d" % (r, fin[r], count[r]))
    check(fin["found"] == fin["accepted"] + fin["rejected"] + fin["stale"] + fin["dropped"]
          + fin["lost"] + fin["queued"] + fin["inflight"], "every share found is accounted: %s" % fin)
    check(fin["solutions"] == fin["found"] + fin["below_target"], "solutions = shares + below target")
    check(fin["invalid"] == 0, "no cycle failed the miner's own verification")
    records = []
    for pool, srvs in by_pool.items():
        for s in srvs:
            verify_all(s)
            records += [(pool, r) for r in s.records]
    # a share is its nonce and its cycle (a graph may hold two cycles)
    keys = [(r["nonce"], tuple(r["pow"])) for _, r in records]
    check(len(keys) == len(set(keys)), "nothing was submitted twice")
    seen = {(r["nonce"], tuple(r["pow"])): (pool, r) for pool, r in records}
    answered = [s for s in shares if s["result"] in ("accepted", "block", "stale", "rejected")]
    for s in answered:
        if not check(key(s) in seen, "the server got answered share %d" % s["nonce"]):
            continue
        pool, r = seen[key(s)]
        check(pool == s["pool"] and r["height"] == s["height"] and r["job_id"] == s["job_id"],
              "share %d went to %s at height %d job %d" % (s["nonce"], pool, r["height"], r["job_id"]))
        check(r["result"] == s["result"], "share %d: server says %s, miner %s"
              % (s["nonce"], r["result"], s["result"]))
        if r["difficulty"] is not None:
            check(r["difficulty"] == s["difficulty"], "share %d difficulty: Python %d, frugal %d"
                  % (s["nonce"], r["difficulty"], s["difficulty"]))
    answered_k = {key(s) for s in answered}
    lost_k = {key(s) for s in shares if s["result"] == "lost"}
    for k in seen:
        check(k in answered_k or k in lost_k, "the server's share %d is known to the miner" % k[0])
    for s in shares:
        if s["result"] == "dropped":
            check(key(s) not in seen, "dropped share %d was never sent" % s["nonce"])
    check(fin["submitted"] >= len(records) >= fin["submitted"] - fin["lost"],
          "submitted %d vs received %d" % (fin["submitted"], len(records)))


# ---- scenarios ---------------------------------------------------------------------

def scenario_shares():
    srv = server(difficulty=2, job_interval=0.5)
    m = Miner([addr(srv)])
    m.wait(lambda: len(m.shares("accepted")) >= 6, 60, "6 accepted shares")
    # fast solvers find the shares before the first status line or the second job:
    # wait for those too rather than depend on timing
    m.wait(lambda: any(s["graphs_per_s"] > 0 for s in m.snapshot("status")), 30,
           "a status line with graphs/s")
    m.wait(lambda: any(not j["clean"] for j in m.snapshot("job")), 30, "a same-height job")
    check(m.stop() == 0, "SIGINT ends the run with exit 0")
    check_consistent(m, {addr(srv): [srv]})
    fin = m.final()
    check(fin and fin["rejected"] == 0 and fin["stale"] == 0, "no rejections: %s" % fin)
    check(all(s["difficulty"] >= 2 for s in m.shares()), "only shares of difficulty >= 2 sent")
    st = m.snapshot("status")
    check(len(st) >= 1 and any(s["graphs_per_s"] > 0 for s in st), "status lines with graphs/s")
    jobs = m.snapshot("job")
    check(jobs and jobs[0]["clean"] and any(not j["clean"] for j in jobs),
          "first job clean, same-height jobs not")
    check(len({s["job_id"] for s in m.shares("accepted")}) >= 1, "shares of the jobs")
    check(any("final:" in line for line in m.err), "a final report on stderr")


def scenario_c19():
    srv = server()
    m = Miner([addr(srv)], eb=19)
    m.wait(lambda: len(m.shares("accepted")) >= 1, 100, "a C19 share")
    check(m.stop(signal.SIGTERM) == 0, "SIGTERM ends the run with exit 0")
    check_consistent(m, {addr(srv): [srv]})
    check(all(r["edge_bits"] == 19 for r in srv.records), "C19 shares say edge_bits 19")


def scenario_restart():
    a = server(seed="restart", height=7)
    port = a.port
    m = Miner([addr(a)])
    m.wait(lambda: len(m.shares("accepted")) >= 2, 60, "2 accepted before the restart")
    a.stop()
    t_stop = time.monotonic()
    # wait until the miner has found shares while the pool is away
    m.wait(lambda: any(e["queued"] >= 1 and not e["connected"] for e in m.snapshot("status")),
           60, "a share found while disconnected")
    b = server(seed="restart", height=7, port=port)
    check(time.monotonic() - t_stop < 70, "restarted")
    m.wait(lambda: len(b.records) >= 3 and sum(r["result"] == "accepted" for r in b.records) >= 2,
           60, "shares accepted after the restart")
    check(m.stop() == 0, "clean stop")
    check_consistent(m, {addr(a): [a, b]})
    fin = m.final()
    check(len(m.snapshot("disconnected")) >= 1 and fin["connects"] >= 2, "reconnected: %s" % fin)
    check(fin["dropped"] == 0, "the restarted pool offered the same job: nothing dropped")
    start = min(r["nonce"] for r in a.records)
    check(any(start <= r["nonce"] < start + 10**7 and r["result"] == "accepted" for r in b.records),
          "a share found before reconnecting was submitted and accepted after it")


def scenario_lost():
    srv = server(swallow_submit=2)
    m = Miner([addr(srv)])
    m.wait(lambda: len(m.shares("lost")) >= 1 and len(m.shares("accepted")) >= 3, 60,
           "a lost share, then more accepted")
    check(m.stop() == 0, "clean stop")
    check_consistent(m, {addr(srv): [srv]})
    lost = [key(s) for s in m.shares("lost")]
    got = [(r["nonce"], tuple(r["pow"])) for r in srv.records]
    swallowed = got[1]  # the first connection's second submit
    check(swallowed in lost and got.count(swallowed) == 1,
          "the share the pool counted without answering is lost, and was not sent again")
    check(len(m.snapshot("disconnected")) == 1 and m.final()["connects"] == 2, "one reconnection")


def scenario_failover():
    a, b = server(seed="A"), server(seed="B")
    m = Miner([addr(a), addr(b)], extra=["--tries", "2"])
    m.wait(lambda: len(m.shares("accepted", addr(a))) >= 2, 60, "2 accepted at the first pool")
    a.stop()
    m.wait(lambda: len(m.shares("accepted", addr(b))) >= 2, 60, "2 accepted at the second pool")
    check(m.stop() == 0, "clean stop")
    check_consistent(m, {addr(a): [a], addr(b): [b]})
    fin = m.final()
    check(fin["failovers"] >= 1 and fin["pool"] == addr(b), "failed over to %s: %s" % (addr(b), fin))
    check(all(r["result"] == "accepted" for r in b.records), "no share of the first pool reached the second")
    # a first pool that never answers: straight to the second
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    dead.close()
    c = server(seed="C")
    m2 = Miner(["127.0.0.1:%d" % dead_port, addr(c)], extra=["--tries", "1"])
    m2.wait(lambda: len(m2.shares("accepted", addr(c))) >= 1, 60, "a share at the live pool")
    check(m2.stop() == 0, "clean stop")
    check_consistent(m2, {addr(c): [c]})
    check(len(m2.snapshot("connect_failed")) >= 1, "the dead pool was tried")


def scenario_stale():
    srv = server(block_interval=1.5, job_delay=0.7)
    m = Miner([addr(srv)])
    m.wait(lambda: len(m.shares("stale")) >= 2 and len(m.shares("accepted")) >= 3
           and sum(1 for j in m.snapshot("job") if j["clean"]) >= 2, 90,
           "stale and accepted shares, and a new height")
    check(m.stop() == 0, "clean stop")
    check_consistent(m, {addr(srv): [srv]})
    check(all(r["current_height"] > r["height"] for r in srv.records if r["result"] == "stale"),
          "stale shares were for an old height")
    check(all(s["code"] == -32503 for s in m.shares("stale")), "stale = -32503")
    check(sum(1 for j in m.snapshot("job") if j["clean"]) >= 2, "new heights arrive as clean jobs")


def scenario_rejected():
    srv = server(min_edge_bits=16)
    m = Miner([addr(srv)])
    m.wait(lambda: len(m.shares("rejected")) >= 2, 60, "rejected C15 shares")
    check(m.stop() == 0, "clean stop")
    check_consistent(m, {addr(srv): [srv]})
    check(all(s["code"] == -32502 for s in m.shares("rejected")) and not m.shares("accepted"),
          "C15 below the pool's minimum edge bits: -32502")
    srv2 = server(difficulty=1, require_difficulty=4)
    m2 = Miner([addr(srv2)])
    m2.wait(lambda: len(m2.shares("rejected")) >= 1 and len(m2.shares("accepted")) >= 1, 60,
            "low-difficulty rejections and acceptances")
    check(m2.stop() == 0, "clean stop")
    check_consistent(m2, {addr(srv2): [srv2]})
    check(all(s["code"] == -32501 and s["difficulty"] < 4 for s in m2.shares("rejected")),
          "rejected shares were below 4: -32501")
    check(all(s["difficulty"] >= 4 for s in m2.shares("accepted")), "accepted shares reached 4")


def scenario_protocol():
    bad_job = {"id": "Stratum", "jsonrpc": "2.0", "method": "job",
               "params": {"height": 1, "job_id": 9, "difficulty": 1}}
    huge = ('{"id":"Stratum","jsonrpc":"2.0","method":"job","params":{"height":'
            '18446744073709551616,"job_id":0,"difficulty":1,"pre_pow":"00"}}\n')
    stray = '{"id":"999","jsonrpc":"2.0","method":"submit","result":"ok","error":null}\n'
    inject = [
        ((json.dumps(bad_job) + "\n" + huge + stray + "this is not json\n").encode(), False),
        (b"{" + b"x" * (1 << 20) + b"\n", False),
        (b'{"id":"Stratum","jsonrpc":"2.0","method":"job","params":{"height":1', True),
    ]
    srv = server(inject=inject)
    m = Miner([addr(srv)])
    m.wait(lambda: len(m.snapshot("connected")) >= 4, 60, "four connections")
    n0 = len(m.shares("accepted"))
    m.wait(lambda: len(m.shares("accepted")) >= n0 + 1, 60, "a share after the bad lines")
    check(m.stop() == 0, "clean stop")
    check_consistent(m, {addr(srv): [srv]})
    errs = " | ".join(e["text"] for e in m.snapshot("error"))
    for word in ("missing pre_pow", "out of the 64-bit range", "unexpected answer", "not JSON",
                 "longer than 65536", "middle of a line"):
        check(word in errs, "an error says '%s': %s" % (word, errs))
    check(len(m.snapshot("disconnected")) == 3,
          "only the three fatal lines ended connections: %d" % len(m.snapshot("disconnected")))


def scenario_syncing():
    srv = server(syncing=1.5)
    m = Miner([addr(srv)])
    m.wait(lambda: len(m.shares("accepted")) >= 1, 60, "a share after syncing")
    check(m.stop() == 0, "clean stop")
    check_consistent(m, {addr(srv): [srv]})
    check(any(e["code"] == -32000 for e in m.snapshot("error")), "-32000 while syncing was reported")
    check(len(m.snapshot("disconnected")) == 0, "syncing does not drop the connection")


def scenario_usage():
    cases = [
        ["mine"],
        ["mine", "-e", "15"],
        ["mine", "--pool", "127.0.0.1:1"],
        ["mine", "--pool", "nohostport", "-e", "15"],
        ["mine", "--pool", "h:0", "-e", "15"],
        ["mine", "--pool", "h:1", "-e", "99"],
        ["mine", "--pool", "h:1", "-e", "15", "--max-mem", "1K"],
        ["mine", "--pool", "h:1", "-e", "15", "--max-mem", "lots"],
        ["mine", "--pool", "h:1", "-e", "15", "--tries", "0"],
        ["mine", "--pool", "h:1", "-e", "15", "--solver", "fastest"],
        ["mine", "--pool", "h:1", "-e", "15", "extra"],
        ["mine", "--pool", "h:1", "-e", "15", "--bogus"],
        ["mine", "--pool", "h:1", "-e"],
    ]
    for args in cases:
        p = subprocess.run([FRUGAL] + args, capture_output=True, text=True, timeout=60)
        check(p.returncode == 2 and p.stdout == "" and p.stderr.strip() != ""
              and len(p.stderr.strip().split("\n")) <= 3,
              "bad usage %r: rc=%d out=%r err=%r" % (args, p.returncode, p.stdout, p.stderr))
    p = subprocess.run([FRUGAL, "mine", "--help"], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and "--pool" in p.stdout, "mine --help")
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    port = dead.getsockname()[1]
    dead.close()
    m = Miner(["127.0.0.1:%d" % port])
    m.wait(lambda: len(m.snapshot("connect_failed")) >= 2, 30, "failed attempts")
    check(m.stop(signal.SIGTERM) == 0, "SIGTERM while never connected: exit 0")
    fin = m.final()
    check(fin is not None and fin["connects"] == 0 and fin["found"] == 0, "final report: %s" % fin)
    check(any("final:" in line for line in m.err), "final line on stderr")


def scenario_server():
    srv = server(height=5)
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
    f = sock.makefile("rwb")

    def send(obj):
        f.write((obj if isinstance(obj, str) else json.dumps(obj)).encode() + b"\n")
        f.flush()

    def rpc(obj):
        send(obj)
        return json.loads(f.readline())

    def req(method, params=None, rid="1"):
        return {"id": rid, "jsonrpc": "2.0", "method": method, "params": params}

    r = rpc(req("getjobtemplate"))
    job = r["result"]
    check(list(r) == ["id", "jsonrpc", "method", "result", "error"] and r["error"] is None,
          "response fields as the node: %s" % list(r))
    check(job["height"] == 5 and job["job_id"] == 0 and job["difficulty"] == 1
          and len(job["pre_pow"]) == 476, "job template %s" % job)
    r = rpc(req("getgrins", rid="x"))
    check(r["error"] == {"code": -32601, "message": "Method not found"} and r["method"] == "getgrins"
          and r["id"] == "x" and r["result"] is None, "-32601: %s" % r)
    r = rpc(req("login", {"login": "a", "pass": "b"}, rid=7))
    check(r["error"]["code"] == -32600 and r["id"] == 7, "login without agent: -32600 %s" % r)
    check(rpc(req("login", {"login": "a", "pass": "b", "agent": "c"}))["result"] == "ok", "login ok")
    check(rpc(req("keepalive"))["result"] == "ok", "keepalive ok")
    check(rpc(req("submit", {"height": 5, "job_id": 0, "nonce": 1, "edge_bits": 15, "pow": 3}))
          ["error"]["code"] == -32600, "submit with a bad pow: -32600")
    check(rpc(req("submit", {"height": 5, "job_id": 0, "nonce": 2**64, "edge_bits": 15, "pow": []}))
          ["error"]["code"] == -32600, "submit with a nonce beyond u64: -32600")
    pow_ = list(range(0, 42 * 100, 100))
    check(rpc(req("submit", {"height": 4, "job_id": 0, "nonce": 1, "edge_bits": 15, "pow": pow_}))
          ["error"] == {"code": -32503, "message": "Solution submitted too late"}, "old height: -32503")
    check(rpc(req("submit", {"height": 5, "job_id": 1, "nonce": 1, "edge_bits": 15, "pow": pow_}))
          ["error"]["code"] == -32503, "unknown job_id: -32503")
    check(rpc(req("submit", {"height": 5, "job_id": 0, "nonce": 1, "edge_bits": 14, "pow": pow_}))
          ["error"] == {"code": -32502, "message": "Failed to validate solution"}, "C14: -32502")
    check(rpc(req("submit", {"height": 5, "job_id": 0, "nonce": 1, "edge_bits": 15, "pow": pow_}))
          ["error"]["code"] == -32502, "not a cycle: -32502 (frugal's verifier)")
    st = rpc(req("status"))["result"]
    check(st["height"] == 5 and st["stale"] == 2 and st["rejected"] == 2 and st["accepted"] == 0,
          "status counts: %s" % st)
    # job pushes: job_id counts versions at a height and restarts at each new height
    srv.call(srv.new_version)
    j1 = json.loads(f.readline())
    srv.call(lambda: srv.new_block(delay=0))
    j2 = json.loads(f.readline())
    check(j1["method"] == "job" and j1["id"] == "Stratum" and j1["params"]["height"] == 5
          and j1["params"]["job_id"] == 1, "same height: job_id 1: %s" % j1)
    check(j2["params"]["height"] == 6 and j2["params"]["job_id"] == 0, "new height: job_id 0")
    # the node ends the connection on a line that is not an RpcRequest
    for bad in ("not json", '{"id":"1","method":"keepalive"}', '{"id":1.5,"jsonrpc":"2.0","method":"x"}',
                "x" * (1 << 20)):
        s2 = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
        s2.sendall(bad.encode() + b"\n")
        check(s2.recv(100) == b"", "the server closes on %r" % bad[:40])
        s2.close()
    sock.close()


def main():
    def on_alarm(*_):
        raise TimeoutError("scenario %s took more than %d s" % (SCENARIO, LIMIT_S))

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(LIMIT_S)
    try:
        globals()["scenario_" + SCENARIO]()
    except Exception as e:  # a failure, never a hang or a leftover process
        check(False, "%s: %r" % (SCENARIO, e))
    finally:
        signal.alarm(0)
        cleanup()
    print("test_mine %s: %s" % (SCENARIO, "all checks passed" if not failures
                                 else "%d failures" % failures), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
