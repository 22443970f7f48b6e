"""apply(): validate a command, apply due deadlines, then the command; plus next_deadline()."""
from __future__ import annotations

from . import all_answer, arrange, buzz, flow, ledger, turns, wager
from .checks import is_int
from .errors import RuleError
from .state import clone, require_q, team

HOST_COMMANDS = frozenset({
    "start_round", "show_question", "open_buzzers", "close_buzzers", "judge", "reveal", "next",
    "pause", "resume", "swap_question", "adjust_score", "undo", "start_tiebreak", "lock_lobby",
    "unlock_lobby", "foul", "choose_wager", "pass", "close_answers", "finish",
    "arrange_round", "decide_buzz",
})
PLAYER_COMMANDS = frozenset({"buzz", "answer", "choose_wager", "pass"})
SYSTEM_COMMANDS = frozenset({"tick"})
ROLES = ("host", "player", "system")

HOST_HANDLERS = {
    "start_round": flow.cmd_start_round, "show_question": flow.cmd_show_question,
    "open_buzzers": buzz.cmd_open_buzzers, "close_buzzers": buzz.cmd_close_buzzers,
    "judge": turns.cmd_judge, "reveal": flow.cmd_reveal, "next": flow.cmd_next,
    "pause": flow.cmd_pause, "resume": flow.cmd_resume, "swap_question": flow.cmd_swap_question,
    "adjust_score": ledger.cmd_adjust_score, "undo": ledger.cmd_undo,
    "start_tiebreak": flow.cmd_start_tiebreak, "lock_lobby": flow.cmd_lock_lobby,
    "unlock_lobby": flow.cmd_unlock_lobby, "foul": buzz.cmd_foul,
    "close_answers": all_answer.cmd_close_answers, "finish": flow.cmd_finish,
    "arrange_round": arrange.cmd_arrange_round, "decide_buzz": buzz.cmd_decide_buzz,
}
EXPIRY = {
    "auto_open": buzz.expire_auto_open,
    "buzz_window": buzz.expire_buzz_window,
    "scheduled_open": buzz.expire_scheduled_open,
    "buzz_collect": buzz.expire_collect,
    "answer": turns.expire_answer,
    "all_answer": lambda state, at: all_answer.close(state),
}


def _bad(message: str, zh: str = "指令格式错误") -> RuleError:
    return RuleError("bad_command", message, zh)


def parse_command(command: object) -> dict:
    """A shallow copy of the command with a clean actor; refuses malformed or forbidden ones."""
    if not isinstance(command, dict):
        raise _bad("a command must be an object")
    ctype = command.get("type")
    if not isinstance(ctype, str) or ctype not in HOST_COMMANDS | PLAYER_COMMANDS | {"tick"}:
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
        allowed = ctype in PLAYER_COMMANDS and clean["team"] is not None
    else:
        allowed = ctype in HOST_COMMANDS
    if not allowed:
        raise RuleError("forbidden", f"a {role} may not send {ctype}", "无权执行此操作")
    cmd = dict(command)
    cmd["actor"] = clean
    return cmd


def _handle(state: dict, cmd: dict, now: int) -> list[dict]:
    ctype = cmd["type"]
    actor = cmd["actor"]
    player_team = actor["team"] if actor["role"] == "player" else None
    if player_team is not None:
        team(state, player_team)
    if ctype == "tick":
        return []
    if ctype == "buzz":
        return buzz.cmd_buzz(state, cmd, now, player_team)
    if ctype == "answer":
        if require_q(state, cmd)["kind"] == "all_answer":
            return all_answer.cmd_answer(state, cmd, now, player_team, actor["player"])
        return turns.cmd_turn_answer(state, cmd, now, player_team)
    if ctype == "choose_wager":
        return wager.cmd_choose_wager(state, cmd, now, player_team)
    if ctype == "pass":
        return wager.cmd_pass(state, cmd, now, player_team)
    return HOST_HANDLERS[ctype](state, cmd, now)


def _due(state: dict, now: int) -> bool:
    return not state["paused"] and state["deadline"] is not None and state["deadline"] <= now


def expire(state: dict, now: int) -> list[dict]:
    """Apply every deadline that has passed, each at its own time (so replay is exact)."""
    events: list[dict] = []
    while _due(state, now):
        at, kind = state["deadline"], state["deadline_kind"]
        state["deadline"] = None
        state["deadline_kind"] = None
        events += [dict(e, expired=True) for e in EXPIRY[kind](state, at)]
    return events


def apply(state: dict, command: dict, now_ms: int) -> list[dict]:
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
        state.clear()
        state.update(work)
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


def next_deadline(state: dict) -> int | None:
    """The earliest epoch ms at which a tick would change something (None while paused)."""
    return None if state["paused"] else state["deadline"]
