"""All-answer time limits that can be extended (WCAG 2.2.1): the contest's extra time and the
host's +15 s while answers are collected."""
from __future__ import annotations

import pytest

from quiz.engine import new_state
from quiz.engine.errors import RuleError
from quiz.engine.formats.all_answer import answer_seconds
from quiz.engine.legal import legal_commands
from tests.unit.test_engine_factories import Game, q, rnd, setup


def game(extra: str | None = None, time_limit=None, **settings) -> Game:
    contest = {} if extra is None else {"extra_time": extra}
    questions = [q(1, "single", ["B"], time_limit=time_limit), q(2)]
    g = Game(setup([rnd(1, "all_answer", questions, **settings)], **contest))
    g.host("next")
    g.host("next")
    assert g.phase == "collecting"
    return g


@pytest.mark.parametrize(("base", "extra", "seconds"), [
    (20, "0", 20), (20, "50", 30), (20, "100", 40), (15, "50", 23), (1, "50", 2), (7, "100", 14),
])
def test_answer_seconds_adds_the_extra_percent_rounded_up(base, extra, seconds):
    assert answer_seconds(base, extra) == seconds


def test_an_unknown_extra_is_no_extra():
    assert answer_seconds(20, "") == 20


@pytest.mark.parametrize(("extra", "ms"), [(None, 20_000), ("0", 20_000), ("50", 30_000),
                                           ("100", 40_000)])
def test_the_contest_extra_time_lengthens_every_all_answer_deadline(extra, ms):
    g = game(extra)
    assert g.state["deadline"] == g.now + ms
    assert g.state["q"]["duration_ms"] == ms


def test_a_question_s_own_time_limit_is_extended_too():
    g = game("50", time_limit=10)
    assert g.state["deadline"] == g.now + 15_000


def test_a_bad_extra_time_is_refused_at_setup():
    with pytest.raises(RuleError) as err:
        new_state(setup([rnd(1, "all_answer", [q(1)])], extra_time="30"))
    assert err.value.code == "bad_setup" and "extra_time" in err.value.message


def test_add_time_moves_the_deadline_for_everyone_and_undo_takes_it_back():
    g = game()
    start = g.now
    assert "add_time" in legal_commands(g.state)
    g.at(5_000).host("add_time")
    assert g.state["deadline"] == start + 35_000
    assert g.state["q"]["duration_ms"] == 35_000
    g.at(20_000).tick()                      # past the first deadline: still collecting
    assert g.phase == "collecting"
    g.player(1, "answer", question=1, answer="B")
    g.host("undo")                           # undo the +15 s: the old deadline, now passed
    assert g.state["q"]["duration_ms"] == 20_000
    assert g.state["deadline"] is None or g.state["deadline"] <= start + 20_000


def test_add_time_twice_adds_thirty_seconds():
    g = game("100")
    g.host("add_time")
    g.host("add_time")
    assert g.state["deadline"] == g.now + 70_000


def test_add_time_while_paused_adds_to_the_frozen_remainder():
    g = game()
    g.at(4_000).host("pause")
    g.host("add_time")
    assert g.state["paused_remaining_ms"] == 31_000
    g.at(60_000).host("resume")
    assert g.state["deadline"] == g.now + 31_000


def test_add_time_only_while_answers_are_collected():
    g = game()
    g.host("close_answers")
    assert "add_time" not in legal_commands(g.state)
    g.refused("wrong_phase", "add_time")


def test_a_phone_may_not_add_time():
    g = game()
    g.refused("forbidden", "add_time", as_team=1)
