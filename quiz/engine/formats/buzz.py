"""抢答 buzz-in rounds: the host reads, the buzzers open, the first team to buzz answers.

The arbitration itself is quiz.engine.buzz (cmd_buzz); this module declares the format.
"""
from __future__ import annotations

from .. import buzz as buzzers
from .. import flow, turns
from ..types import Event, LiveQuestion, State
from . import common

kind = "buzz"
labels = {"zh": "抢答", "en": "Buzz-in"}
in_rounds = True
defaults: dict = {
    "answer_time": 30,
    "buzz_window": 15,
    "auto_open_s": None,      # open the buzzers by themselves after this many seconds
    "right_points": 10,
    "wrong_points": -10,
    "timeout_points": None,
    "foul_points": -10,       # buzz before the buzzers open (提前抢答)
    "foul_lockout": True,
    "reopen_after_wrong": True,
}
specs: dict = {}
capabilities = {"buzzers": True, "wager": False, "tap_answer": False, "turn_answer": True,
                "countdown": True, "host_shows": True}
record = {"eligible": "all", "score_kind": "judge"}
player_commands = {"buzz": buzzers.cmd_buzz, "answer": turns.cmd_turn_answer}
host_commands = {"open_buzzers": buzzers.cmd_open_buzzers,
                 "close_buzzers": buzzers.cmd_close_buzzers, "judge": turns.cmd_judge,
                 "decide_buzz": buzzers.cmd_decide_buzz}
expiries = {"auto_open": buzzers.expire_auto_open, "buzz_window": buzzers.expire_buzz_window,
            "scheduled_open": buzzers.expire_scheduled_open,
            "buzz_collect": buzzers.expire_collect, "answer": turns.expire_answer}


def show(state: State, q: LiveQuestion, now: int) -> list[Event]:
    """The host reads the question; the buzzers open by hand or after auto_open_s."""
    return buzzers.start_reading(state, now)


def reveal(state: State, actor: dict, now: int) -> list[Event]:
    """Revealing while reading or open ends the question unanswered."""
    if state["phase"] in ("reading", "open"):
        return buzzers.end_unanswered(state)
    return []


def legal(state: State) -> set[str]:
    """Open the buzzers while reading (unless already scheduled to open), close them while
    open, decide a near-tie for first (fair order); judge the team that buzzed."""
    q = state["q"]
    reading = set() if q and q.get("opens_at") else {"open_buzzers"}
    return {"reading": reading, "open": {"close_buzzers"}, "deciding": {"decide_buzz"}}.get(
        state["phase"], set()) | common.turn_legal(state)


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
view = common.no_view
