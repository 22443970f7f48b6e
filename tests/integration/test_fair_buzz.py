"""A fair-order race against the real server: phones on delayed links and a keyboard buzzer
desk, ranked by when they pressed, not by when their messages arrived."""
import time

import pytest

from tests.helpers import contest_spec, question
from tests.integration.buzzers import Buzzer, phone, press_at
from tests.integration.live_clients import Client, close_all
from tests.serverproc import ServerProcess


@pytest.fixture
def server(tmp_path):
    srv = ServerProcess(tmp_path / "instance")
    yield srv
    srv.stop()


def fair_contest():
    return contest_spec(teams=("远角队", "近台队", "键盘队"), settings={"buzz_order": "fair"},
                        rounds=[{"kind": "buzz", "title": "抢答题",
                                 "settings": {"buzz_window": 60, "answer_time": 60},
                                 "questions": [question(stem="抢答 1")]}])


def wait_for(client, test, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if client.state and test(client.state):
            return client.state
        client.changed.wait(0.05)
        client.changed.clear()
    raise AssertionError(f"not reached: {client.state and client.state['phase']}")


def test_the_first_press_wins_over_the_first_arrival_with_phones_and_a_keyboard(server,
                                                                               tmp_path):
    made = server.create_contest(fair_contest(), tmp_path)
    server.start()
    code = made["code"]
    host = Client(server.url, {"contest": code, "role": "host", "key": made["host_key"]})
    clients = [host]
    try:
        far, near, keys = [t["id"] for t in host.wait_version(0)["teams"]]
        slow = phone(server.url, code, far, "远", delay_ms=150, jitter_ms=3, seed=1,
                     skew_ms=-4000, drift_ppm=80)
        fast = phone(server.url, code, near, "近", delay_ms=5, jitter_ms=1, seed=2,
                     skew_ms=2500)
        desk = Buzzer(Client(server.url, {"contest": code, "role": "host",
                                          "key": made["host_key"]}),
                      delay_ms=20, jitter_ms=2, seed=3, skew_ms=900, desk_teams=[keys])
        desk.sync()
        clients += [slow.client, fast.client, desk.client]
        assert host.host("next")["ok"] and host.host("show_question")["ok"]
        qid = wait_for(host, lambda s: s["phase"] == "reading")["question"]["id"]
        assert host.host("open_buzzers", question=qid)["ok"]
        opens_at = wait_for(host, lambda s: s.get("opens_at"))["opens_at"]
        assert wait_for(slow.client, lambda s: s.get("opens_at"))["opens_at"] == opens_at
        start = opens_at / 1000 + 0.2
        # true order: far (slow link) first, near 60 ms later, the keyboard 120 ms later;
        # arrivals: near at +65, keyboard at +140, far at +150
        acks = press_at([(slow, start), (fast, start + 0.06), (desk, start + 0.12,
                                                                 {"team": keys})], qid)
        assert all(a["ok"] for a in acks), acks
        s = wait_for(host, lambda s: s["phase"] == "answering")
        assert s["turn"] == far
        buzzes = sorted(s["buzzes"], key=lambda b: b["rank"])
        assert [b["team"] for b in buzzes] == [far, near, keys]
        by_receipt = sorted(buzzes, key=lambda b: b["received"])
        assert [b["team"] for b in by_receipt] == [near, keys, far]
        first = buzzes[0]
        assert 250 <= first["rtt"] <= 400 and not first["fallback"] and not first["near_tie"]
        assert 40 <= first["margin_ms"] <= 80           # pressed ~60 ms before the near team
        assert abs(buzzes[1]["corrected"] - buzzes[0]["corrected"] - 60) < 20
        # everyone's screens show the winner
        assert wait_for(slow.client, lambda s: s.get("turn") == far)
    finally:
        close_all(clients)


def test_only_a_declared_buzzer_desk_may_buzz_for_a_team(make_contest, make_socket):
    made = make_contest(contest_spec(settings={"buzz_order": "fair"}))
    red = made["teams"][0]
    phone = make_socket(contest=made["code"], role="player")
    ack = phone.emit("desk_buzz", {"team": red, "question": 1}, callback=True)
    assert ack["ok"] is False and ack["error"] == "forbidden"
    desk = make_socket(contest=made["code"], role="host", key=made["host_key"])
    ack = desk.emit("desk_buzz", {"team": red, "question": 1}, callback=True)
    assert ack["error"] == "bad_team" and ack["message_zh"]
    # once the desk declares the team, its buzz reaches the rules (no question is live yet)
    assert desk.emit("time", {"desk_teams": [red]}, callback=True)["ok"]
    ack = desk.emit("desk_buzz", {"team": red, "question": 1}, callback=True)
    assert ack["error"] == "stale_question"
