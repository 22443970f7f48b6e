"""A Socket.IO client written from the protocol alone (one websocket, frames by hand), for
tests that send what python-socketio's own client would not."""
import base64
import json
import os
import socket
import time

from bench.ws_churn import _masked, _read_frame, _read_until


class RawClient:
    """One Engine.IO 4 / Socket.IO 5 websocket connection; answers pings, keeps every event."""

    def __init__(self, port: int, auth: dict):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buf = bytearray()
        del self.buf[:_read_until(self.sock, self.buf, b"\r\n\r\n") + 4]
        self.events: list[tuple[str, object]] = []   # (name, first argument), as received
        self.acks: dict[int, list] = {}
        self.next_id = 0
        assert self._frame().startswith("0")          # Engine.IO open
        self.send("40" + json.dumps(auth))
        self.wait(lambda: self.connected is not None)
        self.connected = None

    connected = None

    def send(self, text: str) -> None:
        self.sock.sendall(_masked(text))

    def _frame(self) -> str:
        return _read_frame(self.sock, self.buf).decode("utf-8")

    def _take(self, text: str) -> None:
        if text == "2":
            self.send("3")                           # pong
        elif text.startswith("40"):
            self.connected = json.loads(text[2:] or "{}")
        elif text.startswith("44"):
            raise AssertionError("connection refused: " + text)
        elif text.startswith("42"):
            name, *args = json.loads(text[2:])
            self.events.append((name, args[0] if args else None))
        elif text.startswith("43"):
            body = text[2:]
            at = body.index("[")
            self.acks[int(body[:at])] = json.loads(body[at:])

    def wait(self, done, timeout: float = 10.0) -> bool:
        """Read frames until ``done()`` is true (True) or ``timeout`` seconds pass (False)."""
        end = time.monotonic() + timeout
        while not done():
            left = end - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                self._take(self._frame())
            except TimeoutError:
                return False
        return True

    def emit(self, event: str, *args) -> int:
        """Send an event with an ack id; returns the id."""
        self.next_id += 1
        self.send(f"42{self.next_id}" + json.dumps([event, *args]))
        return self.next_id

    def call(self, event: str, *args, timeout: float = 10.0):
        """Send an event and wait for its ack (its first argument)."""
        n = self.emit(event, *args)
        assert self.wait(lambda: n in self.acks, timeout), f"no ack for {event}"
        return self.acks[n][0]

    def states(self) -> list[dict]:
        return [arg for name, arg in self.events if name == "state"]

    def close(self) -> None:
        self.sock.close()
