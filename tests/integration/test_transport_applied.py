"""The app factory applies quiz/live/transport.py whatever starts the server (issue 16): the
Socket.IO test client, ``flask --app app run`` and ``python app.py`` run the same changes,
and the gevent-only ones only under gevent."""
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from quiz.base.extensions import socketio
from quiz.live import transport
from tests.helpers import contest_spec
from tests.integration.raw_socketio import RawClient
from tests.serverproc import ROOT, ServerProcess, free_port


def test_the_test_client_runs_the_reserved_name_refusal(make_contest, make_socket):
    a, b = make_contest(), make_contest(contest_spec(teams=("乙队", "丙队")))
    screen = make_socket(contest=a["code"], role="screen")
    screen.get_received()
    assert screen.emit("connect", {}, {"contest": b["code"], "role": "screen"},
                       callback=True) == transport.RESERVED_ACK
    assert screen.emit("disconnect", callback=True) == transport.RESERVED_ACK
    assert screen.get_received() == []             # no snapshot of contest b, nothing at all
    assert screen.emit("time", {}, callback=True)["ok"]


def test_the_test_client_survives_a_packet_it_cannot_decode(make_contest, make_socket, caplog):
    made = make_contest()
    screen = make_socket(contest=made["code"], role="screen")
    for bad in ("2[", "2", "9x"):
        socketio.server._handle_eio_message(screen.eio_sid, bad)   # as the test client sends
    assert "malformed Socket.IO packet ignored" in caplog.text
    assert screen.emit("time", {}, callback=True)["ok"]


def test_a_server_started_by_flask_run_runs_the_transport_changes(tmp_path):
    sp = ServerProcess(tmp_path / "instance")
    code = sp.create_contest(contest_spec(), tmp_path)["code"]
    port = free_port()
    log = open(tmp_path / "flask-run.log", "w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT, env=dict(sp.env, PORT=str(port)), stdout=log,
        stderr=subprocess.STDOUT)
    try:
        _wait_serving(port, proc)
        raw = RawClient(port, {"contest": code, "role": "screen"})
        try:
            assert raw.wait(lambda: raw.states())
            raw.send("42[")                                       # cannot be decoded
            assert raw.call("disconnect") == transport.RESERVED_ACK
            assert raw.call("time", {})["ok"]                     # still connected, served
        finally:
            raw.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    out = (tmp_path / "flask-run.log").read_text(encoding="utf-8")
    assert "malformed Socket.IO packet ignored" in out and "Traceback" not in out


def _wait_serving(port: int, proc, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, "flask run exited"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/join", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("flask run did not serve")


PROBE = """
import json, socket, sys, threading, time
if sys.argv[1] == "gevent":
    from gevent import monkey
    monkey.patch_all()
from bench.ws_churn import _read_frame, _read_until
from engineio.socket import Socket
from quiz.base.extensions import socketio
from quiz.factory import create_app
from quiz.live import transport
port = int(sys.argv[3])
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[2]})
threading.Thread(target=socketio.run, args=(app,), daemon=True, kwargs=dict(
    host="127.0.0.1", port=port, log_output=False, allow_unsafe_werkzeug=True)).start()
for _ in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        break
    except OSError:
        time.sleep(0.1)
c.sendall(b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n"
          b"Upgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
          b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n")
buf = bytearray()
del buf[:_read_until(c, buf, b"\\r\\n\\r\\n") + 4]
sid = json.loads(_read_frame(c, buf).decode()[1:])["sid"]      # Engine.IO open
eio = socketio.server.eio
s = eio.sockets[sid]
ws = getattr(s, "quiz_ws", None)
eio.send(sid, "hello")
queued = s.queue.qsize()            # what the writer greenlet still has to send
got = _read_frame(c, buf).decode()
print(json.dumps({"mode": socketio.server.async_mode,
                  "direct_writes": Socket.send is transport._send,
                  "counts_closed": transport.after_release is not None,
                  "reader_handles": ws is not None,
                  "nodelay": bool(ws and ws.sock.getsockopt(socket.IPPROTO_TCP,
                                                            socket.TCP_NODELAY)),
                  "queued": queued, "got": got}))
"""


def test_a_gevent_server_built_by_the_factory_writes_frames_directly(tmp_path):
    """Not app.py's main: any gevent process whose server the factory built (here
    ``socketio.run`` on the factory's app) reads and writes through changes 2-4."""
    seen = _probe("gevent", tmp_path)
    assert seen == {"mode": "gevent", "direct_writes": True, "counts_closed": True,
                    "reader_handles": True, "nodelay": True, "queued": 0, "got": "4hello"}


def test_a_threading_server_built_by_the_factory_keeps_engineios_queue(tmp_path):
    seen = _probe("threading", tmp_path)
    assert seen["mode"] == "threading" and seen["got"] == "4hello"
    assert not (seen["direct_writes"] or seen["counts_closed"] or seen["reader_handles"])


def _probe(mode: str, tmp_path) -> dict:
    env = dict(os.environ, QUIZ_INSTANCE_PATH=str(tmp_path / "instance"))
    env.pop("SOCKETIO_ASYNC_MODE", None)
    done = subprocess.run([sys.executable, "-c", PROBE, mode,
                           f"sqlite:///{tmp_path / 'db.sqlite3'}", str(free_port())],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_python_app_py_refuses_to_start_on_another_library_version(tmp_path):
    code = ("import importlib.metadata as m, runpy, sys\n"
            "real = m.version\n"
            "m.version = lambda n: '4.99.0' if n == 'python-engineio' else real(n)\n"
            "sys.argv = ['app.py']\n"
            "runpy.run_path('app.py', run_name='__main__')\n")
    env = dict(os.environ, QUIZ_INSTANCE_PATH=str(tmp_path / "instance"), PORT=str(free_port()),
               HOST="127.0.0.1")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "python-engineio 4.99.0 is installed, 4.15.1 expected" in done.stderr
    assert "python-engineio 已安装 4.99.0，应为 4.15.1" in done.stderr
    assert "Traceback" not in done.stderr and "Knowledge contest server" not in done.stdout


def test_a_reserved_name_cannot_be_registered_as_a_client_event():
    from quiz.live import handlers

    for name in ("connect", "disconnect", "connect_error"):
        with pytest.raises(ValueError, match="reserved"):
            handlers.acked(name)
