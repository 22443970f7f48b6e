"""Websocket churn (issue 19, point 2): phones that leave the Wi-Fi without a close frame.

Starts the real server (``python app.py``) on 127.0.0.1, creates a contest, then in rounds opens
N websockets that offer per-message compression as every browser does
(``Sec-WebSocket-Extensions: permessage-deflate``), completes the Engine.IO handshake and the
Socket.IO connect as a projector (so the server compresses a full snapshot to each), and drops
them all without a close frame (a TCP reset, as a phone that walks out of range looks once its
Wi-Fi is gone). After each round it prints the server's resident memory.

    .venv/bin/python bench/ws_churn.py                        # 20 rounds of 1000, deflate
    .venv/bin/python bench/ws_churn.py --rounds 10 --no-deflate
    .venv/bin/python bench/ws_churn.py --env MALLOC_ARENA_MAX=1 --env QUIZ_WSFIX=0

Only loopback traffic; every loop is bounded in count and time; the server is stopped at the
end. The client side is plain blocking sockets, one phase at a time over a whole round.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import struct
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.helpers import contest_spec  # noqa: E402
from tests.serverproc import ServerProcess  # noqa: E402

SOURCES = [f"127.0.0.{i}" for i in range(2, 42)]   # spread over addresses like a hall's phones


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (VmRSS of /proc/PID/status)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _masked(text: str) -> bytes:
    data = text.encode("utf-8")
    key = os.urandom(4)
    n = len(data)
    if n < 126:
        head = bytes((0x81, 0x80 | n))
    else:
        head = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
    mask = (key * (n // 4 + 1))[:n]
    return head + key + bytes(a ^ b for a, b in zip(data, mask, strict=True))


def _read_until(sock: socket.socket, buf: bytearray, marker: bytes, limit: int = 1 << 20) -> int:
    while (at := buf.find(marker)) < 0:
        chunk = sock.recv(65536)
        if not chunk or len(buf) > limit:
            raise ConnectionError("closed during the handshake")
        buf += chunk
    return at


def _read_frame(sock: socket.socket, buf: bytearray) -> bytes:
    """One whole websocket frame's payload (compressed payloads are returned as they are)."""
    while True:
        if len(buf) >= 2:
            n = buf[1] & 0x7F
            at = 2
            if n == 126 and len(buf) >= 4:
                n, at = struct.unpack(">H", buf[2:4])[0], 4
            elif n == 127 and len(buf) >= 10:
                n, at = struct.unpack(">Q", buf[2:10])[0], 10
            if n < 126 or at > 2:
                if len(buf) >= at + n:
                    payload = bytes(buf[at:at + n])
                    del buf[:at + n]
                    return payload
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk


def drop(sock: socket.socket, how: str = "rst") -> None:
    """Leave without a close frame: a TCP reset ("rst") or a FIN ("fin"); "close" sends one."""
    try:
        if how == "rst":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif how == "close":
            sock.sendall(bytes((0x88, 0x82)) + os.urandom(4)[:4] + b"\x03\xe8")
        sock.close()
    except OSError:
        sock.close()


def one_round(port: int, code: str, n: int, deflate: bool = True, how: str = "rst") -> int:
    """Open n projector websockets, handshake, Socket.IO connect, drop all; returns the count
    that completed the connect."""
    socks, bufs = [], []
    ext = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" if deflate \
        else ""
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(30)
        s.bind((SOURCES[i % len(SOURCES)], 0))
        s.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                   f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{ext}\r\n")
                  .encode())
        socks.append(s)
        bufs.append(bytearray())
    ok = 0
    auth = json.dumps({"contest": code, "role": "screen"})
    for s, buf in zip(socks, bufs, strict=True):
        try:
            end = _read_until(s, buf, b"\r\n\r\n")
            del buf[:end + 4]
            _read_frame(s, buf)                 # Engine.IO open
            s.sendall(_masked("40" + auth))     # Socket.IO connect
        except (OSError, ConnectionError):
            continue
    for s, buf in zip(socks, bufs, strict=True):
        try:
            _read_frame(s, buf)                 # Socket.IO connect ack (or a state first)
            ok += 1
        except (OSError, ConnectionError):
            pass
    for s in socks:
        drop(s, how)
    return ok


def start_server(tmp: str, extra_env: dict | None = None) -> tuple[ServerProcess, str]:
    server = ServerProcess(os.path.join(tmp, "instance"), extra_env=extra_env).start()
    contest = server.create_contest(contest_spec(), tmp)
    return server, contest["code"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--no-deflate", action="store_true")
    ap.add_argument("--pause", type=float, default=4.0, help="seconds after each round")
    ap.add_argument("--how", choices=("rst", "fin", "close"), default="rst")
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    args = ap.parse_args()
    env = dict(e.split("=", 1) for e in args.env)
    with tempfile.TemporaryDirectory() as tmp:
        server, code = start_server(tmp, env)
        try:
            pid = server.proc.pid
            print(f"server {pid} env {env or '-'} deflate {not args.no_deflate} drop {args.how}")
            print(f"round  connected   RSS MB   (start {rss_mb(pid):.1f})")
            t0 = time.monotonic()
            for r in range(1, args.rounds + 1):
                ok = one_round(server.port, code, args.size, not args.no_deflate, args.how)
                time.sleep(args.pause)
                print(f"{r:5d}  {ok:9d}  {rss_mb(pid):7.1f}", flush=True)
            print(f"{args.rounds * args.size} connections in {time.monotonic() - t0:.0f} s")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
