"""The round-format registry: a toy format written in one module (below) is registered and
played through apply(); every registered format declares the whole interface; a format that
misses a part is refused at registration with the part named."""
from __future__ import annotations

import types

import pytest

from quiz.engine import formats, view
from quiz.engine.checks import grade, parse_answer
from quiz.engine.errors import RuleError
from quiz.engine.formats import common
from quiz.engine.state import (
    add_score,
    clear_deadline,
    ensure_not_paused,
    push_undo,
    q_settings,
    question,
    require_q,
    set_deadline,
)
from tests.unit.test_engine_factories import Game, q, rnd, setup

BUILT_IN = ["compulsory", "buzz", "wager", "all_answer", "tiebreak"]


# ---- the toy format: "first right answer wins double", in one module -------------------------

TOY_SOURCE = '''
"""先答翻倍 every team answers on its phone; at the reveal the first right answer scores
double the points, later right answers the points, wrong ones nothing."""
kind = "first_double"
labels = {"zh": "先答翻倍", "en": "First right wins double"}
in_rounds = True
defaults = {"answer_time": 20, "right_points": 10}
specs = {}
capabilities = {"buzzers": False, "wager": False, "tap_answer": True, "turn_answer": False,
                "countdown": True, "host_shows": True}
record = {"eligible": "all", "score_kind": "first_double"}


def show(state, q, now):
    seconds = q_settings(state)["answer_time"]
    q["duration_ms"] = seconds * 1000
    state["phase"] = "collecting"
    set_deadline(state, now + seconds * 1000, "first_double", now)
    return [{"type": "answers_open", "question": q["id"]}]


def close(state, at=None):
    state["phase"] = "closed"
    clear_deadline(state)
    return [{"type": "answers_closed", "question": state["q"]["id"]}]


def cmd_answer(state, cmd, now, team_id):
    q = require_q(state, cmd)
    ensure_not_paused(state)
    if state["phase"] != "collecting":
        raise RuleError("too_late", "answers are closed", "作答时间已过")
    if str(team_id) in q["answers"]:
        raise RuleError("already_answered", "one answer per team", "已经作答")
    answer = parse_answer(question(state, q["id"]), cmd.get("answer"))
    q["answers"][str(team_id)] = {"answer": answer, "at": now}
    return [{"type": "answer_received", "team": team_id}]


def cmd_close(state, cmd, now):
    if state["phase"] != "collecting":
        raise RuleError("wrong_phase", "no answers are being collected", "当前没有在收集答案")
    return close(state)


def reveal(state, actor, now):
    events = close(state) if state["phase"] == "collecting" else []
    q = state["q"]
    qdata = question(state, q["id"])
    points = common.question_points(state)
    rec = push_undo(state, kind, actor, now)
    results, first = [], True
    for tid, got in sorted(q["answers"].items(), key=lambda kv: kv[1]["at"]):
        right = grade(qdata, got["answer"]) == "right"
        delta = (2 * points if first else points) if right else 0
        first = first and not right
        add_score(state, int(tid), delta, kind, labels["zh"], actor, now, rec, q["id"])
        results.append({"team": int(tid), "delta": delta})
    return events + [{"type": "scored", "results": results}]


def legal(state):
    return {"close_answers"} if state["phase"] == "collecting" else set()


def view(state, role):
    q = state["q"]
    if q is None or q["kind"] != kind:
        return {}
    return {"answered_count": len(q["answers"])}


player_commands = {"answer": cmd_answer}
host_commands = {"close_answers": cmd_close}
expiries = {"first_double": close}
settings = common.round_settings
check_question = common.any_question
enter = common.no_preparation
advance = flow.advance_in_order
teams = common.everyone
points = common.question_points
wrong_points = common.settings_wrong_points
scored = common.always_scored
reason = common.plain_reason
on_right = common.nothing_more
'''


def toy_module(name: str = "first_double") -> types.ModuleType:
    """The toy format as a real module object (as if it were quiz/engine/formats/<name>.py)."""
    from quiz.engine import flow
    module = types.ModuleType(name)
    module.__dict__.update(
        common=common, flow=flow, RuleError=RuleError, grade=grade, parse_answer=parse_answer,
        add_score=add_score, clear_deadline=clear_deadline, push_undo=push_undo,
        ensure_not_paused=ensure_not_paused, q_settings=q_settings, question=question,
        require_q=require_q, set_deadline=set_deadline)
    exec(compile(TOY_SOURCE, f"<{name}>", "exec"), module.__dict__)
    return module


@pytest.fixture
def toy():
    module = formats.register(toy_module())
    yield module
    formats.unregister(module.kind)


def toy_game_with(**settings) -> Game:
    contest = setup([rnd(1, "first_double", [q(1, "single", ["B"]), q(2, "true_false")],
                         **settings)], n_teams=3)
    contest["base_score"] = 0
    return Game(contest)


def toy_game() -> Game:
    contest = setup([rnd(1, "first_double", [q(1, "single", ["B"]), q(2, "true_false")])],
                    n_teams=3)
    contest["base_score"] = 0
    return Game(contest)


