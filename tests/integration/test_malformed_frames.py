"""Issue 19, point 7: a client written from docs/protocol.md alone sent frames the server could
not decode, and the log showed a traceback for each. Now each is ignored with one line, and
the server goes on serving."""
import base64
import json
import os
import socket
import time

from bench.ws_churn import _masked, _read_frame, _read_until, start_server
from tests.integration.live_clients import Client

MALFORMED = ["42[", "4Z", "4", '42["join",', "41x", "43abc[", "9", "2probe!", "42{}"]


def websocket(port: int, code: str) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
    buf = bytearray()
    del buf[:_read_until(s, buf, b"\r\n\r\n") + 4]
    _read_frame(s, buf)                                            # Engine.IO open
    s.sendall(_masked("40" + json.dumps({"contest": code, "role": "screen"})))
    _read_frame(s, buf)                                            # connected
    return s


def test_malformed_frames_are_logged_in_one_line_without_a_traceback(tmp_path):
    server, code = start_server(str(tmp_path))
    try:
        for bad in MALFORMED:
            s = websocket(server.port, code)
            s.sendall(_masked(bad))
            time.sleep(0.2)
            s.close()
        screen = Client(server.url, {"contest": code, "role": "screen"})
        assert screen.wait_version(0)["contest"] == code       # still serving
        screen.close()
    finally:
        server.stop()
    log = server.output()
    assert "Traceback" not in log
    assert log.count("malformed Socket.IO packet ignored") >= 4
