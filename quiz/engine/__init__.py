"""The contest rules engine: pure, deterministic, JSON-state in, events out.

No framework imports here (tests/unit/test_engine_purity.py checks). The live layer calls
``apply(state, command, now_ms)`` and broadcasts ``view(state, role)`` snapshots; see
docs/rules.md for the rules, the settings and the view shapes.
"""
from .buzz import already_buzzed
from .core import HOST_COMMANDS, PLAYER_COMMANDS, apply, host_commands, next_deadline
from .errors import RuleError
from .standings import standings
from .state import new_state
from .views import view

__all__ = ["RuleError", "new_state", "apply", "view", "next_deadline", "standings",
           "HOST_COMMANDS", "PLAYER_COMMANDS", "host_commands", "already_buzzed"]
