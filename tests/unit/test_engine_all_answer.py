"""全员答题 all-answer: collecting, last answer counts, per player, bonus, partial, reveal."""
from __future__ import annotations

from quiz.engine import view
from tests.unit.test_engine_factories import Game, q, rnd, setup


def all_game(*questions, n_teams=4, **settings) -> Game:
    qs = list(questions) or [q(1, "single", ["B"]), q(2)]
    g = Game(setup([rnd(1, "all_answer", qs, **settings)], n_teams=n_teams))
    g.host("next")
    g.host("next")
    assert g.phase == "collecting"
    return g


def test_collecting_has_a_20_second_deadline_and_counts_answers():
    g = all_game()
    assert g.state["deadline"] == g.now + 20_000
    g.player(1, "answer", question=1, answer="B")
    g.player(2, "answer", question=1, answer="A")
    v = view(g.state, "player")
    assert v["answered_count"] == 2 and v.get("turn") is None and "answer" not in v


def test_last_answer_before_the_deadline_counts():
    g = all_game()
    g.player(1, "answer", question=1, answer="A")
    g.at(1_000).player(1, "answer", question=1, answer="B")
    g.player(2, "answer", question=1, answer="B")
    g.player(3, "answer", question=1, answer="C")
    assert g.scores() == {1: 100, 2: 100, 3: 100, 4: 100}     # nothing before reveal
    g.at(19_000)
    g.refused("too_late", "answer", as_team=4, question=1, answer="B")
    g.tick()
    assert g.phase == "closed"
    g.refused("too_late", "answer", as_team=4, question=1, answer="B")
    g.host("reveal", question=1)
    assert g.scores() == {1: 110, 2: 110, 3: 100, 4: 100}
    assert g.team(3)["wrong"] == 1 and g.team(4)["wrong"] == 0
    dist = view(g.state, "screen")["distribution"]
    assert dist == {"counts": {"A": 0, "B": 2, "C": 1, "D": 0}, "answered": 3, "right": 2}
    assert view(g.state, "player")["distribution"] == dist
    assert [e["kind"] for e in g.state["log"]] == ["all_answer"] * 3


def test_close_answers_early_then_reveal():
    g = all_game()
    g.player(1, "answer", question=1, answer="B")
    g.host("close_answers")
    assert g.phase == "closed" and g.state["deadline"] is None
    g.refused("too_late", "answer", as_team=2, question=1, answer="B")
    g.refused("wrong_phase", "close_answers")
    g.host("reveal", question=1)
    assert g.score(1) == 110


def test_reveal_while_collecting_closes_and_scores():
    g = all_game()
    g.player(1, "answer", question=1, answer="B")
    g.host("reveal", question=1)
    assert g.phase == "closed" and g.score(1) == 110


def test_per_player_scores_the_share_of_right_players():
    g = all_game(q(1, "single", ["B"], points=30), per="player")
    for pid, ans in ((1, "B"), (2, "B"), (3, "A")):
        g.player(1, "answer", pid=pid, question=1, answer=ans)
    g.player(2, "answer", pid=21, question=1, answer="A")
    g.player(2, "answer", pid=21, question=1, answer="B")     # a player's last answer counts
    g.host("reveal", question=1)
    assert g.score(1) == 120 and g.score(2) == 130
    assert view(g.state, "screen")["distribution"]["answered"] == 4


def test_per_player_needs_a_player_id():
    g = all_game(per="player")
    cmd = {"type": "answer", "actor": {"role": "player", "team": 1, "player": None, "name": ""},
           "question": 1, "answer": "B"}
    import pytest

    from quiz.engine import RuleError, apply
    with pytest.raises(RuleError) as err:
        apply(g.state, cmd, g.now)
    assert err.value.code == "bad_command"


def test_speed_bonus_is_linear_in_time_left():
    g = all_game(speed_bonus=10)
    g.player(1, "answer", question=1, answer="B")                 # 20 s left of 20: +10
    g.at(10_000).player(2, "answer", question=1, answer="B")      # 10 s left: +5
    g.at(9_000).player(3, "answer", question=1, answer="B")       # 1 s left: +0 (floored)
    g.host("reveal", question=1)
    assert g.scores() == {1: 120, 2: 115, 3: 110, 4: 100}


def test_multiple_choice_needs_the_exact_set_unless_partial_credit():
    g = all_game(q(1, "multiple", ["A", "B", "C"]))
    g.player(1, "answer", question=1, answer=["A", "B", "C"])
    g.player(2, "answer", question=1, answer=["A", "B"])
    g.player(3, "answer", question=1, answer=["A", "D"])
    g.host("reveal", question=1)
    assert g.scores() == {1: 110, 2: 100, 3: 100, 4: 100}
    g2 = all_game(q(1, "multiple", ["A", "B", "C"], points=15), partial_credit=True)
    g2.player(1, "answer", question=1, answer="ABC")
    g2.player(2, "answer", question=1, answer="AB")
    g2.player(3, "answer", question=1, answer="ABD")
    g2.host("reveal", question=1)
    assert g2.scores() == {1: 115, 2: 107, 3: 100, 4: 100}


def test_fill_blank_is_compared_after_normalization():
    g = all_game(q(1, "fill_blank", ["Yan'an", "延安"]))
    g.player(1, "answer", question=1, answer="  ＹＡＮ'ＡＮ ")
    g.player(2, "answer", question=1, answer="延安")
    g.player(3, "answer", question=1, answer="西安")
    g.host("reveal", question=1)
    assert g.scores() == {1: 110, 2: 110, 3: 100, 4: 100}
    assert view(g.state, "screen")["distribution"] == {"counts": {}, "answered": 3, "right": 2}


def test_true_false_answers_and_distribution():
    g = all_game(q(1, "true_false", ["false"]))
    g.player(1, "answer", question=1, answer="错")
    g.player(2, "answer", question=1, answer="true")
    g.refused("bad_command", "answer", as_team=3, question=1, answer="maybe")
    g.host("reveal", question=1)
    assert g.scores() == {1: 110, 2: 100, 3: 100, 4: 100}
    assert view(g.state, "player")["distribution"]["counts"] == {"true": 1, "false": 1}


def test_bad_answers_are_refused():
    g = all_game()
    g.refused("bad_command", "answer", as_team=1, question=1, answer="Z")
    g.refused("bad_command", "answer", as_team=1, question=1, answer="AB")
    g.refused("bad_command", "answer", as_team=1, question=1, answer=5)
    g.refused("bad_command", "answer", as_team=1, question=1, answer=["A"] * 20)
    g.refused("stale_question", "answer", as_team=1, question=2, answer="A")


def test_judge_is_refused_for_all_answer():
    g = all_game()
    g.refused("wrong_phase", "judge", question=1, team=1, correct=True)


def test_pause_stops_answers_and_the_clock():
    g = all_game()
    g.at(5_000).host("pause")
    assert g.state["paused_remaining_ms"] == 15_000 and g.state["deadline"] is None
    g.refused("paused", "answer", as_team=1, question=1, answer="B")
    g.at(100_000).tick()
    assert g.phase == "collecting"
    g.host("resume")
    assert g.state["deadline"] == g.now + 15_000
    g.player(1, "answer", question=1, answer="B")
