"""Connections against the real server (gevent, frames written directly): a quiet connection
stays up across many heartbeats, and a burst of changes reaches every client in order."""
import json
import time

import pytest
import websocket

from tests.helpers import contest_spec, question
from tests.integration.live_clients import Client, close_all, host_and_screen, join
from tests.serverproc import ServerProcess


@pytest.fixture
def server(tmp_path):
    # Heartbeat every second: Engine.IO's writer gives up on a queue that stays empty for
    # interval + timeout (2 s here), which direct writes must not cause.
    srv = ServerProcess(tmp_path / "instance", extra_env={
        "QUIZ_PING_INTERVAL": "1", "QUIZ_PING_TIMEOUT": "1", "QUIZ_COALESCE": '{"player": 0}'})
    yield srv
    srv.stop()


def test_quiet_clients_stay_connected_and_hear_every_change_in_order(server, tmp_path):
    made = server.create_contest(contest_spec(teams=("红队", "蓝队"), rounds=[{
        "kind": "buzz", "title": "抢答题", "questions": [question(stem="抢答 1")]}]), tmp_path)
    server.start()
    clients = []
    try:
        host, screen = host_and_screen(server.url, made)
        clients += [host, screen]
        start = host.wait_version(0)["teams"]
        teams = [t["id"] for t in start]
        phone = join(server.url, made["code"], teams[0], "小明")
        clients.append(phone)
        seen = []
        phone.sio.on("state", lambda s: (seen.append(s["version"]), phone._on_state(s)))

        time.sleep(5)  # two and a half times the writer's give-up time, nothing to send
        assert host.sio.connected and screen.sio.connected and phone.sio.connected
        versions = []
        for i in range(30):
            ack = host.host("adjust_score", team=teams[i % 2], delta=1, reason=f"加分 {i}")
            assert ack["ok"], ack
            versions.append(ack["version"])
        last = versions[-1]
        scores = [t["score"] for t in screen.wait_version(last)["teams"]]
        assert scores == [start[0]["score"] + 15, start[1]["score"] + 15]
        phone.wait_version(last)
        assert seen == sorted(seen) and seen[-1] == last
        assert len(seen) == len(set(seen)) and set(versions) <= set(seen)
    finally:
        close_all(clients)


def test_a_phone_that_stops_answering_pings_is_dropped_and_the_projector_sees_it(server, tmp_path):
    made = server.create_contest(contest_spec(teams=("红队", "蓝队"), rounds=[{
        "kind": "buzz", "title": "抢答题", "questions": [question(stem="抢答 1")]}]), tmp_path)
    server.start()
    screen = Client(server.url, {"contest": made["code"], "role": "screen"})
    presence = []
    screen.sio.on("presence", presence.append)
    silent = None
    try:
        team = screen.wait_version(0)["teams"][0]["id"]
        phone = join(server.url, made["code"], team, "沉默")
        token = phone.token
        phone.close()
        # a raw client that signs in as that phone, then never answers a ping
        silent = websocket.create_connection(
            server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
            timeout=10)
        assert silent.recv().startswith("0{")
        silent.send("40" + json.dumps({"contest": made["code"], "role": "player",
                                       "token": token}))
        end = time.monotonic() + 10
        while time.monotonic() < end and not (
                presence and presence[-1]["teams"][str(team)]["connected"] == 1):
            time.sleep(0.05)
        assert presence[-1]["teams"][str(team)]["connected"] == 1
        # pings every second, dropped after one more without a pong
        end = time.monotonic() + 10
        while time.monotonic() < end and presence[-1]["teams"][str(team)]["connected"] != 0:
            time.sleep(0.05)
        assert presence[-1]["teams"][str(team)]["connected"] == 0
        assert screen.sio.connected                      # the projector answers its pings
    finally:
        if silent is not None:
            silent.close()
        close_all([screen])
