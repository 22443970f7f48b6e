"""Socket.IO server mode benchmark (issue 2): the real server, N phones, one broadcast at a time.

For each server mode (gevent: ``python app.py``; threading: SOCKETIO_ASYNC_MODE=threading;
eventlet when it is importable) it starts the real server on 127.0.0.1 with its own instance
folder, creates a 10-team contest through the CLI, connects N phones over the websocket
transport and has the host send ``adjust_score`` commands; every command changes the state, so
every phone receives a ``state``. It prints the connect time and the broadcast latency
(phone receive time - host send time, both ``time.time()`` on this machine) p50/p99.

The phones are lightweight raw Engine.IO v4 / Socket.IO v5 websocket clients (asyncio, no
dependency beyond the standard library) spread over several client processes, since a Python
client spends tens of microseconds on every message it receives. This module also holds that
client machinery; bench/load.py imports it.

    .venv/bin/python bench/socket_bench.py                 # gevent and threading, N=100,500,1000
    .venv/bin/python bench/socket_bench.py --modes gevent --sizes 100,500,1000,2000

Only loopback traffic; every loop is bounded in count and time; the servers are stopped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing as mp
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.helpers import contest_spec, question  # noqa: E402
from tests.serverproc import ServerProcess, free_port  # noqa: E402

VERSION_RE = re.compile(rb'"version":\s*(\d+)')
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)     # Linux: receive time of a packet
CLK_TCK = os.sysconf("SC_CLK_TCK")
PHONES_PER_ADDRESS = 16     # the server allows 20 joins a minute per address: spread sources


# ---------------------------------------------------------------------------------------------
# A raw websocket Socket.IO client (asyncio Protocol): the cheapest way to hold many phones.
# ---------------------------------------------------------------------------------------------

def _mask(payload: bytes) -> bytes:
    key = os.urandom(4)
    n = len(payload)
    mask = (key * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(mask, "big")).to_bytes(n, "big")
    return key + masked


def ws_frame(text: str, opcode: int = 1) -> bytes:
    data = text.encode("utf-8")
    n = len(data)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    return head + (_mask(data) if n else os.urandom(4))


class Conn:
    """One Socket.IO client over one websocket: records every ``state`` it receives.

    It reads with ``recvmsg`` and the kernel's receive timestamp (``SO_TIMESTAMPNS``), so
    every frame carries two times: when it *arrived* at this client's socket and when this
    client process *read* it. A phone in a hall has its own CPU and sees a frame when it
    arrives; here hundreds of phones share one client process and read it later. When one read
    returns several frames they all get the arrival of the newest one, which is never earlier
    than their own.
    """

    def __init__(self, host: str, port: int, auth: dict, keep_states: bool = False):
        self.host, self.port, self.auth = host, port, auth
        self.keep_states = keep_states
        self.sock: socket.socket | None = None
        self.loop = asyncio.get_event_loop()
        self.out = bytearray()              # bytes the socket did not take yet
        self.buf = bytearray()
        self.frag = bytearray()
        self.upgraded = False
        self.connected = self.loop.create_future()
        self.acks: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.states: list[tuple[float, int, float]] = []  # (read time, version, arrival time)
        self.state_bytes: list[tuple[float, int, bytes]] = []   # raw, when keep_states
        self.last_state: bytes | None = None
        self.recent: list[bytes] = []       # the last few raw states, newest last
        self.corrupt = 0                    # Engine.IO packets that are not valid
        self.first_state_at: float | None = None
        self.other = 0
        self.closed = False
        self.team = None
        self.player = None

    # transport -----------------------------------------------------------------------------
    async def open(self, source: str) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setblocking(False)
            sock.bind((source, 0))
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await self.loop.sock_connect(sock, (self.host, self.port))
        except BaseException:
            sock.close()
            raise
        self.sock = sock
        self.loop.add_reader(sock.fileno(), self._readable)
        key = base64.b64encode(os.urandom(16)).decode()
        self.write((
            f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            f"Host: {self.host}:{self.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())

    def write(self, data: bytes) -> None:
        if self.closed or self.sock is None:
            return
        if self.out:
            self.out += data
            return
        try:
            n = self.sock.send(data)
        except BlockingIOError:
            n = 0
        except OSError as exc:
            self.connection_lost(exc)
            return
        if n < len(data):
            self.out += data[n:]
            self.loop.add_writer(self.sock.fileno(), self._writable)

    def _writable(self) -> None:
        try:
            n = self.sock.send(self.out)
        except BlockingIOError:
            return
        except OSError as exc:
            self.connection_lost(exc)
            return
        del self.out[:n]
        if not self.out:
            self.loop.remove_writer(self.sock.fileno())

    def _readable(self) -> None:
        try:
            data, anc, _flags, _addr = self.sock.recvmsg(262144, 64)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self.connection_lost(exc)
            return
        if not data:
            self.connection_lost(None)
            return
        t = time.time()
        arrived = t
        for level, kind, value in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                sec, nsec = struct.unpack("qq", value[:16])
                arrived = sec + nsec / 1e9
        self.data_received(data, t, arrived)

    def connection_lost(self, exc):
        if self.closed:
            return
        self.closed = True
        if self.sock is not None:
            self.loop.remove_reader(self.sock.fileno())
            if self.out:
                self.loop.remove_writer(self.sock.fileno())
            self.sock.close()
        if not self.connected.done():
            self.connected.set_exception(ConnectionError(f"closed: {exc}"))
        for fut in self.acks.values():
            if not fut.done():
                fut.set_exception(ConnectionError("closed"))

    def data_received(self, data: bytes, t: float, arrived: float) -> None:
        buf = self.buf
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in bytes(buf[:end].split(b"\r\n", 1)[0]):
                if not self.connected.done():
                    self.connected.set_exception(ConnectionError(bytes(buf[:200]).decode()))
                self.connection_lost(None)
                return
            del buf[:end + 4]
            self.upgraded = True
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            n = b1 & 0x7F
            pos = 2
            if n == 126:
                if len(buf) < 4:
                    return
                n = int.from_bytes(buf[2:4], "big")
                pos = 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n = int.from_bytes(buf[2:10], "big")
                pos = 10
            if n > 64 * 1024 * 1024:        # a corrupted stream: give up on this connection
                self.corrupt += 1
                buf.clear()
                self.connection_lost(None)
                return
            if len(buf) < pos + n:
                return
            payload = bytes(buf[pos:pos + n])
            del buf[:pos + n]
            op = b0 & 0x0F
            if op == 9:
                self.write(ws_frame(payload.decode("latin-1"), opcode=10))
                continue
            if op == 8:
                self.connection_lost(None)
                return
            if op in (1, 2, 0):
                if not b0 & 0x80:
                    self.frag += payload
                    continue
                if self.frag:
                    payload = bytes(self.frag) + payload
                    self.frag.clear()
                self.on_eio(payload, t, arrived)

    def send_text(self, text: str) -> None:
        self.write(ws_frame(text))

    # Engine.IO / Socket.IO -----------------------------------------------------------------
    def on_eio(self, msg: bytes, t: float, arrived: float) -> None:
        kind = msg[:1]
        if kind == b"4":
            self.on_sio(msg, t, arrived)
        elif kind == b"2":
            self.send_text("3")
        elif kind == b"0":
            self.send_text("40" + json.dumps(self.auth))
        elif kind not in (b"6", b"1"):
            self.corrupt += 1

    def on_sio(self, msg: bytes, t: float, arrived: float) -> None:
        kind = msg[1:2]
        if kind == b"2":
            if msg.startswith(b'42["state"'):
                m = VERSION_RE.search(msg)
                self.states.append((t, int(m.group(1)) if m else -1, arrived))
                self.last_state = msg
                self.recent.append(msg)
                if len(self.recent) > 4:
                    del self.recent[0]
                if self.keep_states:
                    self.state_bytes.append((t, len(msg), msg))
                if self.first_state_at is None:
                    self.first_state_at = t
            elif msg.startswith((b'42["', b"42[")):
                self.other += 1
            else:
                self.corrupt += 1
        elif kind == b"3":
            i = 2
            while msg[i:i + 1].isdigit():
                i += 1
            fut = self.acks.pop(int(msg[2:i]), None)
            if fut is not None and not fut.done():
                args = json.loads(msg[i:])
                fut.set_result((t, args[0] if args else None, arrived))
        elif kind == b"0":
            if not self.connected.done():
                self.connected.set_result(t)
        elif kind == b"4":
            if not self.connected.done():
                self.connected.set_exception(ConnectionRefusedError(msg[2:].decode()))

    def emit_call(self, event: str, data) -> tuple[float, asyncio.Future]:
        """Send ``event`` with an ack; returns (send time, future of (ack read time, ack,
        ack arrival time))."""
        self.next_ack += 1
        fut = self.loop.create_future()
        self.acks[self.next_ack] = fut
        text = "42" + str(self.next_ack) + json.dumps([event, data], ensure_ascii=False)
        t = time.time()
        self.send_text(text)
        return t, fut

    def close(self) -> None:
        if self.sock is not None and not self.closed:
            self.write(ws_frame("", opcode=8))
        self.connection_lost(None)


def state_json(msg: bytes | None) -> dict | None:
    """The snapshot object of a raw ``42["state",{...}]`` packet."""
    if msg is None:
        return None
    return json.loads(msg[2:])[1]


# ---------------------------------------------------------------------------------------------
# Client processes: each holds many connections and obeys commands from the bench over a pipe.
# ---------------------------------------------------------------------------------------------

class Worker:
    def __init__(self, pipe, index: int):
        self.pipe, self.index = pipe, index
        self.conns: list[Conn] = []

    def run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.loop = loop
        self.done = loop.create_future()
        loop.add_reader(self.pipe.fileno(), self._on_pipe)
        try:
            loop.run_until_complete(self.done)
        finally:
            for c in self.conns:
                c.close()
            loop.run_until_complete(asyncio.sleep(0.05))
            loop.close()

    def _on_pipe(self) -> None:
        loop = self.loop
        loop.remove_reader(self.pipe.fileno())
        cmd = self.pipe.recv()

        async def handle():
            try:
                result = await getattr(self, "cmd_" + cmd["op"])(**cmd.get("args", {}))
            except Exception as exc:  # report to the bench instead of hanging it
                result = {"error": f"{type(exc).__name__}: {exc}"}
            self.pipe.send(result)
            if cmd["op"] == "exit":
                self.done.set_result(None)
            else:
                loop.add_reader(self.pipe.fileno(), self._on_pipe)

        loop.create_task(handle())

    async def cmd_exit(self):
        return {}

    async def cmd_connect(self, host, port, specs, concurrency=20, timeout=60.0,
                          keep_states=False, wait_state=True):
        """Open one connection per spec {"auth", "source"}; returns per-connection timings."""
        sem = asyncio.Semaphore(concurrency)
        deadline = time.monotonic() + timeout

        async def one(spec):        # returns the connection too: self.conns keeps spec order
            async with sem:
                t0 = time.time()
                conn = Conn(host, port, spec["auth"], keep_states=keep_states)
                left = max(0.1, deadline - time.monotonic())
                try:
                    await asyncio.wait_for(conn.open(spec.get("source", host)), left)
                    t1 = await asyncio.wait_for(conn.connected,
                                                max(0.1, deadline - time.monotonic()))
                except Exception as exc:
                    conn.close()
                    return None, f"{type(exc).__name__}: {exc}"[:200], None
                return (t0, t1), None, conn

        start = len(self.conns)
        results = await asyncio.gather(*(one(s) for s in specs))
        self.conns += [c for _, _, c in results if c is not None]
        # wait (bounded) for each new connection's first state
        until = time.monotonic() + (10 if wait_state else 0)
        while time.monotonic() < until and any(c.first_state_at is None
                                               for c in self.conns[start:]):
            await asyncio.sleep(0.05)
        times = [r for r, _, _ in results if r is not None]
        errors = [e for _, e, _ in results if e is not None]
        firsts = [c.first_state_at for c in self.conns[start:]]
        return {"times": times, "errors": errors[:5], "failed": len(errors),
                "first_state": [f for f in firsts if f is not None]}

    async def cmd_call(self, conn, event, data, timeout=30.0):
        c = self.conns[conn]
        t0, fut = c.emit_call(event, data)
        t1, ack, arrived = await asyncio.wait_for(fut, timeout)
        return {"sent": t0, "acked": t1, "ack": ack, "ack_arrived": arrived}

    async def cmd_join(self, teams, concurrency=50, timeout=240.0):
        """Every connection joins team teams[i % len(teams)]; returns the ack failures."""
        sem = asyncio.Semaphore(concurrency)

        async def one(i, c):
            async with sem:
                _, fut = c.emit_call("join", {"team": teams[(self.index + i) % len(teams)],
                                              "name": f"p{self.index}-{i}"})
                try:
                    _, ack, _ = await asyncio.wait_for(fut, timeout)
                except Exception as exc:
                    return str(exc) or type(exc).__name__
                if not ack.get("ok"):
                    return ack.get("error")
                c.team, c.player = ack["team"], ack["player"]
                return None

        errs = await asyncio.gather(*(one(i, c) for i, c in enumerate(self.conns)))
        bad = [e for e in errs if e]
        return {"failed": len(bad), "errors": sorted(set(map(str, bad)))[:5]}

    async def cmd_fire(self, event, data, at, spread=0.0, offset=0, total=1, timeout=30.0):
        """Every joined connection sends ``event`` at ``at`` (+ its share of ``spread``)."""
        loop = self.loop
        mine = [c for c in self.conns if c.player is not None]

        async def one(k, c):
            when = at + spread * (offset + k) / max(total, 1)
            await asyncio.sleep(max(0.0, when - time.time()))
            t0, fut = c.emit_call(event, data)
            try:
                t1, ack, arrived = await asyncio.wait_for(fut, timeout)
            except Exception as exc:
                return {"team": c.team, "sent": t0, "acked": None, "error": str(exc)}
            return {"team": c.team, "sent": t0, "acked": t1, "ack_arrived": arrived,
                    "ok": bool(ack.get("ok")),
                    "error": ack.get("error"), "version": ack.get("version")}

        del loop
        return await asyncio.gather(*(one(k, c) for k, c in enumerate(mine)))

    async def cmd_count_joined(self):
        return sum(1 for c in self.conns if c.player is not None)

    async def cmd_reset(self):
        for c in self.conns:
            c.states.clear()
            c.state_bytes.clear()
        return {}

    async def cmd_collect(self, raw=False):
        """Every connection's (time, version) list since the last reset."""
        out = {"states": [c.states for c in self.conns],
               "closed": sum(c.closed for c in self.conns)}
        if raw:
            out["raw"] = [[(t, n, m) for t, n, m in c.state_bytes] for c in self.conns]
        return out

    async def cmd_last_state(self, conn=0):
        """The newest snapshot of connection ``conn`` that decodes (a corrupted one is counted)."""
        c = self.conns[conn]
        for raw in reversed(c.recent):
            try:
                return {"state": state_json(raw), "bytes": len(raw), "corrupt": c.corrupt}
            except ValueError:
                c.corrupt += 1
        return {"state": None, "bytes": 0, "corrupt": c.corrupt}

    async def cmd_corrupt(self):
        return sum(c.corrupt for c in self.conns)

    async def cmd_close_all(self):
        for c in self.conns:
            c.close()
        self.conns = []
        await asyncio.sleep(0.2)
        return {}


