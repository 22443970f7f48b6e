"""Hostile and malformed commands: only RuleError, and the state is left untouched."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.engine import HOST_COMMANDS, PLAYER_COMMANDS, RuleError, apply, new_state
from tests.unit.test_engine_factories import HOST, Game, player, q, rnd, setup, wager_questions

TYPES = sorted(HOST_COMMANDS | PLAYER_COMMANDS | {"tick"}) + ["", "drop_table", "__class__"]
FIELDS = ["question", "team", "correct", "answer", "value", "round", "delta", "reason",
          "replacement", "teams", "attempt", "player"]


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.integers(-3, 40), st.floats(allow_nan=True), st.text(max_size=8),
                    st.sampled_from(["A", "B", "AC", "true", "x" * 300, 320, 11, 31]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3),
                   st.dictionaries(st.sampled_from(["id", "type", "stem", "answer", "x"]),
                                   SCALARS, max_size=3))
ACTORS = st.one_of(
    st.sampled_from([HOST, player(1), player(2), player(3), player(99),
                     {"role": "system"}, {"role": "judge"}, {}, None, "host",
                     {"role": "player", "team": True}, {"role": "player", "team": None},
                     {"role": "host", "name": 5}]),
    st.dictionaries(st.sampled_from(["role", "team", "player", "name"]),
                    st.one_of(SCALARS, st.sampled_from(["host", "player", "system"])),
                    max_size=4))
FIELD_VALUES = st.one_of(VALUES, st.integers(1, 40))
COMMANDS = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(TYPES), VALUES), "actor": ACTORS},
    optional={key: FIELD_VALUES for key in FIELDS})
NO_ACTOR = st.fixed_dictionaries({"type": st.sampled_from(TYPES)},
                                 optional={key: FIELD_VALUES for key in FIELDS[:4]})


def commands():
    return st.one_of(COMMANDS, NO_ACTOR)


def busy_states() -> list[dict]:
    """States in each phase the commands are thrown at."""
    out = []
    g = Game(setup([rnd(1, "compulsory", [q(1), q(2, "fill_blank")]),
                    rnd(2, "buzz", [q(11), q(12)]),
                    rnd(3, "wager", wager_questions(per_level=1)),
                    rnd(4, "all_answer", [q(31, "multiple"), q(32)], per="player")]),
             check_leaks=False)
    steps = [("host", "next"), ("host", "next"), ("host", "judge", {"question": 1, "team": 1,
                                                                    "correct": False}),
             ("host", "start_round", {"round": 2}), ("host", "next"),
             ("host", "open_buzzers", {"question": 11}), ("p", 2, "buzz", {"question": 11}),
             ("host", "pause"),
             ("host", "resume"), ("host", "judge", {"question": 11, "team": 2, "correct": True}),
             ("host", "start_round", {"round": 3}), ("host", "next"),
             ("host", "pass", {"team": 1}),
             ("host", "choose_wager", {"team": 3, "value": 20}),
             ("host", "judge", {"question": 320, "team": 3, "correct": True}), ("host", "next"),
             ("host", "start_round", {"round": 4}), ("host", "next")]
    for step in steps:
        if step[0] == "host":
            g.host(step[1], **(step[2] if len(step) > 2 else {}))
        else:
            g.player(step[1], step[2], **step[3])
        out.append(json.loads(json.dumps(g.state)))
    return out


STATES = busy_states()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(STATES))), commands(), st.integers(0, 120_000))
def test_random_commands_only_raise_rule_errors_and_never_change_state_on_error(i, cmd, dt):
    state = json.loads(json.dumps(STATES[i]))
    before = json.dumps(state, sort_keys=True)
    now = 1_700_000_000_000 + dt + 10**7
    try:
        events = apply(state, cmd, now)
    except RuleError as err:
        assert isinstance(err.code, str) and err.message and err.message_zh
        assert json.dumps(state, sort_keys=True) == before
    else:
        assert isinstance(events, list)
        assert json.loads(json.dumps(state)) == state


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands(), max_size=12))
def test_random_command_sequences_keep_the_state_json_safe(cmds):
    state = json.loads(json.dumps(STATES[4]))
    now = 1_700_000_000_000
    for cmd in cmds:
        now += 5_000
        try:
            apply(state, cmd, now)
        except RuleError:
            pass
        assert json.loads(json.dumps(state)) == state


@pytest.mark.parametrize("cmd", [
    None, [], "next", 5, {}, {"type": "next"}, {"type": "next", "actor": None},
    {"type": "next", "actor": {"role": "root"}}, {"type": 5, "actor": HOST},
    {"type": "nope", "actor": HOST}, {"type": "next", "actor": {"role": "host", "team": "x"}},
    {"type": "next", "actor": {"role": "host", "name": "x" * 101}},
])
def test_malformed_commands_are_bad_commands(cmd):
    g = Game(setup([rnd(1, "buzz", [q(1)])]))
    with pytest.raises(RuleError) as err:
        apply(g.state, cmd, g.now)
    assert err.value.code == "bad_command"


def test_bad_now_is_refused():
    g = Game(setup([rnd(1, "buzz", [q(1)])]))
    for now in (None, 1.5, True, -1, 2**60):
        with pytest.raises(RuleError):
            apply(g.state, {"type": "tick", "actor": HOST}, now)


@pytest.mark.parametrize("ctype", sorted(HOST_COMMANDS - PLAYER_COMMANDS))
def test_players_may_not_send_host_commands(ctype):
    g = Game(setup([rnd(1, "buzz", [q(1)])]))
    g.refused("forbidden", ctype, as_team=1)


@pytest.mark.parametrize("ctype", ["buzz", "answer"])
def test_host_may_not_buzz_or_answer(ctype):
    g = Game(setup([rnd(1, "buzz", [q(1)])]))
    g.refused("forbidden", ctype, question=1)


def test_player_tick_is_forbidden_and_unknown_team_refused():
    g = Game(setup([rnd(1, "buzz", [q(1)])]))
    g.refused("forbidden", "tick", as_team=1)
    g.host("next")
    g.host("next")
    g.refused("unknown_team", "buzz", as_team=99, question=1)
    with pytest.raises(RuleError) as err:
        apply(g.state, {"type": "buzz", "actor": {"role": "player"}, "question": 1}, g.now)
    assert err.value.code == "forbidden"


def test_rule_error_to_dict():
    err = RuleError("not_your_turn", "not yet")
    assert err.to_dict() == {"code": "not_your_turn", "message": "not yet",
                             "message_zh": "还没轮到你们"}


def test_same_commands_same_times_give_the_same_state():
    def play() -> dict:
        g = Game(setup([rnd(1, "compulsory", [q(i) for i in range(1, 5)], order="drawn"),
                        rnd(2, "buzz", [q(11), q(12)], auto_open_s=2)]), check_leaks=False)
        g.host("next")
        g.host("next")
        g.at(31_000).tick()
        g.host("next")
        g.host("judge", question=g.qid, team=g.state["q"]["turn"], correct=True)
        g.host("start_round", round=2)
        g.host("next")
        g.at(2_500).player(3, "buzz", question=11)
        g.host("judge", question=11, team=3, correct=False)
        g.at(20_000).tick()
        g.host("undo")
        return g.state

    assert json.dumps(play(), sort_keys=True) == json.dumps(play(), sort_keys=True)


def test_replaying_the_command_log_rebuilds_the_state():
    g = Game(setup([rnd(1, "buzz", [q(1), q(2)])]), check_leaks=False)
    log = []
    original = g.send

    def recording(cmd):
        events = original(cmd)
        if events:
            log.append((cmd, g.now))
        return events

    g.send = recording
    g.host("next")
    g.host("next")
    g.player(2, "buzz", question=1)
    g.host("open_buzzers", question=1)
    g.at(700).player(1, "buzz", question=1)
    g.at(40_000).tick()
    g.host("next")
    g.host("adjust_score", team=4, delta=5, reason="x")
    rebuilt = new_state(setup([rnd(1, "buzz", [q(1), q(2)])]))
    for cmd, at in log:
        apply(rebuilt, cmd, at)
    assert rebuilt == g.state


BAD_SETUPS = [
    None, {"teams": []}, {"teams": [{"id": 1, "name": "a", "color": "red", "seat": 1}]},
    {"teams": [{"id": 1, "name": "a", "seat": 1}, {"id": 1, "name": "b", "seat": 2}]},
    {"teams": [{"id": 1, "name": " ", "seat": 1}]},
    {"teams": [{"id": True, "name": "a", "seat": 1}]},
]


@pytest.mark.parametrize("bad", BAD_SETUPS)
def test_bad_teams_are_refused(bad):
    with pytest.raises(RuleError) as err:
        new_state(bad)
    assert err.value.code == "bad_setup"


@pytest.mark.parametrize("question", [
    {"id": 1, "type": "single", "stem": "s", "options": ["a"], "answer": ["A"]},
    {"id": 1, "type": "single", "stem": "s", "options": ["a", "b"], "answer": ["C"]},
    {"id": 1, "type": "single", "stem": "s", "options": ["a", "b"], "answer": ["A", "B"]},
    {"id": 1, "type": "true_false", "stem": "s", "answer": ["maybe"]},
    {"id": 1, "type": "fill_blank", "stem": "s", "answer": []},
    {"id": 1, "type": "essay", "stem": "s", "answer": ["x"]},
    {"id": 1, "type": "single", "stem": "s", "options": ["a", "b"] * 5, "answer": ["A"]},
    {"id": 1, "type": "open", "stem": 5, "answer": []},
    {"id": 1, "type": "open", "stem": "s", "answer": [], "points": -1},
    {"id": 1, "type": "open", "stem": "s", "answer": [], "media": [1.5]},
])
def test_bad_questions_are_refused_with_their_path(question):
    with pytest.raises(RuleError) as err:
        new_state(setup([rnd(1, "buzz", [question])]))
    assert err.value.code == "bad_setup" and "rounds[0].questions[0]" in err.value.message


def test_duplicate_question_ids_and_wager_levels_are_refused():
    with pytest.raises(RuleError):
        new_state(setup([rnd(1, "buzz", [q(1)]), rnd(2, "buzz", [q(1)])]))
    with pytest.raises(RuleError):
        new_state(setup([rnd(1, "wager", [q(1, level=15)])]))
    with pytest.raises(RuleError):
        new_state(setup([rnd(1, "buzz", [q(1)]), rnd(1, "buzz", [q(2)])]))


def test_question_defaults_and_canonical_answers():
    state = new_state(setup([rnd(1, "buzz", [
        {"id": 5, "type": "multiple", "stem": "s", "options": ["a", "b", "c"],
         "answer": "c,a"}])]))
    assert state["questions"]["5"] == {
        "id": 5, "bank_id": None, "type": "multiple", "stem": "s", "options": ["a", "b", "c"],
        "answer": ["A", "C"], "points": None, "explanation": "", "time_limit": None,
        "level": None, "category": "", "media": []}


def test_contest_with_no_rounds_finishes_on_next():
    g = Game(setup([]))
    g.host("next")
    assert g.phase == "finished"
