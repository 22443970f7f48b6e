"""Parts that several round formats share; a format names the ones it uses (no defaults)."""
from __future__ import annotations

from ..state import current_round, question
from ..types import Event, State


def round_settings(state: State) -> dict:
    """The settings of the current round rule its questions."""
    rnd = current_round(state)
    return {} if rnd is None else rnd["settings"]


def any_question(question: dict, settings: dict, code: str, where: str) -> None:
    """Every valid question can be played."""


def no_preparation(state: State, rnd: dict) -> None:
    """Nothing to prepare when the round starts."""


def nothing_to_close(state: State, actor: dict, now: int) -> list[Event]:
    """The question is already closed when it can be revealed."""
    return []


def everyone(state: State) -> list[int] | None:
    """Every team plays the question."""
    return None


def question_points(state: State) -> int:
    """The question's own points, else the round's right_points."""
    from ..state import q_settings
    points = question(state, state["q"]["id"])["points"]
    return q_settings(state)["right_points"] if points is None else points


def settings_wrong_points(state: State, timeout: bool) -> int:
    """wrong_points, or timeout_points for a timeout when it is set."""
    from ..state import q_settings
    settings = q_settings(state)
    if timeout and settings.get("timeout_points") is not None:
        return settings["timeout_points"]
    return settings["wrong_points"]


def always_scored(state: State) -> bool:
    """Its points always count in the score."""
    return True


def plain_reason(q: dict, text: str) -> str:
    """The ruling as it is (答对 / 答错 / 超时)."""
    return text


def nothing_more(state: State, team_id: int) -> list[Event]:
    """A right answer needs nothing further."""
    return []


def no_view(state: State, role: str) -> dict:
    """No part of its own in the snapshot."""
    return {}


def turn_legal(state: State) -> set[str]:
    """The team with the turn is judged while answering; the last ruling may be re-judged."""
    from ..legal import can_rejudge
    phase = state["phase"]
    if phase == "answering" or (phase == "closed" and can_rejudge(state)):
        return {"judge"}
    return set()
