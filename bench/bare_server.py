"""A bare Flask-SocketIO server: the library's own cost of one broadcast, for bench/load.py.

    python bench/bare_server.py PORT          # gevent (monkey-patched), like python app.py
    SOCKETIO_ASYNC_MODE=threading python bench/bare_server.py PORT

Clients connect with auth {"role": "player"} (joined to room "phones") or {"role": "host"}.
The host's ``go`` event (payload: the snapshot to send) broadcasts it once as ``state`` to the
room and acks {"ok": true}. Same ping settings as the real server (QUIZ_PING_INTERVAL,
QUIZ_PING_TIMEOUT). Loopback only.
"""
import os
import sys

MODE = os.environ.get("SOCKETIO_ASYNC_MODE") or "gevent"
if MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
# the real server's heartbeat (QUIZ_PING_INTERVAL / QUIZ_PING_TIMEOUT, 10 / 20 s by default)
socketio = SocketIO(app, async_mode=MODE,
                    ping_interval=int(os.environ.get("QUIZ_PING_INTERVAL", "10")),
                    ping_timeout=int(os.environ.get("QUIZ_PING_TIMEOUT", "20")),
                    cors_allowed_origins="*")
version = [0]


@socketio.on("connect")
def on_connect(auth=None):
    if isinstance(auth, dict) and auth.get("role") == "player":
        join_room("phones")


@socketio.on("go")
def on_go(payload):
    version[0] += 1
    payload = dict(payload, version=version[0])
    socketio.emit("state", payload, to="phones")
    return {"ok": True, "version": version[0]}


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5099
    socketio.run(app, host="127.0.0.1", port=port, log_output=False, allow_unsafe_werkzeug=True)
