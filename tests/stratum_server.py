#!/usr/bin/env python3
"""A Grin stratum test server (Python standard library only).

It behaves as Grin's node does in servers/src/mining/stratumserver.rs (see
doc/mining.md for the points relied on):
- newline-delimited JSON-RPC over TCP; a line that is not JSON, or not an RpcRequest
  (id: u32 or string; jsonrpc: string; method: string; params: optional), ends the
  connection; every request gets {id, jsonrpc "2.0", method, result, error};
- login {login, pass, agent} -> "ok"; keepalive -> "ok"; status -> the worker's
  {id, height, difficulty, accepted, rejected, stale}; getjobtemplate -> the latest
  job {height, job_id, difficulty, pre_pow}, or -32000 while "syncing"; any other
  method -> -32601; params that do not fit the method's struct -> -32600;
- job pushes {"id":"Stratum","method":"job","params":...} to every worker when a new
  block version is built; job_id is the index of the version at its height and
  restarts at 0 with each new height;
- submit: -32503 when the height is not current or job_id unknown; -32502 when
  edge_bits (as u8) is neither >= the minimum nor the secondary size 29; -32501 when
  the unscaled share difficulty (floor(2^64 / H), H = first 8 bytes big-endian of
  BLAKE2b-256 of the 42 edges packed at edge_bits bits each) is below the minimum;
  -32502 when frugal's verifier rejects the cycle; else "ok" (or "blockfound - <hash>"
  when block_difficulty is set and reached, which also starts the next height).

It listens on 127.0.0.1 only. Pre-PoWs are 238 bytes (Grin's size), derived from
(seed, height, job_id), so a restarted server with the same seed offers the same jobs.

Test knobs the node does not have: require_difficulty (the pool raised its minimum
after sending the job: -32501 for shares below it), job_delay (a new height is
announced that many seconds late, as a slow network would: shares in between are
stale), syncing (seconds of -32000 at start), inject (raw lines sent to the k-th
connection after its first job, optionally ending its side of it), swallow_submit (the first
connection's k-th submit is counted, then the connection closes unanswered).

Standalone: stratum_server.py --frugal PATH [--port 0] [...]; prints
"LISTENING <port>" on stdout, one JSON line per submit, and runs until SIGINT/SIGTERM.
"""
import argparse
import hashlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time

PRE_POW_BYTES = 238
SECOND_POW_EDGE_BITS = 29
MAX_LINE = 16 << 20  # the node has no limit; this one only guards the test's memory

ERR_SYNCING = (-32000, "Node is syncing - Please wait")
ERR_LOW_DIFFICULTY = (-32501, "Share rejected due to low difficulty")
ERR_CANNOT_VALIDATE = (-32502, "Failed to validate solution")
ERR_TOO_LATE = (-32503, "Solution submitted too late")
ERR_INVALID_REQUEST = (-32600, "Invalid Request")
ERR_METHOD_NOT_FOUND = (-32601, "Method not found")


def pack_proof(edges, edge_bits):
    """Grin's Proof::pack_nonces: edge i at bits i*EB.., little-endian, whole bytes."""
    value = 0
    for i, e in enumerate(edges):
        value |= e << (i * edge_bits)
    n = (len(edges) * edge_bits + 7) // 8
    return (value & ((1 << (8 * n)) - 1)).to_bytes(n, "little")


