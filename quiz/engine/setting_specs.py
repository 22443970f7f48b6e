"""How each setting is checked: its type and bounds, shared by every round format.

A format declares extra or stricter ones in its own ``specs`` (quiz/engine/registry.py).
"""
from __future__ import annotations

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
    "player_board": ("bool",),
    "extra_time": ("choice", ("0", "50", "100")),
}
