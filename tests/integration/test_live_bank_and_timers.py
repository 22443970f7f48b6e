"""A contest drawing from the bank: swapping a question, tie-break questions, and deadlines."""
import os
import time

from question_bank import service
from quiz import startup
from quiz.live import runtime, timers
from tests.helpers import TeamActions, contest_spec


def latest(sock):
    got = [m["args"][0] for m in sock.get_received() if m["name"] == "state"]
    return got[-1] if got else None


def bank_contest(app, make_contest, rounds):
    with app.app_context():
        report = service.import_files([os.path.join(startup.DEMO_DIR, "demo_bank.csv")],
                                      bank="演示题库")
        assert report.refused is None
    return make_contest(contest_spec(rounds=rounds, bank="演示题库"))


def test_host_swaps_a_question_for_an_unused_one_of_the_same_type(app, make_contest,
                                                                   make_socket):
    c = bank_contest(app, make_contest, [
        {"kind": "buzz", "title": "抢答题", "draw": {"type": "single", "count": 2}}])
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    host.emit("host", {"action": "next"}, callback=True)
    host.emit("host", {"action": "show_question"}, callback=True)
    before = latest(host)["question"]
    ack = host.emit("host", {"action": "swap_question", "question": before["id"]},
                    callback=True)
    assert ack["ok"], ack
    after = latest(host)["question"]
    assert after["stem"] != before["stem"] and after["type"] == "single"
    assert after["bank_id"] != before["bank_id"]


def test_tiebreak_without_a_question_draws_one_from_the_bank(app, make_contest, make_socket):
    c = bank_contest(app, make_contest, [
        {"kind": "buzz", "title": "抢答题", "draw": {"type": "single", "count": 1}}])
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    host.emit("host", {"action": "finish"}, callback=True)
    ack = host.emit("host", {"action": "start_tiebreak", "teams": c["teams"][:2]},
                    callback=True)
    assert ack["ok"], ack
    snap = latest(host)
    assert snap["tiebreak"]["teams"] == c["teams"][:2] and snap["question"]["stem"]


def test_buzzers_open_by_themselves_and_time_runs_out(app, make_contest, make_socket):
    c = make_contest(contest_spec(rounds=[{
        "kind": "buzz", "title": "抢答题",
        "settings": {"auto_open_s": 1, "buzz_window": 1},
        "questions": [{"type": "single", "stem": "q", "options": ["a", "b"],
                       "answer": ["A"]}]}]))
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    phone = TeamActions(make_socket, c["code"], c["teams"][0])
    phone.sock.get_received()
    host.emit("host", {"action": "next"}, callback=True)
    host.emit("host", {"action": "show_question"}, callback=True)
    snap = latest(host)
    assert snap["phase"] == "reading" and snap["deadline"] > time.time() * 1000
    time.sleep(1.1)
    with app.app_context():
        assert timers.run_due() == 1            # the scheduler opens the buzzers
        assert runtime.get(c["code"]).state["phase"] == "open"
    time.sleep(0.25)                             # phones get it within the coalescing window
    assert latest(phone.sock)["phase"] == "open"
    time.sleep(1.1)
    with app.app_context():
        timers.run_due()                         # nobody buzzed: the question ends
        assert runtime.get(c["code"]).state["phase"] == "closed"
    assert latest(host)["phase"] == "closed"
