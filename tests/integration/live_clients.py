"""python-socketio clients for tests against the real server process (tests.serverproc)."""
import threading
import time

import socketio


class Client:
    """One connection (host, screen or phone) that keeps the newest `state` and its `me`."""

    def __init__(self, url, auth, connect=True, transports=("websocket",), http_session=None):
        self.url, self.auth, self.transports = url, auth, list(transports)
        self.sio = socketio.Client(reconnection=False, http_session=http_session)
        self.state = None
        self.me = None
        self.states = 0
        self.changed = threading.Event()
        self.got_me = threading.Event()
        self.sio.on("state", self._on_state)
        self.sio.on("me", self._on_me)
        if connect:
            self.connect()

    def connect(self, timeout=10):
        self.sio.connect(self.url, auth=self.auth, transports=self.transports,
                         wait_timeout=timeout)
        return self

    def _on_state(self, s):
        self.states += 1
        if self.state is None or s["version"] >= self.state["version"]:
            self.state = s
            self.changed.set()

    def _on_me(self, m):
        self.me = m
        self.got_me.set()

    def call(self, event, data, timeout=10):
        return self.sio.call(event, data, timeout=timeout)

    def host(self, action, **fields):
        return self.call("host", dict(fields, action=action))

    def wait_version(self, version, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.state and self.state["version"] >= version:
                return self.state
            self.changed.wait(0.05)
            self.changed.clear()
        got = self.state and self.state["version"]
        raise AssertionError(f"no state with version {version}: got {got}")

    def close(self):
        try:
            self.sio.disconnect()
        except Exception:
            pass


def host_and_screen(url, made):
    """The host console and a projector of the contest `made` (as ServerProcess made it)."""
    host = Client(url, {"contest": made["code"], "role": "host", "key": made["host_key"]})
    return host, Client(url, {"contest": made["code"], "role": "screen"})


def join(url, code, team, name):
    """A phone that joined `team`; returns the client with .token, .player, .team set."""
    phone = Client(url, {"contest": code, "role": "player"})
    ack = phone.call("join", {"team": team, "name": name})
    assert ack["ok"], ack
    phone.token, phone.player, phone.team = ack["token"], ack["player"], team
    return phone


def close_all(clients, timeout=10):
    """Disconnect many clients at once (each disconnect can wait seconds for its socket)."""
    threads = [threading.Thread(target=c.close, daemon=True) for c in clients]
    for t in threads:
        t.start()
    end = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
