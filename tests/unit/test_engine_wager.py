"""风险 wager rounds: choosing order, values, levels, pass, judging, timeouts."""
from __future__ import annotations

from tests.unit.test_engine_factories import Game, q, rnd, setup, wager_questions


def wager_game(questions=None, n_teams=3, base_scores=None, **settings) -> Game:
    qs = wager_questions() if questions is None else questions
    g = Game(setup([rnd(1, "wager", qs, **settings)], n_teams=n_teams))
    for tid, score in (base_scores or {}).items():
        g.host("adjust_score", team=tid, delta=score - 100, reason="起始分")
    g.host("next")
    g.host("next")
    assert g.phase == "choosing"
    return g


def chooser(g: Game) -> int:
    return g.state["progress"]["1"]["chooser"]


def test_lowest_score_chooses_first_ties_by_seat():
    g = wager_game(base_scores={1: 120, 2: 90, 3: 90})
    assert chooser(g) == 2
    assert g.state["q"] is None


def test_chosen_value_gets_the_next_question_of_that_level():
    g = wager_game()
    g.player(1, "choose_wager", value=20)
    assert g.phase == "answering" and g.qid == 320 and g.state["q"]["value"] == 20
    assert g.state["q"]["turn"] == 1
    assert g.state["deadline"] == g.now + 60_000
    g.host("judge", question=320, team=1, correct=True)
    assert g.score(1) == 120
    assert g.state["log"][-1]["kind"] == "wager"


def test_wrong_and_timeout_lose_the_value():
    g = wager_game()
    g.player(1, "choose_wager", value=30)
    g.host("judge", question=g.qid, team=1, correct=False)
    assert g.score(1) == 70
    g.host("next")
    assert chooser(g) == 2          # 2 and 3 have taken no turn; 2 is the lower seat
    g.player(2, "choose_wager", value=10)
    g.at(60_000).tick()
    assert g.score(2) == 90 and g.state["log"][-1]["kind"] == "timeout"


def test_only_the_chooser_chooses():
    g = wager_game()
    g.refused("not_your_turn", "choose_wager", as_team=2, value=10)
    g.refused("bad_command", "choose_wager", as_team=1, value=15)
    g.refused("bad_command", "choose_wager", as_team=1, value=True)
    g.refused("forbidden", "choose_wager", as_team=1, value=10, team=2)


def test_host_chooses_on_behalf_of_a_team():
    g = wager_game()
    g.refused("not_your_turn", "choose_wager", team=2, value=10)
    g.host("choose_wager", team=1, value=10)
    assert g.state["q"]["turn"] == 1


def test_level_exhausted():
    g = wager_game(questions=wager_questions(per_level=1), n_teams=3)
    g.player(1, "choose_wager", value=10)
    g.host("judge", question=g.qid, team=1, correct=True)
    g.host("next")
    g.refused("level_exhausted", "choose_wager", as_team=2, value=10)
    assert g.state["phase"] == "choosing"


def test_pass_without_loss_and_pass_not_allowed():
    g = wager_game()
    g.player(1, "pass")
    assert g.score(1) == 100 and g.team(1)["passes"] == 1 and chooser(g) == 2
    g.player(2, "choose_wager", value=0)            # value 0 is a pass too
    assert g.team(2)["passes"] == 1 and chooser(g) == 3
    g2 = wager_game(allow_pass=False)
    g2.refused("pass_not_allowed", "pass", as_team=1)
    g2.refused("pass_not_allowed", "choose_wager", as_team=1, value=0)


def test_one_turn_each_per_cycle_then_the_round_ends():
    g = wager_game(n_teams=2, turns_per_team=2)
    order = []
    while g.phase == "choosing":
        team = chooser(g)
        order.append(team)
        g.player(team, "choose_wager", value=10 if len(order) < 3 else 20)
        g.host("judge", question=g.qid, team=team, correct=team == 1)
        g.host("next")
    assert order == [1, 2, 2, 1]      # cycle 2: team 2 (90) before team 1 (110)
    assert g.phase == "round_end"


def test_order_follows_current_scores_within_a_cycle():
    g = wager_game(n_teams=3)
    g.player(1, "choose_wager", value=30)
    g.host("judge", question=g.qid, team=1, correct=True)
    g.host("adjust_score", team=3, delta=-50, reason="扣分")
    g.host("next")
    assert chooser(g) == 3


def test_round_ends_when_no_question_is_left():
    g = wager_game(questions=[q(301, level=10)], n_teams=3)
    g.player(1, "choose_wager", value=10)
    g.host("judge", question=301, team=1, correct=True)
    g.host("next")
    assert g.phase == "round_end"


def test_wager_view_counts_levels_and_chooser():
    from quiz.engine import view

    g = wager_game()
    w = view(g.state, "player")["wager"]
    assert w == {"values": [10, 20, 30], "used": {"10": 0, "20": 0, "30": 0},
                 "left": {"10": 2, "20": 2, "30": 2}, "chooser": 1, "value": None}
    g.player(1, "choose_wager", value=30)
    w = view(g.state, "screen")["wager"]
    assert w["used"]["30"] == 1 and w["left"]["30"] == 1 and w["value"] == 30
    assert view(g.state, "screen")["question"]["points"] == 30


def test_show_question_is_refused_in_a_wager_round():
    g = wager_game()
    g.refused("wrong_phase", "show_question")
    g.refused("wrong_phase", "next")