def _worker_main(pipe, index, nice=0, idle=False, realtime=False):
    if nice:
        try:
            os.nice(nice)
        except OSError:  # a negative value needs root: run at the default priority
            pass
    if idle:    # any process may lower its own policy to SCHED_IDLE
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    if realtime:
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        except OSError:  # needs root (CAP_SYS_NICE): Fleet.stage_policy says which applied
            pass
    Worker(pipe, index).run()


class Fleet:
    """Client processes: ``stage`` (the host and the projector) plus ``n`` phone workers.

    ``stage_nice``: the stage process's niceness. In a hall the projector and the host console
    are other machines; here they share the cores with the phone processes, and a negative
    value keeps the scheduler's wait out of what they measure.

    ``idle_phones``: the phone processes run under ``SCHED_IDLE``: they get the CPU that the
    server and the stage process leave free, and a waking server or stage process takes a core
    from them at once. In a hall the phones are other devices and take none of the laptop's
    CPU; with the default policy the four phone processes, which all wake at the moment of a
    buzz, keep the server and the projector's client waiting on the run queue.

    ``realtime_stage``: the stage process runs under ``SCHED_FIFO`` (root only; otherwise it
    stays at the normal policy, see ``stage_policy``), so it reads each frame as it arrives,
    as a projector on its own machine would, instead of waiting for a phone process's time
    slice to end.
    """

    def __init__(self, workers: int, stage_nice: int = 0, idle_phones: bool = False,
                 realtime_stage: bool = False):
        ctx = mp.get_context("fork")
        self.procs, self.pipes = [], []
        for i in range(workers + 1):
            here, there = ctx.Pipe()
            p = ctx.Process(target=_worker_main,
                            args=(there, i, stage_nice if i == 0 else 0, idle_phones and i > 0,
                                  realtime_stage and i == 0),
                            daemon=True)
            p.start()
            self.procs.append(p)
            self.pipes.append(here)

    @property
    def stage_policy(self) -> str:
        """The stage process's scheduling policy as it runs ("fifo", "normal", ...)."""
        try:
            policy = os.sched_getscheduler(self.procs[0].pid)
        except OSError:
            return "?"
        return {os.SCHED_FIFO: "fifo", os.SCHED_OTHER: "normal", os.SCHED_IDLE: "idle",
                os.SCHED_BATCH: "batch", os.SCHED_RR: "rr"}.get(policy, str(policy))

    @property
    def phone_pipes(self):
        return self.pipes[1:]

    def _ask(self, pipe, op, timeout=120.0, **args):
        pipe.send({"op": op, "args": args})
        if not pipe.poll(timeout):
            raise TimeoutError(f"worker did not answer {op} in {timeout}s")
        result = pipe.recv()
        if isinstance(result, dict) and "error" in result:
            raise RuntimeError(f"worker {op}: {result['error']}")
        return result

    def stage(self, op, timeout=120.0, **args):
        return self._ask(self.pipes[0], op, timeout, **args)

    def phones(self, op, per_worker=None, timeout=120.0, **args):
        """Send ``op`` to every phone worker at once (per_worker: its own extra args)."""
        for i, pipe in enumerate(self.phone_pipes):
            extra = per_worker[i] if per_worker else {}
            pipe.send({"op": op, "args": dict(args, **extra)})
        out = []
        for pipe in self.phone_pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"worker did not answer {op} in {timeout}s")
            result = pipe.recv()
            if isinstance(result, dict) and "error" in result:
                raise RuntimeError(f"worker {op}: {result['error']}")
            out.append(result)
        return out

    def close(self):
        for pipe in self.pipes:
            try:
                pipe.send({"op": "exit"})
            except OSError:
                pass
        for p in self.procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()


