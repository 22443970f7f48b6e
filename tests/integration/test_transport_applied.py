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
import json, os, sys
if sys.argv[1] == "gevent":
    from gevent import monkey
    monkey.patch_all()
from engineio.socket import Socket
from simple_websocket.ws import Base
from quiz.factory import create_app
from quiz.live import transport
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[2]})
print(json.dumps({"mode": app.extensions["socketio"].server.async_mode,
                  "whole_frames": Base.send is transport._send_whole,
                  "direct_writes": Socket.send is transport._send,
                  "reader_handles": Socket._websocket_handler is transport._websocket_handler,
                  "counts_closed": transport.after_release is not None}))
"""


@pytest.mark.parametrize("mode", ["gevent", "threading"])
def test_the_gevent_only_changes_are_applied_under_gevent_only(mode, tmp_path):
    env = dict(os.environ, QUIZ_INSTANCE_PATH=str(tmp_path / "instance"))
    env.pop("SOCKETIO_ASYNC_MODE", None)
    done = subprocess.run([sys.executable, "-c", PROBE, mode,
                           f"sqlite:///{tmp_path / 'db.sqlite3'}"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    gevent = mode == "gevent"
    assert seen == {"mode": mode, "whole_frames": True, "direct_writes": gevent,
                    "reader_handles": gevent, "counts_closed": gevent}


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
