"""Score log, adjustments, step-by-step undo of each undoable kind, pause/resume, lobby."""
from __future__ import annotations

import copy

from tests.unit.test_engine_factories import Game, q, rnd, setup, wager_questions

SNAP = ("phase", "q", "teams", "progress", "tiebreak", "deadline")


def full_game() -> Game:
    return Game(setup([
        rnd(1, "compulsory", [q(1), q(2)], wrong_points=-10),
        rnd(2, "buzz", [q(11), q(12)]),
        rnd(3, "wager", wager_questions()),
        rnd(4, "all_answer", [q(31, "single", ["B"])]),
    ]))


def parts(g: Game) -> dict:
    return copy.deepcopy({k: g.state[k] for k in SNAP})


def assert_log_adds_up(g: Game) -> None:
    for t in g.state["teams"]:
        total = sum(e["delta"] for e in g.state["log"] if e["team"] == t["id"])
        assert t["score"] == 100 + total
        live = sum(e["delta"] for e in g.state["log"]
                   if e["team"] == t["id"] and not e["undone"] and e["kind"] != "undo")
        assert t["score"] == 100 + live


def test_adjust_score_logs_actor_reason_and_time():
    g = full_game()
    g.host("adjust_score", team=2, delta=-15, reason="  评委更正 ")
    entry = g.state["log"][-1]
    assert g.score(2) == 85
    assert entry == {"id": 1, "team": 2, "delta": -15, "kind": "adjust", "reason": "评委更正",
                     "actor": {"name": "主持人", "role": "host"}, "at": g.now, "round": None,
                     "question": None, "undone": False}


def test_adjust_score_limits():
    g = full_game()
    g.refused("bad_command", "adjust_score", team=1, delta=10001, reason="x")
    g.refused("bad_command", "adjust_score", team=1, delta=0, reason="x")
    g.refused("bad_command", "adjust_score", team=1, delta=5, reason="   ")
    g.refused("bad_command", "adjust_score", team=1, delta=5, reason="x" * 201)
    g.refused("bad_command", "adjust_score", team=1, delta=True, reason="x")
    g.refused("bad_command", "adjust_score", team=1, delta=2**70, reason="x")
    g.refused("unknown_team", "adjust_score", team=9, delta=5, reason="x")
    g.host("adjust_score", team=1, delta=-10000, reason="x")


def test_nothing_to_undo():
    g = full_game()
    g.refused("nothing_to_undo", "undo")


def test_undo_a_judgement_restores_the_question_for_rejudging():
    g = full_game()
    g.host("next")
    g.host("next")
    before = parts(g)
    g.at(3_000).host("judge", question=1, team=1, correct=False)
    assert g.score(1) == 90 and g.phase == "closed"
    events = g.at(1_000).host("undo")
    assert events[0] == {"type": "undone", "label": "judge", "teams": [1]}
    assert parts(g) == before
    assert g.phase == "answering" and g.state["q"]["turn"] == 1
    assert g.state["log"][0]["undone"] is True
    undo_entry = g.state["log"][-1]
    assert undo_entry["kind"] == "undo" and undo_entry["delta"] == 10
    assert undo_entry["reason"].startswith("撤销: ") and undo_entry["at"] == g.now
    g.host("judge", question=1, team=1, correct=True)
    assert g.score(1) == 110
    assert_log_adds_up(g)


def test_undo_a_timeout_drops_the_passed_deadline():
    g = full_game()
    g.host("next")
    g.host("next")
    g.at(30_000).tick()
    assert g.score(1) == 90
    g.host("undo")
    assert g.score(1) == 100 and g.phase == "answering" and g.state["deadline"] is None
    g.host("judge", question=1, team=1, correct=True)
    assert_log_adds_up(g)


def test_undo_an_adjustment_and_step_by_step():
    g = full_game()
    g.host("adjust_score", team=1, delta=5, reason="a")
    g.host("adjust_score", team=2, delta=7, reason="b")
    g.host("undo")
    assert g.scores() == {1: 105, 2: 100, 3: 100, 4: 100}
    g.host("undo")
    assert g.scores() == {1: 100, 2: 100, 3: 100, 4: 100}
    g.refused("nothing_to_undo", "undo")
    assert_log_adds_up(g)


def test_undo_a_foul_returns_the_lockout():
    g = full_game()
    g.host("start_round", round=2)
    g.host("next")
    g.player(3, "buzz", question=11)
    assert g.score(3) == 90 and g.state["q"]["locked_out"] == [3]
    g.host("undo")
    assert g.score(3) == 100 and g.state["q"]["locked_out"] == []
    assert g.team(3)["fouls"] == 0
    g.host("open_buzzers", question=11)
    g.player(3, "buzz", question=11)
    assert g.state["q"]["turn"] == 3
    assert len(g.state["buzz_log"]) == 2        # the history keeps the undone foul


def test_undo_a_wrong_buzz_judgement_closes_the_reopened_attempt():
    g = full_game()
    g.host("start_round", round=2)
    g.host("next")
    g.host("open_buzzers", question=11)
    g.player(1, "buzz", question=11)
    g.host("judge", question=11, team=1, correct=False)
    assert g.state["q"]["attempt"] == 2
    g.host("undo")
    assert g.state["q"]["attempt"] == 1 and g.state["q"]["turn"] == 1
    assert g.phase == "answering" and g.score(1) == 100


def test_undo_a_wager_judgement():
    g = full_game()
    g.host("start_round", round=3)
    g.host("next")
    g.player(1, "choose_wager", value=30)
    g.host("judge", question=g.qid, team=1, correct=False)
    assert g.score(1) == 70
    g.host("undo")
    assert g.score(1) == 100 and g.phase == "answering" and g.state["q"]["value"] == 30


