"""必答 compulsory rounds: turns, judging, phone answers, timeouts, order."""
from __future__ import annotations

import pytest

from quiz.engine import new_state
from tests.unit.test_engine_factories import Game, q, rnd, setup


def compulsory(*questions, n_teams=3, **settings) -> Game:
    qs = list(questions) or [q(i) for i in range(1, 7)]
    g = Game(setup([rnd(1, "compulsory", qs, **settings)], n_teams=n_teams))
    g.host("next")
    assert g.phase == "round_intro"
    return g


def test_questions_go_to_teams_in_seat_order():
    g = compulsory()
    turns = []
    for _ in range(6):
        g.host("next")
        turns.append(g.state["q"]["turn"])
        g.host("judge", question=g.qid, team=g.state["q"]["turn"], correct=True)
    assert turns == [1, 2, 3, 1, 2, 3]


def test_drawn_order_is_fixed_by_the_seed():
    def order(seed):
        s = setup([rnd(1, "compulsory", [q(i) for i in range(1, 5)], order="drawn")], n_teams=4)
        s["seed"] = seed
        g = Game(s)
        g.host("next")
        return g.state["progress"]["1"]["order"]

    assert order(1) == order(1)
    assert sorted(order(1)) == [1, 2, 3, 4]
    assert any(order(s) != [1, 2, 3, 4] for s in range(5))


def test_right_scores_default_10_and_wrong_nothing():
    g = compulsory()
    g.host("next")
    events = g.host("judge", question=g.qid, team=1, correct=True)
    assert events[0] == {"type": "judged", "team": 1, "correct": True, "delta": 10,
                         "timeout": False}
    assert g.score(1) == 110 and g.phase == "closed"
    g.host("next")
    g.host("judge", question=g.qid, team=2, correct=False)
    assert g.score(2) == 100
    assert g.team(2)["wrong"] == 1 and g.team(1)["right"] == 1


def test_question_points_and_configurable_penalty():
    g = compulsory(q(1, points=20), q(2), wrong_points=-5)
    g.host("next")
    g.host("judge", question=1, team=1, correct=True)
    g.host("next")
    g.host("judge", question=2, team=2, correct=False)
    assert g.scores() == {1: 120, 2: 95, 3: 100}


def test_only_the_team_whose_turn_it_is_may_answer():
    g = compulsory()
    g.host("next")
    g.refused("not_your_turn", "answer", as_team=2, question=g.qid, answer="A")
    g.refused("not_your_turn", "judge", question=g.qid, team=2, correct=True)


def test_phone_answer_is_auto_judged_for_choice():
    g = compulsory(q(1, "single", ["B"]), q(2, "true_false", ["false"]), q(3, "multiple",
                                                                          ["A", "C"]))
    g.host("next")
    g.player(1, "answer", question=1, answer="B")
    assert g.score(1) == 110 and g.phase == "closed"
    g.host("next")
    g.player(2, "answer", question=2, answer=["true"])
    assert g.score(2) == 100 and g.team(2)["wrong"] == 1
    g.host("next")
    g.player(3, "answer", question=3, answer="ca")
    assert g.score(3) == 110


def test_host_overrides_an_auto_judgement():
    g = compulsory(q(1, "single", ["B"]), wrong_points=-10)
    g.host("next")
    g.player(1, "answer", question=1, answer="A")
    assert g.score(1) == 90
    g.host("judge", question=1, team=1, correct=True)
    assert g.score(1) == 110
    kinds = [(e["kind"], e["delta"], e["undone"]) for e in g.state["log"]]
    assert kinds == [("judge", -10, True), ("undo", 10, False), ("judge", 10, False)]


def test_typed_answer_waits_for_the_host_and_stops_the_clock():
    g = compulsory(q(1, "fill_blank"))
    g.host("next")
    g.player(1, "answer", question=1, answer="something")
    assert g.state["deadline"] is None and g.phase == "answering"
    g.refused("already_answered", "answer", as_team=1, question=1, answer="again")
    g.at(60_000).tick()
    assert g.phase == "answering"
    g.host("judge", question=1, team=1, correct=True)
    assert g.score(1) == 110


def test_timeout_counts_as_wrong():
    g = compulsory(q(1), wrong_points=-10)
    g.host("next")
    assert g.state["deadline"] == g.now + 30_000
    g.at(29_999).tick()
    assert g.phase == "answering"
    events = g.at(1).tick()
    assert events[0]["timeout"] and events[0]["expired"]
    assert g.score(1) == 90 and g.phase == "closed"
    entry = g.state["log"][-1]
    assert entry["kind"] == "timeout" and entry["at"] == g.now


def test_time_limit_of_the_question_overrides_answer_time():
    g = compulsory(q(1, time_limit=5))
    g.host("next")
    assert g.state["deadline"] == g.now + 5_000


def test_late_answer_after_the_deadline_is_too_late():
    g = compulsory(q(1))
    g.host("next")
    g.at(31_000)
    g.refused("too_late", "answer", as_team=1, question=1, answer="A")
    assert g.phase == "answering"       # refused: the expiry waits for the tick
    g.tick()
    assert g.phase == "closed"


def test_stale_question_id_is_refused():
    g = compulsory()
    g.host("next")
    first = g.qid
    g.host("judge", question=first, team=1, correct=True)
    g.host("next")
    g.refused("stale_question", "judge", question=first, team=1, correct=True)
    g.refused("stale_question", "answer", as_team=2, question=first, answer="A")


def test_round_ends_then_contest_finishes():
    g = compulsory(q(1))
    g.host("next")
    g.host("judge", question=1, team=1, correct=True)
    g.host("next")
    assert g.phase == "round_end"
    events = g.host("next")
    assert g.phase == "finished" and events[0]["top"] == [1]


def test_show_a_chosen_question_and_refuse_a_shown_one():
    g = compulsory(q(1), q(2), q(3))
    g.host("show_question", question=3)
    assert g.qid == 3 and g.state["q"]["turn"] == 1
    g.host("judge", question=3, team=1, correct=False)
    g.refused("stale_question", "show_question", question=3)
    g.refused("unknown_question", "show_question", question=99)
    g.host("show_question")
    assert g.qid == 1 and g.state["q"]["turn"] == 2


def test_setup_defaults_are_filled():
    state = new_state(setup([rnd(1, "compulsory", [q(1)])]))
    assert state["rounds"][0]["settings"] == {
        "order": "seat", "answer_time": 30, "right_points": 10, "wrong_points": 0,
        "timeout_points": None, "foul_points": -10}


@pytest.mark.parametrize("bad", [{"order": "random"}, {"answer_time": 0}, {"nope": 1},
                                 {"answer_time": True}, {"wrong_points": 5}])
def test_bad_settings_are_refused(bad):
    from quiz.engine import RuleError

    with pytest.raises(RuleError) as err:
        new_state(setup([rnd(1, "compulsory", [q(1)], **bad)]))
    assert err.value.code == "bad_setup"
