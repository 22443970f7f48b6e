"""抢答 buzz-in: reading, opening, fouls, arbitration, judging, reopen, timeouts."""
from __future__ import annotations

from tests.unit.test_engine_factories import Game, q, rnd, setup


def buzz_game(*questions, n_teams=4, **settings) -> Game:
    qs = list(questions) or [q(i) for i in range(1, 5)]
    g = Game(setup([rnd(1, "buzz", qs, **settings)], n_teams=n_teams))
    g.host("next")
    g.host("next")
    assert g.phase == "reading"
    return g


def opened(*questions, **settings) -> Game:
    g = buzz_game(*questions, **settings)
    g.host("open_buzzers", question=g.qid)
    return g


def test_show_reads_then_open_sets_the_buzz_window():
    g = buzz_game()
    assert g.state["deadline"] is None
    g.at(5_000).host("open_buzzers", question=g.qid)
    assert g.phase == "open" and g.state["deadline"] == g.now + 15_000
    assert g.state["q"]["attempt"] == 1


def test_first_buzz_gets_the_turn_and_later_buzzes_are_listed():
    g = opened()
    opened_at = g.now
    g.at(120).player(3, "buzz", question=g.qid)
    assert g.phase == "answering" and g.state["q"]["turn"] == 3
    assert g.state["deadline"] == g.now + 30_000
    g.at(38).player(1, "buzz", question=g.qid)
    g.at(2).player(2, "buzz", question=g.qid)
    buzzes = g.state["q"]["buzzes"]
    assert [(b["team"], b["rank"], b["ms_after_open"], b["ms_behind_first"]) for b in buzzes] == \
        [(3, 1, 120, 0), (1, 2, 158, 38), (2, 3, 160, 40)]
    assert all(b["at"] >= opened_at for b in buzzes)
    assert g.state["q"]["turn"] == 3
    assert len(g.state["buzz_log"]) == 3 and g.state["buzz_log"][0]["question"] == g.qid


def test_one_buzz_per_team_per_attempt():
    g = opened()
    g.player(1, "buzz", question=g.qid)
    g.refused("already_buzzed", "buzz", as_team=1, question=g.qid)
    g.player(2, "buzz", question=g.qid)
    g.refused("already_buzzed", "buzz", as_team=2, question=g.qid)


def test_buzz_before_opening_is_a_foul_with_lockout():
    g = buzz_game()
    events = g.player(2, "buzz", question=g.qid)
    assert events[0]["type"] == "foul" and events[0]["delta"] == -10
    assert g.score(2) == 90 and g.team(2)["fouls"] == 1
    assert g.state["q"]["locked_out"] == [2] and g.phase == "reading"
    assert g.state["log"][-1]["kind"] == "foul"
    g.refused("locked_out", "buzz", as_team=2, question=g.qid)
    g.host("open_buzzers", question=g.qid)
    g.refused("locked_out", "buzz", as_team=2, question=g.qid)
    g.player(1, "buzz", question=g.qid)
    assert g.state["q"]["turn"] == 1


def test_foul_penalty_and_lockout_are_settings():
    g = buzz_game(foul_points=-5, foul_lockout=False)
    g.player(2, "buzz", question=g.qid)
    assert g.score(2) == 95
    g.refused("already_buzzed", "buzz", as_team=2, question=g.qid)   # no double penalty
    g.host("open_buzzers", question=g.qid)
    g.player(2, "buzz", question=g.qid)
    assert g.state["q"]["turn"] == 2


def test_right_answer_scores_and_closes():
    g = opened(q(1), q(2, points=20))
    g.player(1, "buzz", question=1)
    g.host("judge", question=1, team=1, correct=True)
    assert g.score(1) == 110 and g.phase == "closed" and g.state["q"]["outcome"] == "right"
    g.host("next")
    g.host("open_buzzers", question=2)
    g.player(1, "buzz", question=2)
    g.host("judge", question=2, team=1, correct=True)
    assert g.score(1) == 130


def test_wrong_answer_reopens_to_the_others():
    g = opened()
    g.player(1, "buzz", question=g.qid)
    g.at(1_000)
    events = g.host("judge", question=g.qid, team=1, correct=False)
    assert g.score(1) == 90
    assert [e["type"] for e in events] == ["judged", "buzzers_open"]
    assert g.phase == "open" and g.state["q"]["attempt"] == 2
    assert g.state["q"]["locked_out"] == [1]
    assert g.state["deadline"] == g.now + 15_000
    g.refused("locked_out", "buzz", as_team=1, question=g.qid)
    g.refused("stale_question", "buzz", as_team=2, question=g.qid, attempt=1)
    g.player(2, "buzz", question=g.qid)
    assert g.state["q"]["turn"] == 2
    assert g.state["q"]["buzzes"][-1]["rank"] == 1


def test_no_reopen_when_the_setting_is_off():
    g = opened(reopen_after_wrong=False)
    g.player(1, "buzz", question=g.qid)
    g.host("judge", question=g.qid, team=1, correct=False)
    assert g.phase == "closed" and g.state["q"]["outcome"] == "wrong"


