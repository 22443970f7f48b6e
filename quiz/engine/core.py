"""apply(): validate a command, apply due deadlines, then the command; plus next_deadline()."""
from __future__ import annotations

from typing import cast

from . import (
    arrange,
    buzz,
    flow,
    formats,  # noqa: F401 - registers the built-in round formats
    ledger,
    registry,
)
from .checks import is_int
from .errors import RuleError
from .formats.tiebreak import cmd_start_tiebreak
from .state import clone, team
from .types import Actor, Command, State

# The host commands of every contest; the round formats add theirs (registry).
CORE_HANDLERS = {
    "start_round": flow.cmd_start_round, "show_question": flow.cmd_show_question,
    "reveal": flow.cmd_reveal, "next": flow.cmd_next,
    "pause": flow.cmd_pause, "resume": flow.cmd_resume, "swap_question": flow.cmd_swap_question,
    "adjust_score": ledger.cmd_adjust_score, "undo": ledger.cmd_undo,
    "start_tiebreak": cmd_start_tiebreak, "lock_lobby": flow.cmd_lock_lobby,
    "unlock_lobby": flow.cmd_unlock_lobby, "foul": buzz.cmd_foul, "finish": flow.cmd_finish,
    "arrange_round": arrange.cmd_arrange_round,
}
# The built-in commands (a format registered later may add commands: see host_commands()).
HOST_COMMANDS = frozenset(CORE_HANDLERS) | registry.host_commands()
PLAYER_COMMANDS = registry.player_commands()
SYSTEM_COMMANDS = frozenset({"tick"})
ROLES = ("host", "player", "system")


def host_commands() -> frozenset[str]:
    """Every host command: the core's and every registered format's."""
    return frozenset(CORE_HANDLERS) | registry.host_commands()


def _bad(message: str, zh: str = "指令格式错误") -> RuleError:
    return RuleError("bad_command", message, zh)


def parse_command(command: object) -> Command:
    """A shallow copy of the command with a clean actor; refuses malformed or forbidden ones."""
    if not isinstance(command, dict):
        raise _bad("a command must be an object")
    ctype = command.get("type")
    hosts, players = host_commands(), registry.player_commands()
    if not isinstance(ctype, str) or ctype not in hosts | players | {"tick"}:
        raise _bad("unknown command type", "未知指令")
    actor = command.get("actor")
    if not isinstance(actor, dict) or actor.get("role") not in ROLES:
        raise _bad("actor must have a role of host, player or system", "缺少操作者身份")
    for key in ("team", "player"):
        if actor.get(key) is not None and not is_int(actor[key]):
            raise _bad(f"actor.{key} must be an integer id")
    name = actor.get("name", "")
    if not isinstance(name, str) or len(name) > 100:
        raise _bad("actor.name must be a short text")
    role = actor["role"]
    clean = {"role": role, "team": actor.get("team"), "player": actor.get("player"),
             "name": name}
    if ctype == "tick":
        allowed = role in ("host", "system")
    elif role == "player":
        allowed = ctype in players and clean["team"] is not None
    else:
        allowed = ctype in hosts
    if not allowed:
        raise RuleError("forbidden", f"a {role} may not send {ctype}", "无权执行此操作")
    cmd = cast(Command, dict(command))
    cmd["actor"] = cast(Actor, clean)
    return cmd


def _handle(state: State, cmd: Command, now: int) -> list[dict]:
    """Run the command by the handler of the format on stage, else the core's, else the
    handler of the format that declares it (which refuses it with its own reason)."""
    ctype = cmd["type"]
    actor = cmd["actor"]
    player_team = actor["team"] if actor["role"] == "player" else None
    if player_team is not None:
        team(state, player_team)
    if ctype == "tick":
        return []
    fmt = registry.current(state)
    if player_team is not None:
        own = fmt.player_commands.get(ctype) if fmt is not None else None
        if own is None:   # another format's command: its handler refuses it with its reason
            own = registry.owner(ctype, "player").player_commands[ctype]
        return own(state, cmd, now, player_team)
    handler = fmt.host_commands.get(ctype) if fmt is not None else None
    if handler is None:
        handler = CORE_HANDLERS.get(ctype) or registry.owner(ctype, "host").host_commands[ctype]
    return handler(state, cmd, now)


def _expiry(state: State, kind: str):
    """The format's handler of this deadline (the format of the question on stage)."""
    fmt = registry.current(state)
    if fmt is not None and kind in fmt.expiries:
        return fmt.expiries[kind]
    return next(f.expiries[kind] for f in registry.all_formats() if kind in f.expiries)


def _due(state: State, now: int) -> bool:
    return not state["paused"] and state["deadline"] is not None and state["deadline"] <= now


def expire(state: State, now: int) -> list[dict]:
    """Apply every deadline that has passed, each at its own time (so replay is exact)."""
    events: list[dict] = []
    while _due(state, now):
        at, kind = state["deadline"], state["deadline_kind"]
        state["deadline"] = None
        state["deadline_kind"] = None
        events += [dict(e, expired=True) for e in _expiry(state, kind)(state, at)]
    return events


def apply(state: State, command: dict, now_ms: int) -> list[dict]:
    """Apply due deadlines, then the command; returns events and bumps state['version'].

    A refused command raises RuleError and leaves the state exactly as it was (a due
    deadline is then applied by the next tick, at the same deadline time).
    """
    if not is_int(now_ms) or not 0 <= now_ms < 2**53:
        raise _bad("now_ms must be epoch milliseconds")
    cmd = parse_command(command)
    if cmd["type"] == "tick":
        if cmd["actor"]["role"] == "player":
            raise RuleError("forbidden", "players may not tick", "无权执行此操作")
        own, expired = [], expire(state, now_ms)
    elif _due(state, now_ms):
        work = clone(state)
        expired = expire(work, now_ms)
        own = _handle(work, cmd, now_ms)
        raw = cast(dict, state)
        raw.clear()
        raw.update(work)
    else:
        expired, own = [], _handle(state, cmd, now_ms)
    events = expired + own
    if events:
        state["version"] += 1
        primary = own[0] if own else events[0]
        last = _small(primary)
        last["also"] = [e["type"] for e in events if e is not primary][:8]
        last["version"] = state["version"]
        last["at"] = now_ms
        state["last_event"] = last
    return events


def _small(event: dict) -> dict:
    keep = {}
    for key, value in event.items():
        if isinstance(value, (list, dict)):
            if isinstance(value, list) and len(value) <= 10 and all(is_int(v) for v in value):
                keep[key] = list(value)
            continue
        keep[key] = value
    return keep


def next_deadline(state: State) -> int | None:
    """The earliest epoch ms at which a tick would change something (None while paused)."""
    return None if state["paused"] else state["deadline"]
