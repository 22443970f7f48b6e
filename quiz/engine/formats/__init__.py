"""The round formats: one module each, registered here (see quiz/engine/registry.py).

``formats.get(kind)``, ``formats.all()`` and ``formats.register(module_or_class)`` are the
registry's; docs/adding-a-format.md tells how to add a format.
"""
from __future__ import annotations

from ..registry import (
    CAPABILITIES,
    INTERFACE,
    FormatError,
    current,
    get,
    of_round,
    register,
    round_kinds,
    unregister,
)
from ..registry import all_formats as all  # noqa: A001 - the registry's documented name
from . import all_answer, buzz, compulsory, tiebreak, wager

for _module in (compulsory, buzz, wager, all_answer, tiebreak):
    register(_module)

__all__ = ["CAPABILITIES", "INTERFACE", "FormatError", "all", "current", "get", "of_round",
           "register", "round_kinds", "unregister"]
