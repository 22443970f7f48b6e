"""Personal points of per-player all-answer rounds: credits, totals, ranks, undo, the board."""
from __future__ import annotations

import copy

from quiz.engine import view
from quiz.engine.standings import player_standings
from quiz.engine.state import restore, snapshot
from tests.unit.test_engine_factories import Game, q, rnd, setup


def per_player_game(board=True, n_questions=2) -> Game:
    qs = [q(i, "single", ["B"], points=10) for i in range(1, n_questions + 1)]
    g = Game(setup([rnd(1, "all_answer", qs, per="player")], n_teams=3, player_board=board))
    g.host("next")
    g.host("next")
    return g


def answer(g: Game, qid: int, picks: dict) -> None:
    for (team, pid), pick in picks.items():
        g.player(team, "answer", pid=pid, question=qid, answer=pick)
    g.host("reveal", question=qid)


def test_each_players_credit_is_recorded_per_question():
    g = per_player_game()
    answer(g, 1, {(1, 11): "B", (1, 12): "A", (2, 21): "B"})
    players, got = g.state["players"], g.state["q"]["answers"]
    assert got["1"]["11"]["credit"] == 10 and players["11"]["points"] == 10
    assert got["1"]["12"]["credit"] == 0 and players["12"]["right"] == 0
    assert players["21"]["team"] == 2 and players["21"]["name"] == "p2"
    assert g.score(1) == 105 and g.score(2) == 110          # the team: mean of its players


def test_totals_and_shared_ranks_over_questions():
    g = per_player_game()
    answer(g, 1, {(1, 11): "B", (1, 12): "A", (2, 21): "B", (3, 31): "A"})
    g.host("next")
    answer(g, 2, {(1, 11): "B", (1, 12): "B", (2, 21): "B", (3, 31): "A"})
    rows = player_standings(g.state)
    assert [(r["player"], r["points"], r["rank"]) for r in rows] == [
        (11, 20, 1), (21, 20, 1), (12, 10, 3), (31, 0, 4)]
    assert rows[0]["answered"] == 2 and rows[2]["right"] == 1


def test_undo_of_the_scoring_takes_the_personal_points_back():
    g = per_player_game()
    answer(g, 1, {(1, 11): "B", (2, 21): "A"})
    assert g.state["players"]["11"]["points"] == 10
    g.host("undo")
    assert g.state["players"] == {} and player_standings(g.state) == []
    assert "credit" not in g.state["q"]["answers"]["1"]["11"]
    g.host("reveal", question=1)                              # scored again: once
    assert g.state["players"]["11"]["points"] == 10
    assert g.state["q"]["answers"]["1"]["11"]["credit"] == 10


def test_team_rounds_record_no_personal_points():
    g = Game(setup([rnd(1, "all_answer", [q(1, "single", ["B"])])], player_board=True))
    g.host("next")
    g.host("next")
    g.player(1, "answer", question=1, answer="B")
    g.host("reveal", question=1)
    assert g.state["players"] == {}


def test_the_board_is_on_the_projector_only_when_the_setting_is_on():
    g = per_player_game(board=True)
    answer(g, 1, {(1, 11): "B", (2, 21): "A"})
    board = view(g.state, "screen")["player_board"]
    assert [(r["name"], r["team"], r["points"], r["rank"]) for r in board] == [
        ("p1", 1, 10, 1), ("p2", 2, 0, 2)]
    phone = view(g.state, "player")
    assert phone["personal"] is True and "player_board" not in phone
    off = per_player_game(board=False)
    answer(off, 1, {(1, 11): "B"})
    assert view(off.state, "screen")["player_board"] is None
    assert "personal" not in view(off.state, "player")


def test_the_board_shows_the_top_ten():
    g = per_player_game()
    answer(g, 1, {(1 + i % 3, 100 + i): "B" if i % 2 else "A" for i in range(14)})
    board = view(g.state, "screen")["player_board"]
    assert len(board) == 10 and all(r["points"] == 10 for r in board[:7])
    assert board[7]["rank"] == 8 and board[7]["points"] == 0


def test_a_state_stored_before_personal_points_still_undoes():
    g = per_player_game()
    old = copy.deepcopy(g.state)
    del old["players"]
    snap = snapshot(old)
    assert snap["players"] == {}
    old["players"] = {"5": {}}
    del snap["players"]
    restore(old, snap)
    assert old["players"] == {}
