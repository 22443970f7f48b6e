"""Default settings of each round kind and of the contest, and their validation.

Times are seconds; points are signed ints (a penalty is a negative number).
"""
from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping

from . import registry
from .checks import is_int
from .errors import RuleError
from .setting_specs import SPECS


class _RoundDefaults(Mapping):
    """{kind: default settings} of every round format, read from the registry."""

    def __getitem__(self, kind: str) -> dict:
        return registry.get(kind).defaults

    def __iter__(self) -> Iterator[str]:
        return iter(registry.round_kinds())

    def __len__(self) -> int:
        return len(registry.round_kinds())


DEFAULTS: Mapping[str, dict] = _RoundDefaults()


def round_defaults() -> dict[str, dict]:
    """A JSON-safe copy of every round format's default settings."""
    return {k: copy.deepcopy(v) for k, v in DEFAULTS.items()}


CONTEST_DEFAULTS: dict = {
    "tiebreak_counts_in_score": False,
    "tiebreak": {},               # overrides of the buzz defaults for tie-break questions
    "undo_depth": 30,
    "buzz_order": "fair",         # by press time (quiz/engine/fairness.py); or "arrival"
    "near_tie": "receipt",        # fair order, a near-tie for first: "receipt" or "host"
    "player_board": False,        # personal points on the phones, a player board on screen
    "extra_time": "0",            # % more time on every all-answer question: "0", "50", "100"
}

def _check(key: str, value: object, where: str, specs: dict) -> object:
    spec = specs.get(key) or SPECS[key]
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


def merge_settings(defaults: dict, overrides: object, where: str,
                   specs: dict | None = None) -> dict:
    """defaults updated with checked overrides (``specs``: a format's own validators);
    unknown keys are refused."""
    if overrides is None:
        overrides = {}
    if not isinstance(overrides, dict):
        raise RuleError("bad_setup", f"{where}settings must be an object", f"{where}设置格式错误")
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if key not in defaults:
            raise RuleError("bad_setup", f"{where}unknown setting {key!r}",
                            f"{where}未知设置 {key!r}")
        if key in _outside_rounds():
            merged[key] = _format_settings(key, value, f"{where}{key}.")
            continue
        merged[key] = _check(key, value, where, specs or {})
    return merged


def _outside_rounds() -> tuple[str, ...]:
    """Formats played outside the rounds (加赛): the contest settings hold theirs by kind."""
    return tuple(f.kind for f in registry.all_formats() if not f.in_rounds)


def _format_settings(kind: str, overrides: object, where: str) -> dict:
    fmt = registry.get(kind)
    return merge_settings(fmt.defaults, overrides, where, fmt.specs)


def round_settings(kind: str, overrides: object, where: str) -> dict:
    """The settings of a round of this kind."""
    return _format_settings(kind, overrides, where)


def contest_settings(overrides: object) -> dict:
    """The contest-wide settings; 'tiebreak' (each format outside the rounds, by kind) holds
    that format's full settings."""
    merged = merge_settings(CONTEST_DEFAULTS, overrides, "")
    for kind in _outside_rounds():
        own = merged.get(kind) or {}
        if not own or set(own) != set(registry.get(kind).defaults):
            merged[kind] = _format_settings(kind, own, f"{kind}.")
    return merged
