"""Issue 16: a client that emitted an event named like a reserved one (``disconnect``,
``connect``) reached the connection handlers on its open connection: it dropped its own
presence, and subscribed itself to another contest's snapshots. Now such an event gets the
``reserved_event`` ack and reaches no handler (quiz/live/transport.py 8., docs/protocol.md)."""
import threading

import pytest

from quiz.live import transport
from tests.helpers import contest_spec
from tests.integration.live_clients import Client
from tests.integration.raw_socketio import RawClient
from tests.serverproc import ServerProcess


@pytest.fixture
def server(tmp_path):
    sp = ServerProcess(tmp_path / "instance",
                       extra_env={"QUIZ_COALESCE": '{"presence": 0, "screen": 0, "host": 0}'})
    sp.start()
    yield sp
    sp.stop()


class PresenceWatch:
    """The host's newest `presence`."""

    def __init__(self, host: Client):
        self.last, self.changed = None, threading.Event()
        host.sio.on("presence", self._on)

    def _on(self, p):
        self.last = p
        self.changed.set()

    def connected(self, team: int) -> int | None:
        return ((self.last or {}).get("teams", {}).get(str(team)) or {}).get("connected")


def test_a_phone_cannot_disconnect_itself_or_join_another_contest_by_event_name(server, tmp_path):
    a = server.create_contest(contest_spec(), tmp_path)
    b = server.create_contest(contest_spec(teams=("乙队", "丙队")), tmp_path)
    host_a = Client(server.url, {"contest": a["code"], "role": "host", "key": a["host_key"]})
    host_b = Client(server.url, {"contest": b["code"], "role": "host", "key": b["host_key"]})
    watch = PresenceWatch(host_a)
    team = host_a.wait_version(0)["teams"][0]["id"]
    phone = RawClient(server.port, {"contest": a["code"], "role": "player"})
    try:
        assert phone.call("join", {"team": team, "name": "攻击者"})["ok"]
        assert watch.changed.wait(5) and _eventually(lambda: watch.connected(team) == 1)

        # Flask-SocketIO hands a connect handler its second argument as the auth object
        screen_b = {"contest": b["code"], "role": "screen"}
        sent = [phone.emit("disconnect"), phone.emit("connect", {}, screen_b),
                phone.emit("connect", screen_b), phone.emit("connect_error", {}),
                phone.emit("__disconnect_final")]
        phone.wait(lambda: all(n in phone.acks for n in sent), timeout=5)   # checked below

        version_b = host_b.host("adjust_score", team=host_b.state["teams"][0]["id"], delta=5,
                                reason="乙")["version"]
        host_b.wait_version(version_b)
        version_a = host_a.host("adjust_score", team=team, delta=3, reason="甲")["version"]
        assert phone.wait(lambda: any(s["version"] >= version_a for s in phone.states()))
        assert {s["contest"] for s in phone.states()} == {a["code"]}   # no foreign snapshot

        screen = Client(server.url, {"contest": a["code"], "role": "screen"})  # a presence change
        try:
            assert _eventually(lambda: (watch.last or {}).get("screens") == 1)
            assert watch.connected(team) == 1                           # presence kept
        finally:
            screen.close()
        assert phone.call("time", {})["ok"]                             # still a live player
        for n in sent:                                                  # each one refused
            assert phone.acks[n] == [transport.RESERVED_ACK]
        assert transport.RESERVED_ACK["message"] and transport.RESERVED_ACK["message_zh"]
    finally:
        phone.close()
        host_a.close()
        host_b.close()


def _eventually(check, timeout=5.0) -> bool:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return check()
