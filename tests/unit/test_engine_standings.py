"""Standings ties and the 加赛 tie-break."""
from __future__ import annotations

from quiz.engine import standings, view
from tests.unit.test_engine_factories import Game, q, rnd, setup


def game(n_teams=4, **contest) -> Game:
    return Game(setup([rnd(1, "compulsory", [q(1), q(2)])], n_teams=n_teams, **contest))


def set_scores(g: Game, scores: dict) -> None:
    for tid, score in scores.items():
        if score != g.score(tid):
            g.host("adjust_score", team=tid, delta=score - g.score(tid), reason="设定")


def test_equal_scores_share_a_rank_ordered_by_seat():
    g = game()
    set_scores(g, {1: 90, 2: 120, 3: 90, 4: 120})
    rows = standings(g.state)
    assert [(r["team"], r["rank"]) for r in rows] == [(2, 1), (4, 1), (1, 3), (3, 3)]
    assert set(rows[0]) >= {"team", "name", "score", "rank", "right", "wrong", "fouls",
                            "passes", "tiebreak_wins", "seat", "color"}
    assert "1, 1, 3" in standings.__doc__ and "seat" in standings.__doc__


def tiebreak_game(**contest) -> Game:
    g = game(**contest)
    set_scores(g, {1: 120, 2: 120, 3: 80, 4: 50})
    g.host("next")
    g.host("next")
    g.host("judge", question=1, team=1, correct=True)
    g.host("adjust_score", team=2, delta=10, reason="同分")
    return g


def test_tiebreak_for_the_listed_teams_only():
    g = tiebreak_game()
    g.host("start_tiebreak", teams=[2, 1], question=q(900))
    assert g.phase == "reading" and g.state["tiebreak"]["teams"] == [1, 2]
    v = view(g.state, "screen")
    assert v["round"]["kind"] == "tiebreak" and v["tiebreak"]["teams"] == [1, 2]
    g.refused("not_in_tiebreak", "buzz", as_team=3, question=900)
    g.host("open_buzzers", question=900)
    g.refused("not_in_tiebreak", "buzz", as_team=3, question=900)
    g.player(2, "buzz", question=900)
    events = g.host("judge", question=900, team=2, correct=True)
    assert events[-1] == {"type": "tiebreak_won", "team": 2}
    assert g.score(2) == 130 and g.team(2)["tiebreak_wins"] == 1   # not added to the score
    rows = standings(g.state)
    assert [(r["team"], r["rank"]) for r in rows[:2]] == [(2, 1), (1, 2)]


def test_a_wrong_tiebreak_answer_costs_nothing_and_reopens_to_the_other():
    g = tiebreak_game()
    g.host("start_tiebreak", teams=[1, 2], question=q(900))
    g.host("open_buzzers", question=900)
    g.player(1, "buzz", question=900)
    g.host("judge", question=900, team=1, correct=False)
    assert g.score(1) == 130 and g.phase == "open"
    g.player(2, "buzz", question=900)
    g.host("judge", question=900, team=2, correct=False)
    assert g.phase == "closed" and g.state["tiebreak"]["winner"] is None
    g.host("start_tiebreak", teams=[1, 2], question=q(901))
    assert g.state["tiebreak"]["number"] == 2


def test_tiebreak_can_count_in_score():
    g = tiebreak_game(tiebreak_counts_in_score=True, tiebreak={"right_points": 20})
    g.host("start_tiebreak", teams=[1, 2], question=q(900))
    g.host("open_buzzers", question=900)
    g.player(1, "buzz", question=900)
    g.host("judge", question=900, team=1, correct=True)
    assert g.score(1) == 150


def test_tiebreak_refusals():
    g = tiebreak_game()
    g.refused("bad_command", "start_tiebreak", teams=[1], question=q(900))
    g.refused("bad_command", "start_tiebreak", teams=[1, 1], question=q(900))
    g.refused("unknown_team", "start_tiebreak", teams=[1, 9], question=q(900))
    g.refused("bad_command", "start_tiebreak", teams=[1, 2], question=q(1))
    g.refused("bad_command", "start_tiebreak", teams=[1, 2], question={"id": 5})
    g.host("next")
    g.refused("wrong_phase", "start_tiebreak", teams=[1, 2], question=q(900))


def test_next_after_a_tiebreak_continues_the_round():
    g = tiebreak_game()
    g.host("start_tiebreak", teams=[1, 2], question=q(900))
    g.host("reveal", question=900)
    g.host("next")
    assert g.qid == 2 and g.state["tiebreak"] is None and g.phase == "answering"


def test_tiebreak_after_the_finish_returns_to_the_final():
    g = tiebreak_game()
    g.host("finish")
    final = view(g.state, "player")["final"]
    assert [r["rank"] for r in final[:2]] == [1, 1]
    g.host("start_tiebreak", teams=[1, 2], question=q(900))
    g.refused("wrong_phase", "start_round", round=1)
    g.refused("wrong_phase", "show_question")
    g.host("open_buzzers", question=900)
    g.player(1, "buzz", question=900)
    g.host("judge", question=900, team=1, correct=True)
    g.host("next")
    assert g.phase == "finished"
    final = view(g.state, "screen")["final"]
    assert [(r["team"], r["rank"]) for r in final[:2]] == [(1, 1), (2, 2)]


def test_undo_a_tiebreak_win():
    g = tiebreak_game()
    g.host("start_tiebreak", teams=[1, 2], question=q(900))
    g.host("open_buzzers", question=900)
    g.player(1, "buzz", question=900)
    g.host("judge", question=900, team=1, correct=True)
    g.host("undo")
    assert g.team(1)["tiebreak_wins"] == 0 and g.state["tiebreak"]["winner"] is None
    assert g.phase == "answering"