def test_everyone_wrong_closes_the_question():
    g = Game(setup([rnd(1, "buzz", [q(1)])], n_teams=2))
    g.host("next")
    g.host("next")
    g.host("open_buzzers", question=1)
    for t in (1, 2):
        g.player(t, "buzz", question=1)
        g.host("judge", question=1, team=t, correct=False)
    assert g.phase == "closed" and g.scores() == {1: 90, 2: 90}


def test_nobody_buzzes_the_question_ends_unanswered():
    g = opened()
    g.at(15_000).tick()
    assert g.phase == "closed" and g.state["q"]["outcome"] == "unanswered"
    assert g.scores() == {1: 100, 2: 100, 3: 100, 4: 100}


def test_answer_timeout_costs_points_and_reopens():
    g = opened(timeout_points=-20)
    g.player(4, "buzz", question=g.qid)
    g.at(30_000).tick()
    assert g.score(4) == 80 and g.phase == "open" and g.state["q"]["locked_out"] == [4]
    assert g.state["log"][-1]["kind"] == "timeout"


def test_late_ticks_replay_each_deadline_at_its_own_time():
    g = opened(timeout_points=-20)
    t_open = g.now
    g.player(4, "buzz", question=g.qid)
    g.at(100_000).tick()            # timeout at +30 s, reopen, window ends at +45 s
    assert g.phase == "closed"
    assert g.state["log"][-1]["at"] == t_open + 30_000


def test_auto_open_after_reading_time():
    g = buzz_game(auto_open_s=3)
    assert g.state["deadline"] == g.now + 3_000
    g.at(3_000).player(2, "buzz", question=g.qid)   # the due opening applies first
    assert g.phase == "answering" and g.state["q"]["turn"] == 2
    assert g.score(2) == 100
    assert g.state["q"]["buzzes"][0]["ms_after_open"] == 0


def test_close_buzzers_ends_the_question():
    g = opened()
    g.host("close_buzzers")
    assert g.phase == "closed"
    g.refused("too_late", "buzz", as_team=1, question=g.qid)
    g.refused("wrong_phase", "close_buzzers")


def test_host_foul_by_hand_once_per_team():
    g = opened()
    g.host("foul", team=3, question=g.qid)
    assert g.score(3) == 90 and 3 in g.state["q"]["locked_out"]
    g.refused("already_fouled", "foul", team=3, question=g.qid)
    g.refused("unknown_team", "foul", team=99, question=g.qid)


def test_judge_needs_the_team_with_the_turn():
    g = opened()
    g.refused("wrong_phase", "judge", question=g.qid, team=1, correct=True)
    g.player(1, "buzz", question=g.qid)
    g.refused("not_your_turn", "judge", question=g.qid, team=2, correct=True)
    g.refused("bad_command", "judge", question=g.qid, team=1, correct=1)


def test_reveal_while_reading_ends_the_question():
    g = buzz_game()
    g.host("reveal", question=g.qid)
    assert g.phase == "closed" and g.state["q"]["revealed"]
    g.refused("already_revealed", "reveal", question=g.qid)


def test_reveal_refused_while_a_team_answers():
    g = opened()
    g.player(1, "buzz", question=g.qid)
    g.refused("wrong_phase", "reveal", question=g.qid)


def test_next_skips_an_unopened_question():
    g = buzz_game(q(1), q(2))
    g.host("next")
    assert g.qid == 2 and g.phase == "reading"


def test_swap_question_before_it_is_opened():
    g = buzz_game(q(1), q(2))
    g.host("swap_question", question=2, replacement=q(20, stem="新题"))
    assert g.state["rounds"][0]["question_ids"] == [1, 20]
    g.host("swap_question", question=1, replacement=q(10))
    assert g.qid == 10
    g.host("open_buzzers", question=10)
    g.refused("stale_question", "swap_question", question=10, replacement=q(11))
    g.refused("bad_command", "swap_question", question=20, replacement=q(10))
    g.refused("unknown_question", "swap_question", question=77, replacement=q(78))


def test_answer_on_phone_after_a_buzz_is_auto_judged():
    g = opened(q(1, "single", ["C"]))
    g.player(2, "buzz", question=1)
    g.refused("not_your_turn", "answer", as_team=3, question=1, answer="C")
    g.player(2, "answer", question=1, answer="C")
    assert g.score(2) == 110 and g.phase == "closed"


def test_already_buzzed_matches_what_apply_refuses():
    import pytest

    from quiz.engine import RuleError, already_buzzed

    g = Game(setup([rnd(1, "buzz", [q(1), q(2)])]))
    g.host("next")
    g.host("show_question")
    assert not already_buzzed(g.state, 1, 1)
    g.player(1, "buzz", question=1)                  # early: a foul
    assert already_buzzed(g.state, 1, 1) and not already_buzzed(g.state, 2, 1)
    g.host("open_buzzers", question=1)
    g.player(2, "buzz", question=1)
    assert already_buzzed(g.state, 2, 1) and not already_buzzed(g.state, 2, 99)
    with pytest.raises(RuleError) as err:
        g.player(2, "buzz", question=1)
    assert err.value.code == "already_buzzed"
