"""The round-format registry: every round format (必答, 抢答, 风险, all-answer, 加赛, ...)
is one module or class declaring the whole interface below, registered once by kind name.

The rest of the engine, the setup, the results and (through the snapshot's capabilities)
the pages ask the registry instead of comparing kind names. ``quiz.engine.formats``
registers the built-in formats; a new format is one module plus ``register(module)``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .setting_specs import SPECS

# What a page may offer during a question of the format (the snapshot's "capabilities").
CAPABILITIES = (
    "buzzers",           # the phones show a buzzer; buzz, fouls and lock-outs apply
    "wager",             # teams choose a value to stake (choose_wager / pass)
    "tap_answer",        # every team answers on its phone at once (answer, no turn)
    "turn_answer",       # the team with the turn answers (on its phone or aloud)
    "countdown",         # the question has a visible answer countdown
    "host_shows",        # the host shows the questions in order (show_question, next)
)

# What every format declares: name -> (what it is, a check of the value).
_CALLABLE = ("a function", callable)
INTERFACE: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "kind": ("its kind name (snake_case text)", lambda v: isinstance(v, str)
             and v.replace("_", "").isalnum() and v == v.lower() and v != "none"),
    "labels": ("its labels {'zh': ..., 'en': ...}", lambda v: isinstance(v, dict)
               and all(isinstance(v.get(k), str) and v[k] for k in ("zh", "en"))),
    "in_rounds": ("whether a contest round may be of this kind (a bool)",
                  lambda v: type(v) is bool),
    "defaults": ("its settings and their defaults (a dict)", lambda v: isinstance(v, dict)),
    "specs": ("validators of its own settings beyond settings.SPECS (a dict)",
              lambda v: isinstance(v, dict)),
    "capabilities": ("what the pages may offer (a dict of CAPABILITIES to bools)",
                     lambda v: isinstance(v, dict) and set(v) == set(CAPABILITIES)
                     and all(type(x) is bool for x in v.values())),
    "record": ("its part of the record {'eligible': 'one'|'all'|'tied', 'score_kind': str}",
               lambda v: isinstance(v, dict) and v.get("eligible") in ("one", "all", "tied")
               and isinstance(v.get("score_kind"), str)),
    "player_commands": ("its player commands {type: f(state, cmd, now, team)}",
                        lambda v: isinstance(v, dict) and all(map(callable, v.values()))),
    "host_commands": ("its host commands {type: f(state, cmd, now)}",
                      lambda v: isinstance(v, dict) and all(map(callable, v.values()))),
    "expiries": ("its deadlines {deadline kind: f(state, at)}",
                 lambda v: isinstance(v, dict) and all(map(callable, v.values()))),
    "settings": ("settings(state): the settings ruling its current question", _CALLABLE[1]),
    "check_question": ("check_question(question, settings, code, where): refuse a question "
                       "this format cannot play", _CALLABLE[1]),
    "enter": ("enter(state, round): prepare a round of this kind", _CALLABLE[1]),
    "show": ("show(state, q, now): put a question on stage, returns events", _CALLABLE[1]),
    "advance": ("advance(state, now): the round's next step, returns events", _CALLABLE[1]),
    "reveal": ("reveal(state, actor, now): close and score before the reveal, returns events",
               _CALLABLE[1]),
    "teams": ("teams(state): ids of the teams playing the question (None: all)", _CALLABLE[1]),
    "points": ("points(state): the current question's points", _CALLABLE[1]),
    "wrong_points": ("wrong_points(state, timeout): what a wrong answer costs", _CALLABLE[1]),
    "scored": ("scored(state): whether its points count in the score", _CALLABLE[1]),
    "reason": ("reason(q, text): the score log's reason of a ruling", _CALLABLE[1]),
    "on_right": ("on_right(state, team): events after a right answer", _CALLABLE[1]),
    "legal": ("legal(state): the host commands of its own that are legal now", _CALLABLE[1]),
    "view": ("view(state, role): its part of a role's snapshot", _CALLABLE[1]),
}
_FORMATS: dict[str, Any] = {}


class FormatError(TypeError):
    """A format that does not declare the whole interface (raised at registration)."""


def register(fmt: Any) -> Any:
    """Register a format module or class by its kind; refuses an incomplete one or a taken kind.

    Returns the format, so a class can use ``@register``.
    """
    name = getattr(fmt, "__name__", repr(fmt))
    missing = [f"{key} ({what})" for key, (what, _ok) in INTERFACE.items()
               if not hasattr(fmt, key)]
    if missing:
        raise FormatError(f"round format {name} does not declare: {'; '.join(missing)}")
    bad = [f"{key} ({what})" for key, (what, ok) in INTERFACE.items()
           if not ok(getattr(fmt, key))]
    if bad:
        raise FormatError(f"round format {name} declares wrongly: {'; '.join(bad)}")
    unchecked = sorted(k for k in fmt.defaults if k not in fmt.specs and k not in SPECS)
    if unchecked:
        raise FormatError(f"round format {name} has settings without a validator in specs: "
                          f"{', '.join(unchecked)}")
    if fmt.kind in _FORMATS and _FORMATS[fmt.kind] is not fmt:
        raise FormatError(f"round format kind {fmt.kind!r} is already registered")
    _FORMATS[fmt.kind] = fmt
    return fmt


def unregister(kind: str) -> None:
    """Forget a format (for tests that register a toy one)."""
    _FORMATS.pop(kind, None)


def get(kind: str) -> Any:
    """The format of this kind; KeyError for an unknown kind."""
    return _FORMATS[kind]


def all_formats() -> list[Any]:
    """Every registered format, in registration order."""
    return list(_FORMATS.values())


def round_kinds() -> tuple[str, ...]:
    """The kinds a contest round may have (registration order)."""
    return tuple(f.kind for f in _FORMATS.values() if f.in_rounds)


def host_commands() -> frozenset[str]:
    """Every host command some format declares."""
    return frozenset(c for f in _FORMATS.values() for c in f.host_commands)


def player_commands() -> frozenset[str]:
    """Every player command some format declares."""
    return frozenset(c for f in _FORMATS.values() for c in f.player_commands)


def owner(command: str, role: str) -> Any | None:
    """The first format declaring this command for this role ('host' or 'player')."""
    attr = "host_commands" if role == "host" else "player_commands"
    return next((f for f in _FORMATS.values() if command in getattr(f, attr)), None)


def current(state: Any) -> Any | None:
    """The format of the question on stage, else of the current round (None in the lobby)."""
    q = state["q"]
    if q is not None:
        return _FORMATS[q["kind"]]
    idx = state["round_index"]
    return None if idx is None else _FORMATS[state["rounds"][idx]["kind"]]


def of_round(state: Any) -> Any | None:
    """The format of the current round (None in the lobby)."""
    idx = state["round_index"]
    return None if idx is None else _FORMATS[state["rounds"][idx]["kind"]]