def test_a_toy_format_plays_to_a_finished_round_with_its_standings(toy):
    g = toy_game()
    g.host("next")
    assert g.phase == "round_intro"
    g.host("next")
    assert g.phase == "collecting" and g.state["q"]["kind"] == "first_double"
    host = view(g.state, "host")
    assert host["capabilities"]["tap_answer"] and not host["capabilities"]["buzzers"]
    assert "close_answers" in host["legal"] and "open_buzzers" not in host["legal"]
    assert view(g.state, "player")["capabilities"] == {"tap_answer": True}
    g.at(1000).player(2, "answer", question=g.qid, answer="B")
    g.at(500).player(1, "answer", question=g.qid, answer="B")
    g.at(100).player(3, "answer", question=g.qid, answer="A")
    g.refused("already_answered", "answer", as_team=1, question=g.qid, answer="C")
    g.refused("wrong_phase", "buzz", as_team=3, question=g.qid)   # not a buzz-in question
    assert view(g.state, "screen")["answered_count"] == 3
    g.host("close_answers")
    g.host("reveal", question=g.qid)
    assert g.scores() == {1: 10, 2: 20, 3: 0}
    g.host("next")
    assert g.state["q"]["id"] == 2 and g.phase == "collecting"
    g.at(2000).player(3, "answer", question=g.qid, answer="对")
    g.at(20_000)
    g.tick()                                  # the toy's own deadline closes the answers
    assert g.phase == "closed"
    g.host("reveal", question=g.qid)
    assert g.scores() == {1: 10, 2: 20, 3: 20}
    g.host("next")
    assert g.phase == "round_end"
    g.host("next")
    final = view(g.state, "screen")["final"]
    assert [(r["team"], r["score"], r["rank"]) for r in final] == [(2, 20, 1), (3, 20, 1),
                                                                  (1, 10, 3)]


def test_a_toy_format_undoes_like_the_others(toy):
    g = toy_game()
    g.host("next")
    g.host("next")
    g.player(1, "answer", question=g.qid, answer="B")
    g.host("reveal", question=g.qid)
    assert g.score(1) == 20
    g.host("undo")
    assert g.score(1) == 0 and g.phase == "closed"


def test_an_unregistered_kind_is_refused_in_a_setup():
    with pytest.raises(RuleError) as err:
        toy_game()
    assert err.value.code == "bad_setup" and "kind" in err.value.message


def test_the_built_in_formats_are_registered_in_order_with_the_whole_interface():
    assert [f.kind for f in formats.all()] == BUILT_IN
    assert formats.round_kinds() == ("compulsory", "buzz", "wager", "all_answer")
    for fmt in formats.all():
        assert formats.get(fmt.kind) is fmt
        for part, (_what, ok) in formats.INTERFACE.items():
            assert ok(getattr(fmt, part)), (fmt.kind, part)
        assert set(fmt.capabilities) == set(formats.CAPABILITIES)


def test_a_format_missing_a_part_is_refused_naming_the_part():
    module = toy_module("half_done")
    del module.legal
    del module.expiries
    with pytest.raises(formats.FormatError) as err:
        formats.register(module)
    assert "does not declare" in str(err.value)
    assert "legal (" in str(err.value) and "expiries (" in str(err.value)
    assert "first_double" not in [f.kind for f in formats.all()]


def test_a_format_declaring_a_part_wrongly_is_refused():
    module = toy_module()
    module.capabilities = {"buzzers": True}          # the other capabilities are missing
    module.show = "not a function"
    with pytest.raises(formats.FormatError) as err:
        formats.register(module)
    assert "capabilities (" in str(err.value) and "show (" in str(err.value)


def test_a_setting_without_a_validator_is_refused():
    module = toy_module()
    module.defaults = dict(module.defaults, double_factor=2)
    with pytest.raises(formats.FormatError, match="double_factor"):
        formats.register(module)
    module.specs = {"double_factor": ("int", 1, 10)}
    formats.register(module)
    try:
        state = toy_game_with(double_factor=3).state
        assert state["rounds"][0]["settings"]["double_factor"] == 3
        with pytest.raises(RuleError, match="double_factor"):
            toy_game_with(double_factor=11)
    finally:
        formats.unregister(module.kind)


def test_a_taken_kind_is_refused():
    module = toy_module()
    module.kind = "buzz"
    with pytest.raises(formats.FormatError, match="already registered"):
        formats.register(module)
    assert formats.get("buzz").labels["zh"] == "抢答"


def test_a_registered_format_is_a_round_kind_with_its_own_defaults(toy):
    state = toy_game().state
    assert state["rounds"][0]["settings"] == {"answer_time": 20, "right_points": 10}
    with pytest.raises(RuleError) as err:
        Game(setup([rnd(1, "first_double", [q(1)], buzz_window=5)]))
    assert err.value.code == "bad_setup" and "buzz_window" in err.value.message
