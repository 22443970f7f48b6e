"""必答 compulsory rounds: each team in turn (seat order or a seeded draw) answers its question."""
from __future__ import annotations

from .. import flow, turns
from ..state import drawn_order, progress
from ..types import Event, LiveQuestion, Round, State
from . import common

kind = "compulsory"
labels = {"zh": "必答", "en": "Compulsory"}
in_rounds = True
defaults: dict = {
    "order": "seat",          # "seat" or "drawn" (seeded draw)
    "answer_time": 30,
    "right_points": 10,       # used when the question has no points of its own
    "wrong_points": 0,
    "timeout_points": None,   # None: same as wrong_points
    "foul_points": -10,       # host-marked foul
}
specs: dict = {}
capabilities = {"buzzers": False, "wager": False, "tap_answer": False, "turn_answer": True,
                "countdown": True, "host_shows": True}
record = {"eligible": "one", "score_kind": "judge"}
player_commands = {"answer": turns.cmd_turn_answer}
host_commands = {"judge": turns.cmd_judge}
expiries = {"answer": turns.expire_answer}


def enter(state: State, rnd: Round) -> None:
    """The answering order is fixed when the round starts."""
    progress(state)["order"] = drawn_order(state, rnd)


def show(state: State, q: LiveQuestion, now: int) -> list[Event]:
    """The next team in the order has the turn, with the answer time running."""
    prog = progress(state)
    order = prog["order"]
    q["turn"] = order[(prog["shown"] - 1) % len(order)]
    return turns.start_turn(state, q, now)


settings = common.round_settings
check_question = common.any_question
advance = flow.advance_in_order
reveal = common.nothing_to_close
teams = common.everyone
points = common.question_points
wrong_points = common.settings_wrong_points
scored = common.always_scored
reason = common.plain_reason
on_right = common.nothing_more
legal = common.turn_legal
view = common.no_view
