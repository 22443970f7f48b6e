"""Default settings of each round kind and of the contest, and their validation.

Times are seconds; points are signed ints (a penalty is a negative number).
"""
from __future__ import annotations

import copy

from .checks import is_int
from .errors import RuleError

ROUND_KINDS = ("compulsory", "buzz", "wager", "all_answer")

DEFAULTS: dict[str, dict] = {
    "compulsory": {
        "order": "seat",          # "seat" or "drawn" (seeded draw)
        "answer_time": 30,
        "right_points": 10,       # used when the question has no points of its own
        "wrong_points": 0,
        "timeout_points": None,   # None: same as wrong_points
        "foul_points": -10,       # host-marked foul
    },
    "buzz": {
        "answer_time": 30,
        "buzz_window": 15,
        "auto_open_s": None,      # open the buzzers by themselves after this many seconds
        "right_points": 10,
        "wrong_points": -10,
        "timeout_points": None,
        "foul_points": -10,       # buzz before the buzzers open (提前抢答)
        "foul_lockout": True,
        "reopen_after_wrong": True,
    },
    "wager": {
        "values": [10, 20, 30],
        "turns_per_team": 1,
        "allow_pass": True,
        "answer_time": 60,
        "foul_points": -10,
    },
    "all_answer": {
        "answer_time": 20,
        "per": "team",            # "team" or "player"
        "right_points": 10,
        "wrong_points": 0,
        "speed_bonus": 0,
        "partial_credit": False,
        "foul_points": -10,
    },
}

CONTEST_DEFAULTS: dict = {
    "tiebreak_counts_in_score": False,
    "tiebreak": {},               # overrides of the buzz defaults for tie-break questions
    "undo_depth": 30,
    "buzz_order": "arrival",      # "fair": by press time (quiz/engine/fairness.py)
    "near_tie": "receipt",        # fair order, a near-tie for first: "receipt" or "host"
}

_POINTS = ("int", -10000, 10000)
_PENALTY = ("int", -10000, 0)
_SECONDS = ("int", 1, 3600)
SPECS: dict[str, tuple] = {
    "order": ("choice", ("seat", "drawn")),
    "answer_time": _SECONDS,
    "buzz_window": _SECONDS,
    "auto_open_s": ("int_or_none", 0, 3600),
    "right_points": ("int", 0, 10000),
    "wrong_points": _PENALTY,
    "timeout_points": ("int_or_none", -10000, 0),
    "foul_points": _PENALTY,
    "foul_lockout": ("bool",),
    "reopen_after_wrong": ("bool",),
    "values": ("values",),
    "turns_per_team": ("int", 1, 100),
    "allow_pass": ("bool",),
    "per": ("choice", ("team", "player")),
    "speed_bonus": ("int", 0, 10000),
    "partial_credit": ("bool",),
    "tiebreak_counts_in_score": ("bool",),
    "undo_depth": ("int", 1, 200),
    "buzz_order": ("choice", ("fair", "arrival")),
    "near_tie": ("choice", ("receipt", "host")),
}


def _check(key: str, value: object, where: str) -> object:
    spec = SPECS[key]
    kind = spec[0]
    ok = {
        "int": lambda: is_int(value) and spec[1] <= value <= spec[2],
        "int_or_none": lambda: value is None or (is_int(value) and spec[1] <= value <= spec[2]),
        "bool": lambda: type(value) is bool,
        "choice": lambda: value in spec[1],
        "values": lambda: (isinstance(value, list) and 1 <= len(value) <= 10
                           and all(is_int(v) and 1 <= v <= 10000 for v in value)
                           and len(set(value)) == len(value)),
    }[kind]()
    if not ok:
        raise RuleError("bad_setup", f"{where}settings.{key} has an invalid value",
                        f"{where}设置 {key} 的值无效")
    return copy.deepcopy(value)


def merge_settings(defaults: dict, overrides: object, where: str) -> dict:
    """defaults updated with checked overrides; unknown keys are refused."""
    if overrides is None:
        overrides = {}
    if not isinstance(overrides, dict):
        raise RuleError("bad_setup", f"{where}settings must be an object", f"{where}设置格式错误")
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if key not in defaults:
            raise RuleError("bad_setup", f"{where}unknown setting {key!r}",
                            f"{where}未知设置 {key!r}")
        if key == "tiebreak":
            merged[key] = merge_settings(DEFAULTS["buzz"], value, f"{where}tiebreak.")
            continue
        merged[key] = _check(key, value, where)
    return merged


def round_settings(kind: str, overrides: object, where: str) -> dict:
    """The settings of a round of this kind."""
    return merge_settings(DEFAULTS[kind], overrides, where)


def contest_settings(overrides: object) -> dict:
    """The contest-wide settings; 'tiebreak' holds the full buzz settings of tie-breaks."""
    merged = merge_settings(CONTEST_DEFAULTS, overrides, "")
    if not merged["tiebreak"] or set(merged["tiebreak"]) != set(DEFAULTS["buzz"]):
        merged["tiebreak"] = merge_settings(DEFAULTS["buzz"], merged["tiebreak"], "tiebreak.")
    return merged