def test_undo_an_all_answer_scoring():
    g = full_game()
    g.host("start_round", round=4)
    g.host("next")
    g.player(1, "answer", question=31, answer="B")
    g.player(2, "answer", question=31, answer="A")
    g.host("reveal", question=31)
    assert g.score(1) == 110
    events = g.host("undo")
    assert events[0]["label"] == "all_answer" and events[0]["teams"] == [1, 2]
    assert g.score(1) == 100 and not g.state["q"]["revealed"] and g.phase == "closed"
    assert g.state["q"]["answers"]["1"]["answer"] == ["B"]
    g.host("reveal", question=31)
    assert g.score(1) == 110
    assert_log_adds_up(g)


def test_undo_after_moving_on_goes_back_to_that_question():
    g = full_game()
    g.host("next")
    g.host("next")
    g.host("judge", question=1, team=1, correct=True)
    g.host("next")
    assert g.qid == 2
    g.host("undo")
    assert g.qid == 1 and g.phase == "answering" and g.score(1) == 100


def test_undo_depth_is_bounded():
    g = Game(setup([rnd(1, "buzz", [q(1)])], undo_depth=3))
    for i in range(5):
        g.host("adjust_score", team=1, delta=1, reason=str(i))
    assert len(g.state["undo"]) == 3
    for _ in range(3):
        g.host("undo")
    g.refused("nothing_to_undo", "undo")
    assert g.score(1) == 102


def test_pause_and_resume_keep_the_remaining_time():
    g = full_game()
    g.host("next")
    g.host("next")
    g.at(10_000).host("pause")
    assert g.state["paused"] and g.state["paused_remaining_ms"] == 20_000
    from quiz.engine import next_deadline
    assert next_deadline(g.state) is None
    g.refused("wrong_phase", "pause")
    g.refused("paused", "answer", as_team=1, question=1, answer="A")
    g.at(120_000).tick()
    assert g.phase == "answering"
    g.host("resume")
    assert g.state["deadline"] == g.now + 20_000 and next_deadline(g.state) == g.now + 20_000
    g.refused("wrong_phase", "resume")


def test_judging_while_paused_keeps_the_next_timer_frozen():
    g = full_game()
    g.host("start_round", round=2)
    g.host("next")
    g.host("open_buzzers", question=11)
    g.player(1, "buzz", question=11)
    g.host("pause")
    g.host("judge", question=11, team=1, correct=False)       # reopens with a frozen window
    assert g.phase == "open" and g.state["deadline"] is None
    assert g.state["paused_remaining_ms"] == 15_000
    g.refused("paused", "buzz", as_team=2, question=11)
    g.host("resume")
    assert g.state["deadline"] == g.now + 15_000


def test_undo_while_paused_stays_paused():
    g = full_game()
    g.host("next")
    g.host("next")
    g.at(1_000).host("judge", question=1, team=1, correct=True)
    g.host("pause")
    g.host("undo")
    assert g.state["paused"] and g.state["deadline"] is None
    assert g.state["paused_remaining_ms"] == 29_000


def test_lobby_lock_flag():
    g = full_game()
    assert g.host("lock_lobby") and g.state["lobby_locked"]
    version = g.state["version"]
    assert g.host("lock_lobby") == [] and g.state["version"] == version
    g.host("unlock_lobby")
    assert not g.state["lobby_locked"]


def test_finish_from_any_phase_and_nothing_after():
    g = full_game()
    g.host("next")
    g.host("next")
    g.host("finish")
    assert g.phase == "finished" and g.state["deadline"] is None
    g.refused("wrong_phase", "finish")
    g.refused("wrong_phase", "next")
    g.refused("wrong_phase", "start_round", round=2)
    g.host("adjust_score", team=2, delta=3, reason="赛后更正")
    assert g.score(2) == 103


def test_start_round_rules():
    g = full_game()
    g.refused("unknown_round", "start_round", round=99)
    g.refused("bad_command", "start_round", round="2")
    g.host("start_round", round=4)
    g.refused("stale_round", "start_round", round=4)
    g.host("next")
    g.refused("wrong_phase", "start_round", round=1)
    g.host("close_answers")
    g.host("start_round", round=1)
    assert g.state["round_index"] == 0


def test_undo_after_a_rejudgement_returns_to_the_first_ruling():
    """docs/rules.md: an undo returns to exactly before the undone action. Undoing a
    re-judgement gives back the question closed with the first ruling (not 'answering'), its
    score and log entries live again, and a second undo undoes that first ruling too."""
    g = full_game()
    g.host("next")
    g.host("next")
    answering = parts(g)
    g.host("judge", question=1, team=1, correct=False)
    first = parts(g)
    assert g.score(1) == 90 and g.phase == "closed"
    g.host("judge", question=1, team=1, correct=True)           # re-judged: right after all
    assert g.score(1) == 110 and g.phase == "closed"
    assert_log_adds_up(g)
    events = g.host("undo")
    assert events[0]["type"] == "undone" and events[0]["teams"] == [1]
    assert parts(g) == first and g.score(1) == 90 and g.phase == "closed"
    wrong = g.state["log"][0]
    assert wrong["kind"] == "judge" and wrong["delta"] == -10 and wrong["undone"] is False
    assert_log_adds_up(g)
    g.host("undo")                                               # and the first ruling
    assert parts(g) == answering and g.score(1) == 100 and g.phase == "answering"
    assert_log_adds_up(g)
    g.refused("nothing_to_undo", "undo")
    g.host("judge", question=1, team=1, correct=True)
    assert g.score(1) == 110
    assert_log_adds_up(g)