def source_address(i: int) -> str:
    return f"127.0.{1 + i // (PHONES_PER_ADDRESS * 250)}.{2 + (i // PHONES_PER_ADDRESS) % 250}"


def connect_phones(fleet: Fleet, port: int, n: int, auth: dict, start: int = 0,
                   wait_state: bool = True) -> dict:
    """Connect n phones spread over the phone workers; returns timing figures."""
    w = len(fleet.phone_pipes)
    per = [[] for _ in range(w)]
    for k in range(n):
        per[k % w].append({"auth": auth, "source": source_address(start + k)})
    t0 = time.time()
    res = fleet.phones("connect", per_worker=[{"specs": s} for s in per], host="127.0.0.1",
                       port=port, timeout=180.0, wait_state=wait_state)
    wall = time.time() - t0
    times = [b - a for r in res for a, b in r["times"]]
    firsts = [f for r in res for f in r["first_state"]]
    return {"wall": wall, "ok": len(times), "failed": sum(r["failed"] for r in res),
            "errors": [e for r in res for e in r["errors"]][:3],
            "p50": pct(times, 50), "p99": pct(times, 99),
            "all_state": (max(firsts) - t0) if firsts else None}


# ---------------------------------------------------------------------------------------------
# Measurement helpers
# ---------------------------------------------------------------------------------------------

