"""Every phone state says one thing: the table of quiz.engine.phone_states, walked whole."""
from __future__ import annotations

import json
import os
import re

import pytest

from quiz.engine.checks import QUESTION_TYPES
from quiz.engine.phone_states import (
    ACTIONS,
    BUZZ_KINDS,
    INSTRUCTIONS,
    KINDS,
    ROLES,
    every_state,
    instruction,
    page_table,
)
from quiz.engine.state import PHASES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSWER_ACTIONS = ("tap", "type", "answer_aloud")
# words that tell a player to do one thing; an instruction for anything else must not say them
WORDS = {"tap": ("点选", "Tap"), "type": ("输入", "Type"), "answer_aloud": ("口头", "aloud"),
         "buzz": ("按下按钮", "press the button"), "wager": ("轮到你们选择", "Your turn: choose")}


def catalogue() -> dict:
    """The scripts' catalogue (static/js/i18n.js): key -> [zh, en]."""
    with open(os.path.join(ROOT, "static", "js", "i18n.js"), encoding="utf-8") as fh:
        text = fh.read()
    return {k: json.loads(f"[{v}]") for k, v in
            re.findall(r'"([\w.]+)": \[("(?:[^"\\]|\\.)*", "(?:[^"\\]|\\.)*")\]', text)}


def test_every_state_has_one_known_instruction_with_one_action():
    n = 0
    for state in every_state():
        key = instruction(*state)
        assert key in INSTRUCTIONS, state
        assert INSTRUCTIONS[key] in ACTIONS
        n += 1
    assert n == len(KINDS) * len(QUESTION_TYPES) * len(PHASES) * len(ROLES)


def test_the_answer_a_phone_asks_for_fits_the_question_type():
    for kind, qtype, phase, role in every_state():
        action = INSTRUCTIONS[instruction(kind, qtype, phase, role)]
        if qtype == "open":      # the host judges: said aloud, or written in the all-answer round
            assert action != "tap", (kind, phase, role)
            assert action != "type" or (kind == "all_answer" and phase == "collecting")
        elif qtype == "fill_blank":
            assert action not in ("tap", "answer_aloud"), (kind, phase, role)
        else:
            assert action not in ("type", "answer_aloud"), (kind, qtype, phase, role)


def test_only_the_team_in_turn_answers_except_when_everyone_does():
    for kind, qtype, phase, role in every_state():
        action = INSTRUCTIONS[instruction(kind, qtype, phase, role)]
        if action in ANSWER_ACTIONS:
            assert phase in ("answering", "collecting"), (kind, qtype, phase, role)
            assert role == "turn" or (phase == "collecting" and kind == "all_answer")
        if action == "buzz":
            assert kind in BUZZ_KINDS and phase in ("open", "answering") and role == "other" \
                or phase == "open" and role == "turn", (kind, phase, role)
        if action == "wager":
            assert phase == "choosing" and role == "turn"
        if role in ("locked", "foul", "out") and phase not in ("lobby", "round_intro",
                                                                "round_end", "closed"):
            assert action in ("wait", "nothing"), (kind, qtype, phase, role)


@pytest.mark.parametrize("qtype, expected", [("open", "ps.aloud"), ("single", "ps.tap"),
                                             ("multiple", "ps.tap_multi"),
                                             ("fill_blank", "ps.type")])
def test_a_buzz_winner_is_told_how_to_answer(qtype, expected):
    """The demo's complaint: an open question said "answer aloud" and "tap an answer"."""
    assert instruction("buzz", qtype, "answering", "turn") == expected
    assert instruction("compulsory", qtype, "answering", "turn") == expected
    assert instruction("buzz", qtype, "answering", "other") == "ps.late"
    assert instruction("compulsory", qtype, "answering", "other") == "ps.other_answering"


def test_every_instruction_reads_as_its_one_action_in_both_languages():
    cat = catalogue()
    for key, action in INSTRUCTIONS.items():
        zh, en = cat[key]
        assert zh and en and zh != en, key
        for other, words in WORDS.items():
            said = [w for w in words if w in zh or w in en]
            if other == action:
                assert said, f"{key} should tell the player to {action}: {zh} / {en}"
            else:
                assert not said, f"{key} ({action}) also says {other}: {zh} / {en}"


def test_the_page_table_gives_the_phone_the_same_answer_for_every_state():
    table = page_table()
    assert table["roles"] == list(ROLES)
    for kind, qtype, phase, role in every_state():
        row = table["rows"].get(f"{kind}|{qtype}|{phase}", table["rows"].get(f"{kind}|*|{phase}"))
        got = table["states"][row][table["roles"].index(role)]
        assert got == instruction(kind, qtype, phase, role)
        assert table["actions"][got] == INSTRUCTIONS[got]
    assert len(json.dumps(table, separators=(",", ":"))) < 8000    # sent with every phone page
