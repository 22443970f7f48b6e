"""Buzz spam: one phone pressing hundreds of times a second changes nothing for the others.

Flood control per player token (QUIZ_FLOOD, quiz/base/limits.py: a burst of 10, then 5 a
second) answers the excess with `rate_limited` before the contest's lock, the engine or the
database."""
import threading
import time

import pytest

from quiz.base.config import FLOOD
from quiz.base.extensions import db
from quiz.record import store
from quiz.record.models import Contest
from tests.helpers import TeamActions, contest_spec, question
from tests.integration.live_clients import Client, close_all, join
from tests.serverproc import ServerProcess


def buzz_contest(teams):
    return contest_spec(teams=teams, rounds=[{
        "kind": "buzz", "title": "抢答题", "settings": {"buzz_window": 600, "answer_time": 600},
        "questions": [question(stem="抢答 1"), question(stem="抢答 2")]}])


def test_a_flooding_phone_is_answered_rate_limited_without_touching_the_contest(
        app, make_socket, make_contest):
    c = make_contest(buzz_contest(("红队", "蓝队", "绿队")))
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    spammer = TeamActions(make_socket, c["code"], c["teams"][0], "刷屏")
    calm = TeamActions(make_socket, c["code"], c["teams"][1], "正常")
    for action in ("next", "show_question"):
        assert host.emit("host", {"action": action}, callback=True)["ok"]
    with app.app_context():
        cid = Contest.query.filter_by(code=c["code"]).one().id
    qid = [m for m in host.get_received() if m["name"] == "state"][-1]["args"][0][
        "question"]["id"]
    assert host.emit("host", {"action": "open_buzzers", "question": qid}, callback=True)["ok"]
    with app.app_context():
        log_before = len(store.command_log(cid))
        db.session.rollback()
    started = time.monotonic()
    acks = [spammer.buzz(qid) for _ in range(60)]
    elapsed = time.monotonic() - started
    errors = [a.get("error") for a in acks]
    assert acks[0]["ok"] and errors[1:FLOOD["burst"]] == ["already_buzzed"] * (
        FLOOD["burst"] - 1)
    # the bucket refills FLOOD_RATE a second while the 60 go out (slower on a loaded machine)
    refilled = int(elapsed * FLOOD["rate"]) + 1
    assert set(errors[FLOOD["burst"]:]) <= {"rate_limited", "already_buzzed"}
    assert errors.count("rate_limited") >= 60 - FLOOD["burst"] - refilled
    assert all(a["message"] and a["message_zh"] for a in acks[1:])
    with app.app_context():
        assert len(store.command_log(cid)) == log_before + 1     # the one real buzz
        db.session.rollback()
    assert calm.buzz(qid)["ok"]                                  # its own bucket is full
    time.sleep(0.5)                                              # the bucket refills
    assert spammer.buzz(qid)["error"] == "already_buzzed"
    # the host is never flood-limited
    for i in range(30):
        ack = host.emit("host", {"action": "adjust_score", "team": c["teams"][2], "delta": 1,
                                 "reason": f"r{i}"}, callback=True)
        assert ack["ok"], ack


@pytest.fixture
def server(tmp_path):
    srv = ServerProcess(tmp_path / "instance")
    yield srv
    srv.stop()