def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MiB."""
    got = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS", "VmHWM")):
                got[line.split(":")[0]] = int(line.split()[1]) / 1024
    return got.get("VmRSS", 0.0), got.get("VmHWM", 0.0)


def first_at_least(states: list, version: int, after: float,
                   arrived: bool = False) -> float | None:
    """When the first state with a version >= ``version`` was read (or, with ``arrived``, when
    it arrived at the socket), not before ``after``; None when none came."""
    k = 2 if arrived else 0
    for st in states:
        if st[1] >= version and st[k] >= after:
            return st[k]
    return None


def broadcast_latencies(collected: list[dict], sends: list[tuple[float, int]],
                        arrived: bool = False):
    """Per phone and command: first state with version >= the command's, minus its send time
    (read by the client process, or with ``arrived`` arrived at its socket)."""
    lat, missed = [], 0
    for res in collected:
        for states in res["states"]:
            for t0, version in sends:
                t = first_at_least(states, version, t0, arrived)
                if t is None:
                    missed += 1
                else:
                    lat.append(t - t0)
    return lat, missed


def ms(v):
    return "-" if v is None else f"{v * 1000:.1f}"


def print_table(headers: list[str], rows: list[list]) -> None:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------
# Our server
# ---------------------------------------------------------------------------------------------

def bench_contest(teams=10, buzz_questions=10, storm=True) -> dict:
    rounds = [{"kind": "buzz", "title": "抢答题",
               "settings": {"buzz_window": 60, "answer_time": 120},
               "questions": [question(stem=f"抢答题 第{i}题：下列哪一项是正确的？")
                             for i in range(1, buzz_questions + 1)]}]
    if storm:
        rounds.append({"kind": "all_answer", "title": "全员答题",
                       "settings": {"per": "player", "answer_time": 120},
                       "questions": [question(stem="全员答题：下列哪一项是正确的？")]})
    return contest_spec(teams=[f"第{i}队" for i in range(1, teams + 1)], rounds=rounds)


class OurServer:
    """The real server (``python app.py``; another mode through SOCKETIO_ASYNC_MODE)."""

    def __init__(self, mode: str, workdir: str, extra_env: dict | None = None):
        env = {"SOCKETIO_ASYNC_MODE": mode} if mode != "gevent" else {}
        env.update(extra_env or {})
        self.workdir = workdir
        self.sp = ServerProcess(os.path.join(workdir, f"instance-{mode}-{time.monotonic_ns()}"),
                                extra_env=env)
        if mode == "gevent":  # python app.py as make run starts it: gevent, monkey-patched
            self.sp.env.pop("SOCKETIO_ASYNC_MODE", None)
        self.mode = mode

    def start(self, spec: dict) -> dict:
        os.makedirs(self.sp.instance_path, exist_ok=True)
        info = self.sp.create_contest(spec, self.workdir)
        if self.mode == "eventlet":
            self._start_eventlet()
        else:
            self.sp.start(timeout=60)
        self.pid = self.sp.proc.pid
        return info

    def _start_eventlet(self):
        # app.py monkey-patches only for gevent; eventlet needs its own patch first.
        sp = self.sp
        sp._log = open(sp.log_path, "a", encoding="utf-8")
        code = ("import eventlet; eventlet.monkey_patch(); import runpy, sys; "
                "sys.argv=['app.py']; runpy.run_path('app.py', run_name='__main__')")
        sp.proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=sp.env,
                                   stdout=sp._log, stderr=subprocess.STDOUT)
        wait_port(sp.port, sp.proc, 60)

    @property
    def port(self):
        return self.sp.port

    def stop(self):
        self.sp.stop()


class BareServer:
    """bench/bare_server.py: a bare Flask-SocketIO server in the same mode (the reference)."""

    def __init__(self, mode: str, workdir: str):
        self.mode, self.port = mode, free_port()
        self.log_path = os.path.join(workdir, f"bare-{self.port}.log")
        env = dict(os.environ)
        env.pop("SOCKETIO_ASYNC_MODE", None)
        if mode != "gevent":
            env["SOCKETIO_ASYNC_MODE"] = mode
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "bench", "bare_server.py"), str(self.port)],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        wait_port(self.port, self.proc, 60)
        self.pid = self.proc.pid

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def wait_port(port: int, proc, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def team_ids(state: dict) -> list[int]:
    return sorted(t["id"] for t in state["teams"])


def run_broadcasts(fleet: Fleet, count: int, gap: float, make_cmd, event="host") -> dict:
    """``count`` state-changing commands from stage connection 0, ``gap`` apart."""
    fleet.phones("reset")
    sends = []
    for i in range(count):
        r = fleet.stage("call", conn=0, event=event, data=make_cmd(i))
        if not r["ack"].get("ok"):
            raise RuntimeError(f"command refused: {r['ack']}")
        sends.append((r["sent"], r["ack"].get("version", 0)))
        time.sleep(gap)
    time.sleep(1.0)
    collected = fleet.phones("collect")
    lat, missed = broadcast_latencies(collected, sends)
    return {"lat": lat, "missed": missed, "sends": sends}


def bench_mode(mode: str, sizes: list[int], broadcasts: int, workers: int, workdir: str,
               extra_env: dict | None = None):
    rows = []
    for n in sizes:
        fleet = Fleet(workers)
        server = OurServer(mode, workdir, extra_env=extra_env)
        try:
            info = server.start(bench_contest(buzz_questions=1, storm=False))
            code = info["code"]
            fleet.stage("connect", host="127.0.0.1", port=server.port, specs=[
                {"auth": {"contest": code, "role": "host", "key": info["host_key"]}}])
            con = connect_phones(fleet, server.port, n, {"contest": code, "role": "player"})
            host_state = fleet.stage("last_state", conn=0)["state"]
            teams = team_ids(host_state)
            if con["ok"] < n:
                rows.append([mode, n, f"{con['ok']}/{n}", f"{con['wall']:.1f}", ms(con["p50"]),
                             ms(con["p99"]), "-", "-", "-", "-", "-"])
                print(f"  {mode} N={n}: only {con['ok']} connected: {con['errors']}")
                if con["ok"] < n * 0.9:
                    continue
            time.sleep(1.0)
            gap = 0.25 + n * 0.0004
            cpu0 = cpu_seconds(server.pid)
            t0 = time.time()
            res = run_broadcasts(fleet, broadcasts, gap, lambda i, teams=teams: {
                "action": "adjust_score", "team": teams[i % len(teams)], "delta": 1,
                "reason": "bench"})
            cpu = cpu_seconds(server.pid) - cpu0
            span = time.time() - t0
            lat = res["lat"]
            rss, _ = rss_mb(server.pid)
            rows.append([mode, n, f"{con['ok']}/{n}", f"{con['wall']:.1f}", ms(con["p50"]),
                         ms(con["p99"]), ms(pct(lat, 50)), ms(pct(lat, 99)), ms(max(lat)),
                         res["missed"], f"{cpu / broadcasts * 1000:.1f}",
                         f"{rss:.0f}"])
            print(f"  {mode} N={n}: {broadcasts} broadcasts in {span:.1f}s done", flush=True)
        except Exception as exc:
            rows.append([mode, n, "error", str(exc)[:60], "-", "-", "-", "-", "-", "-", "-", "-"])
            print(f"  {mode} N={n}: {exc}\n{server.sp.output()[-2000:]}", flush=True)
        finally:
            fleet.close()
            server.stop()
    return rows


def eventlet_available(extra_env: dict) -> bool:
    """Whether the server's Python (with ``extra_env``, e.g. a PYTHONPATH) imports eventlet."""
    env = dict(os.environ, **extra_env)
    done = subprocess.run([sys.executable, "-c", "import eventlet"], env=env,
                          capture_output=True, timeout=60)
    return done.returncode == 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modes", default="gevent,threading,eventlet")
    ap.add_argument("--sizes", default="100,500,1000")
    ap.add_argument("--broadcasts", type=int, default=20)
    ap.add_argument("--workers", type=int, default=4, help="phone client processes")
    ap.add_argument("--nice", type=int, default=0,
                    help="run the bench and its servers at this niceness (negative needs root;"
                         " for a machine shared with other work)")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for the server processes")
    args = ap.parse_args(argv)
    if args.nice:
        os.nice(args.nice)
    extra_env = dict(e.split("=", 1) for e in args.env)
    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = tempfile.mkdtemp(prefix="socket-bench-")
    headers = ["mode", "N", "connected", "connect s", "conn p50 ms", "conn p99 ms",
               "bcast p50 ms", "bcast p99 ms", "max ms", "missed", "CPU ms/bcast", "RSS MiB"]
    rows = []
    started = time.time()
    try:
        for mode in args.modes.split(","):
            if mode == "eventlet" and not eventlet_available(extra_env):
                print("eventlet: not importable (not a dependency of this project; "
                      "--env PYTHONPATH=DIR with eventlet installed there); skipped")
                continue
            print(f"mode {mode} ...", flush=True)
            rows += bench_mode(mode, sizes, args.broadcasts, args.workers, workdir, extra_env)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(f"Broadcast = one host adjust_score -> every phone receives `state`; "
          f"{args.broadcasts} per N; latency = phone receive - host send (same clock); "
          f"CPU = server process CPU per broadcast (incl. idle pings). "
          f"{os.cpu_count()} cores, {time.time() - started:.0f}s.")
    print_table(headers, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
