"""Score corrections by hand and step-by-step undo of scoring actions."""
from __future__ import annotations

from .checks import need_id, need_int, need_str
from .errors import RuleError
from .state import actor_ref, add_score, push_undo, restore, team
from .types import LogEntry, State

MAX_ADJUST = 10000


def cmd_adjust_score(state: State, cmd: dict, now: int) -> list[dict]:
    """Host corrects a score by any non-zero delta within ±10000, with a reason."""
    team_id = need_id(cmd, "team")
    team(state, team_id)
    delta = need_int(cmd, "delta", -MAX_ADJUST, MAX_ADJUST)
    if delta == 0:
        raise RuleError("bad_command", "delta must not be 0", "调整分值不能为 0")
    reason = need_str(cmd, "reason", 200, nonempty=True).strip()
    rec = push_undo(state, "adjust", cmd["actor"], now)
    qid = state["q"]["id"] if state["q"] is not None else None
    add_score(state, team_id, delta, "adjust", reason, cmd["actor"], now, rec, qid)
    return [{"type": "score_adjusted", "team": team_id, "delta": delta}]


def cmd_undo(state: State, cmd: dict, now: int) -> list[dict]:
    """Host undoes the last undoable action."""
    if not state["undo"]:
        raise RuleError("nothing_to_undo", "there is nothing to undo", "没有可撤销的操作")
    return undo_last(state, cmd["actor"], now)


def undo_last(state: State, actor: dict, now: int) -> list[dict]:
    """Put the snapshotted parts back, mark the action's log entries undone and log the undo.

    A deadline that has passed meanwhile is dropped (the host decides instead); the current
    pause status is kept, so an undo never pauses or resumes the clock.
    """
    rec = state["undo"].pop()
    snap = rec["snapshot"]
    was_paused = state["paused"]
    if snap["paused"]:
        remaining = snap["paused_remaining_ms"]
    elif snap["deadline"] is not None and snap["deadline"] > now:
        remaining = snap["deadline"] - now
    else:
        remaining = None
    restore(state, snap)
    state["paused"] = was_paused
    if was_paused:
        state["deadline"] = None
        state["paused_remaining_ms"] = remaining
    else:
        state["paused_remaining_ms"] = None
        state["deadline"] = None if remaining is None else now + remaining
    if remaining is None:
        state["deadline_kind"] = None
    ids = set(rec["entries"])
    undone = [e for e in state["log"] if e["id"] in ids]
    for entry in undone:
        entry["undone"] = True
    for entry in undone:
        add_score_log_only(state, entry, actor, now)
    teams = {e["team"] for e in undone}
    rejudged = rec.get("rejudged")
    if rejudged:  # a re-judgement: the first ruling comes back, with its own undo record
        first_ids, reversal_ids = set(rejudged["record"]["entries"]), set(rejudged["reversals"])
        for entry in state["log"]:
            if entry["id"] in first_ids:
                entry["undone"] = False
        reversals = [e for e in state["log"] if e["id"] in reversal_ids]
        for entry in reversals:
            entry["undone"] = True
            add_score_log_only(state, entry, actor, now)
        teams |= {e["team"] for e in reversals}
        state["undo"].append(rejudged["record"])
    return [{"type": "undone", "label": rec["label"], "teams": sorted(teams)}]


def add_score_log_only(state: State, original: LogEntry, actor: dict, now: int) -> None:
    """The 'undo' log entry: the score itself was already restored from the snapshot."""
    state["log"].append({
        "id": state["next_log_id"], "team": original["team"], "delta": -original["delta"],
        "kind": "undo", "reason": f"撤销: {original['reason']}", "actor": actor_ref(actor),
        "at": now, "round": original["round"], "question": original["question"],
        "undone": False, "undoes": original["id"]})
    state["next_log_id"] += 1