def test_buzz_spam_against_the_real_server_changes_nothing_for_the_others(server, tmp_path,
                                                                          capsys):
    teams = ("刷屏队", "一队", "二队", "三队", "四队", "五队")
    made = server.create_contest(buzz_contest(teams), tmp_path)
    code = made["code"]
    server.start()
    clients = []
    try:
        host = Client(server.url, {"contest": code, "role": "host", "key": made["host_key"]})
        screen = Client(server.url, {"contest": code, "role": "screen"})
        clients += [host, screen]
        team_ids = [t["id"] for t in host.wait_version(0)["teams"]]
        spammer = join(server.url, code, team_ids[0], "刷屏")
        phones = [join(server.url, code, t, f"选手{i}") for i, t in enumerate(team_ids[1:])]
        clients += [spammer] + phones
        assert host.host("next")["ok"] and host.host("show_question")["ok"]
        qid = host.wait_version(2)["question"]["id"]
        assert host.host("open_buzzers", question=qid)["ok"]

        spam_acks, spam_sent, spam_started = [], 0, [0.0]
        stop = threading.Event()

        def spam():
            nonlocal spam_sent
            spam_started[0] = time.monotonic()
            end = spam_started[0] + 1.0
            while time.monotonic() < end and spam_sent < 400 and not stop.is_set():
                spammer.sio.emit("buzz", {"question": qid}, callback=spam_acks.append)
                spam_sent += 1
                time.sleep(1 / 350)

        others, latencies = [None] * len(phones), [None] * len(phones)

        def press(i):
            t0 = time.monotonic()
            others[i] = phones[i].call("buzz", {"question": qid})
            latencies[i] = time.monotonic() - t0

        spam_thread = threading.Thread(target=spam)
        spam_thread.start()
        time.sleep(0.3)                                  # the spam is in full swing
        threads = [threading.Thread(target=press, args=(i,)) for i in range(len(phones))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        spam_thread.join(15)
        end = time.monotonic() + 10
        while len(spam_acks) < spam_sent and time.monotonic() < end:
            time.sleep(0.05)
        assert all(o is not None and o["ok"] for o in others), others
        assert len(spam_acks) == spam_sent                  # every spam buzz was answered
        codes = {}
        for a in spam_acks:
            key = "ok" if a["ok"] else a["error"]
            codes[key] = codes.get(key, 0) + 1
        assert codes.get("ok", 0) <= 1 and set(codes) <= {"ok", "already_buzzed",
                                                          "rate_limited", "wrong_phase"}
        spam_seconds = time.monotonic() - spam_started[0]
        allowed = FLOOD["burst"] + int(spam_seconds * FLOOD["rate"]) + 2
        assert codes.get("rate_limited", 0) >= spam_sent - allowed
        last = max(o["version"] for o in others)
        snap = host.wait_version(last)
        buzzes = [b for b in snap["buzzes"] if not b["foul"]]
        assert [b["rank"] for b in buzzes].count(1) == 1            # exactly one winner
        by_team = [b["team"] for b in buzzes]
        assert len(by_team) == len(set(by_team))                     # one buzz per team
        assert set(team_ids[1:]) <= set(by_team)
        assert snap["turn"] == [b for b in buzzes if b["rank"] == 1][0]["team"]
        with capsys.disabled():
            lat = sorted(latencies)
            print(f"\n[buzz spam] spammer sent {spam_sent} buzzes in ~1 s; acks {codes}; "
                  f"others' ack latency min {lat[0] * 1000:.0f} ms, "
                  f"max {lat[-1] * 1000:.0f} ms")
    finally:
        close_all(clients)


def test_one_token_on_many_sockets_shares_one_flood_bucket(app, make_socket, make_contest):
    """Issue 19: one player's token on 100 sockets got 6,000 answers accepted in 12 s, since
    the bucket was per socket. Twenty sockets of one token now share the player's bucket
    (the cap on sockets per token, 3 by default, is lifted here to test the bucket alone)."""
    app.config["QUIZ_MAX_SOCKETS_PER_PLAYER"] = 100
    c = make_contest(contest_spec(teams=("红队", "蓝队"), rounds=[{
        "kind": "all_answer", "title": "全员答题", "settings": {"answer_time": 600},
        "questions": [question(stem="全员 1")]}]))
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    for action in ("next", "show_question"):
        assert host.emit("host", {"action": action}, callback=True)["ok"]
    qid = [m for m in host.get_received() if m["name"] == "state"][-1]["args"][0][
        "question"]["id"]
    flooder = TeamActions(make_socket, c["code"], c["teams"][0], "刷屏")
    sockets = [flooder.sock] + [make_socket(contest=c["code"], role="player",
                                            token=flooder.token) for _ in range(19)]
    started = time.monotonic()
    acks = [s.emit("answer", {"question": qid, "answer": ["B"]}, callback=True)
            for _ in range(5) for s in sockets]
    elapsed = time.monotonic() - started
    accepted = sum(1 for a in acks if a["ok"])
    assert accepted <= FLOOD["burst"] + int(elapsed * FLOOD["rate"]) + 1, accepted
    assert {a["error"] for a in acks if not a["ok"]} == {"rate_limited"}
    # another player's bucket is its own
    calm = TeamActions(make_socket, c["code"], c["teams"][1], "正常")
    assert calm.sock.emit("answer", {"question": qid, "answer": ["B"]}, callback=True)["ok"]


def test_a_token_holds_at_most_three_sockets_the_newest_win(make_socket, make_contest):
    c = make_contest(buzz_contest(("红队", "蓝队")))
    phone = TeamActions(make_socket, c["code"], c["teams"][0], "多开")
    more = [make_socket(contest=c["code"], role="player", token=phone.token)
            for _ in range(4)]
    assert [s.is_connected() for s in [phone.sock] + more] == [False, False, True, True, True]
    newest = more[-1]
    me = [m for m in newest.get_received() if m["name"] == "me"]
    assert me and me[-1]["args"][0]["player"] == phone.player