def share_difficulty(edges, edge_bits):
    """Grin's unscaled difficulty of a proof: floor(2^64 / max(H, 1)), capped."""
    h = hashlib.blake2b(pack_proof(edges, edge_bits), digest_size=32).digest()
    return min((1 << 64) // max(int.from_bytes(h[:8], "big"), 1), (1 << 64) - 1)


def pre_pow_for(seed, height, job_id):
    """238 bytes shaped like Grin's pre-PoW: version, height, then hashes, then
    total difficulty and secondary scaling (the last 12 bytes)."""
    out = b""
    counter = 0
    while len(out) < PRE_POW_BYTES - 22:
        out += hashlib.blake2b(b"%s/%d/%d/%d" % (seed.encode(), height, job_id, counter),
                               digest_size=64).digest()
        counter += 1
    return (b"\x00\x02" + height.to_bytes(8, "big") + out[:PRE_POW_BYTES - 22]
            + (1000 + height).to_bytes(8, "big") + (1).to_bytes(4, "big"))


def is_u64(v, bits=64):
    return type(v) is int and 0 <= v < (1 << bits)


class Worker:
    def __init__(self, sock, wid):
        self.sock = sock
        self.id = wid
        self.buf = bytearray()
        self.submits = 0
        self.login = None
        self.agent = ""
        self.accepted = self.rejected = self.stale = 0
        self.got_job = False


class StratumServer:
    def __init__(self, frugal, port=0, height=1, seed="frugal", difficulty=1,
                 require_difficulty=None, min_edge_bits=15, block_interval=None,
                 job_interval=None, job_delay=0.0, syncing=0.0, block_difficulty=None,
                 proof_size=42, inject=None, swallow_submit=None, log=None):
        self.frugal = frugal
        self.want_port = port
        self.height = height
        self.seed = seed
        self.difficulty = difficulty  # advertised in jobs (minimum_share_difficulty)
        self.require = difficulty if require_difficulty is None else require_difficulty
        self.min_edge_bits = min_edge_bits
        self.block_interval = block_interval
        self.job_interval = job_interval
        self.job_delay = job_delay
        self.syncing = syncing
        self.block_difficulty = block_difficulty
        self.proof_size = proof_size
        self.inject = list(inject or [])  # [(bytes, close_after)], one per connection
        self.swallow_submit = swallow_submit  # first connection: k-th submit unanswered
        self.log = log
        self.versions = [pre_pow_for(seed, height, 0)]
        self.records = []  # one dict per submit
        self.connections = 0
        self.lock = threading.Lock()
        self.workers = {}
        self.next_worker = 0
        self.thread = None
        self.stopping = False
        self.port = None

    # ---- lifecycle --------------------------------------------------------------
    def start(self):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", self.want_port))
        ls.listen(16)
        ls.setblocking(False)
        self.listener = ls
        self.port = ls.getsockname()[1]
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(ls, selectors.EVENT_READ, "listen")
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        now = time.monotonic()
        self.sync_until = now + self.syncing
        self.next_block = now + self.block_interval if self.block_interval else None
        self.next_version = now + self.job_interval if self.job_interval else None
        self.pending_push = None  # time at which the current job is pushed to all
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if not self.thread:
            return
        self.stopping = True
        os.write(self.wake_w, b"x")
        self.thread.join(10)
        for w in list(self.workers.values()):
            self._close(w)
        self.sel.close()
        self.listener.close()
        os.close(self.wake_r)
        os.close(self.wake_w)
        self.thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def call(self, fn):
        """Runs fn() on the server thread's lock (for tests poking the chain)."""
        with self.lock:
            return fn()

    # ---- chain ------------------------------------------------------------------
    def job_template(self):
        return {"height": self.height, "job_id": len(self.versions) - 1,
                "difficulty": self.difficulty, "pre_pow": self.versions[-1].hex()}

    def new_block(self, delay=None):
        """A new height: job_id restarts at 0; the push may come late (job_delay)."""
        self.height += 1
        self.versions = [pre_pow_for(self.seed, self.height, 0)]
        d = self.job_delay if delay is None else delay
        self.pending_push = time.monotonic() + d

    def new_version(self):
        """The same height rebuilt (fresh transactions): job_id + 1, pushed at once."""
        self.versions.append(pre_pow_for(self.seed, self.height, len(self.versions)))
        self.pending_push = time.monotonic()

    def _broadcast_job(self):
        line = json.dumps({"id": "Stratum", "jsonrpc": "2.0", "method": "job",
                           "params": self.job_template()}) + "\n"
        for w in list(self.workers.values()):
            self._send(w, line.encode())

    # ---- I/O ----------------------------------------------------------------------
    def _run(self):
        while not self.stopping:
            now = time.monotonic()
            with self.lock:
                self._timers(now)
                timers = [t for t in (self.next_block, self.next_version, self.pending_push,
                                      self.sync_until if self.sync_until > now else None) if t]
            timeout = max(0.0, min(timers) - now) if timers else 0.5
            for key, _ in self.sel.select(min(timeout, 0.5)):
                with self.lock:
                    if key.data == "listen":
                        self._accept()
                    elif key.data == "wake":
                        try:
                            os.read(self.wake_r, 64)
                        except BlockingIOError:
                            pass
                    else:
                        self._read(key.data)

    def _timers(self, now):
        if self.syncing and now >= self.sync_until:
            self.syncing = 0  # synced: the node's mining loop starts and pushes a job
            self.pending_push = now
        if self.syncing:
            return
        if self.next_block and now >= self.next_block:
            self.new_block()
            self.next_block = now + self.block_interval
        if self.next_version and now >= self.next_version:
            self.new_version()
            self.next_version = now + self.job_interval
        if self.pending_push is not None and now >= self.pending_push:
            self.pending_push = None
            self._broadcast_job()

    def _accept(self):
        try:
            sock, _ = self.listener.accept()
        except BlockingIOError:
            return
        sock.settimeout(5)
        w = Worker(sock, self.next_worker)
        w.conn_index = self.connections
        self.next_worker += 1
        self.connections += 1
        self.workers[w.id] = w
        self.sel.register(sock, selectors.EVENT_READ, w)

    def _close(self, w):
        if w.id in self.workers:
            del self.workers[w.id]
            try:
                self.sel.unregister(w.sock)
            except (KeyError, ValueError):
                pass
            w.sock.close()

    def _send(self, w, data):
        try:
            w.sock.sendall(data)
        except OSError:
            self._close(w)

    def _read(self, w):
        try:
            data = w.sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._close(w)
            return
        w.buf += data
        while w.id in self.workers:
            nl = w.buf.find(b"\n")
            if nl < 0:
                if len(w.buf) > MAX_LINE:
                    self._close(w)
                return
            line = bytes(w.buf[:nl])
            del w.buf[:nl + 1]
            if line.endswith(b"\r"):
                line = line[:-1]
            self._line(w, line)

    # ---- requests -------------------------------------------------------------------
    def _line(self, w, line):
        try:
            req = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            self._close(w)  # the node: "error serializing line", connection ends
            return
        if not isinstance(req, dict):
            self._close(w)
            return
        rid = req.get("id")
        if not (isinstance(rid, str) or is_u64(rid, 32)) or not isinstance(
                req.get("jsonrpc"), str) or not isinstance(req.get("method"), str):
            self._close(w)
            return
        method = req["method"]
        params = req.get("params")
        result, error = None, None
        if method == "login":
            p = params if isinstance(params, dict) else None
            if p is None or not all(isinstance(p.get(k), str) for k in ("login", "pass", "agent")):
                error = ERR_INVALID_REQUEST
            else:
                w.login, w.agent, result = p["login"], p["agent"], "ok"
        elif method == "submit":
            result, error = self._submit(w, params)
            w.submits += 1
            if w.conn_index == 0 and w.submits == self.swallow_submit:
                self._close(w)  # counted, then gone before answering (a crash)
                return
        elif method == "keepalive":
            result = "ok"
        elif method == "getjobtemplate":
            if self.syncing:
                error = ERR_SYNCING
            else:
                result = self.job_template()
        elif method == "status":
            result = {"id": str(w.id), "height": self.height, "difficulty": self.difficulty,
                      "accepted": w.accepted, "rejected": w.rejected, "stale": w.stale}
        else:
            error = ERR_METHOD_NOT_FOUND
        resp = {"id": rid, "jsonrpc": "2.0", "method": method, "result": result,
                "error": {"code": error[0], "message": error[1]} if error else None}
        self._send(w, (json.dumps(resp) + "\n").encode())
        if method == "getjobtemplate" and result and not w.got_job:
            w.got_job = True
            if w.conn_index < len(self.inject) and self.inject[w.conn_index]:
                data, close = self.inject[w.conn_index]
                self._send(w, data)
                if close and w.id in self.workers:
                    # FIN after the data (a full close could reset the connection and
                    # lose the data); the worker goes when the miner hangs up
                    try:
                        w.sock.shutdown(socket.SHUT_WR)
                    except OSError:
                        self._close(w)

    def _submit(self, w, p):
        ok = (isinstance(p, dict) and all(is_u64(p.get(k)) for k in ("height", "job_id", "nonce"))
              and is_u64(p.get("edge_bits"), 32) and isinstance(p.get("pow"), list)
              and all(is_u64(e) for e in p["pow"]))
        if not ok:
            return None, ERR_INVALID_REQUEST
        rec = {"worker": w.id, "height": p["height"], "job_id": p["job_id"],
               "nonce": p["nonce"], "edge_bits": p["edge_bits"], "pow": list(p["pow"]),
               "difficulty": None,
               "time": time.monotonic(), "current_height": self.height}
        result, error = None, None
        eb = p["edge_bits"] & 0xFF  # the node stores it as u8
        if p["height"] != self.height or p["job_id"] >= len(self.versions):
            error = ERR_TOO_LATE
            w.stale += 1
        elif not ((eb != SECOND_POW_EDGE_BITS and eb >= self.min_edge_bits)
                  or eb == SECOND_POW_EDGE_BITS):
            error = ERR_CANNOT_VALIDATE
        elif len(p["pow"]) != self.proof_size:
            error = ERR_CANNOT_VALIDATE
        else:
            rec["difficulty"] = diff = share_difficulty(p["pow"], eb)
            if diff < self.require:
                error = ERR_LOW_DIFFICULTY
            elif not self._verify(self.versions[p["job_id"]], p["nonce"], eb, p["pow"]):
                error = ERR_CANNOT_VALIDATE
            elif self.block_difficulty and diff >= self.block_difficulty:
                h = hashlib.blake2b(self.versions[p["job_id"]] + p["nonce"].to_bytes(8, "big")
                                    + bytes([eb]) + pack_proof(p["pow"], eb),
                                    digest_size=32).hexdigest()
                result = "blockfound - " + h
                self.new_block()
            else:
                result = "ok"
        if error and error != ERR_TOO_LATE:
            w.rejected += 1
        elif not error:
            w.accepted += 1
        rec["result"] = "stale" if error == ERR_TOO_LATE else "rejected" if error else (
            "block" if result.startswith("blockfound") else "accepted")
        rec["code"] = error[0] if error else 0
        self.records.append(rec)
        if self.log:
            self.log(rec)
        return result, error

    def _verify(self, pre_pow, nonce, eb, pow_):
        """frugal's verifier on the share's header: pre_pow || nonce (u64 BE)."""
        if eb < 1 or eb > 63:
            return False
        cmd = [self.frugal, "verify", "-e", str(eb), "-n", str(nonce), "--grin-pre-pow",
               pre_pow.hex()] + ["%x" % e for e in pow_]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return r.returncode == 0 and r.stdout.strip() == "OK"


def main():
    ap = argparse.ArgumentParser(description="Grin stratum test server (127.0.0.1 only)")
    ap.add_argument("--frugal", required=True, help="the frugal binary (its verifier checks shares)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--height", type=int, default=1)
    ap.add_argument("--seed", default="frugal")
    ap.add_argument("--difficulty", type=int, default=1)
    ap.add_argument("--require-difficulty", type=int)
    ap.add_argument("--min-edge-bits", type=int, default=15)
    ap.add_argument("--block-interval", type=float)
    ap.add_argument("--job-interval", type=float)
    ap.add_argument("--job-delay", type=float, default=0.0)
    ap.add_argument("--syncing", type=float, default=0.0)
    ap.add_argument("--block-difficulty", type=int)
    a = ap.parse_args()

    def log(rec):
        print(json.dumps(rec), flush=True)

    srv = StratumServer(a.frugal, port=a.port, height=a.height, seed=a.seed,
                        difficulty=a.difficulty, require_difficulty=a.require_difficulty,
                        min_edge_bits=a.min_edge_bits, block_interval=a.block_interval,
                        job_interval=a.job_interval, job_delay=a.job_delay, syncing=a.syncing,
                        block_difficulty=a.block_difficulty, log=log)
    srv.start()
    print("LISTENING %d" % srv.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    while not done.wait(0.5):
        pass
    srv.stop()


if __name__ == "__main__":
    sys.exit(main())
