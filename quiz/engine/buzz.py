"""Buzzers (抢答, and the tie-breaks): opening, fouls, arbitration by server time.

Used by every format whose capabilities have ``buzzers`` (formats/buzz.py, formats/tiebreak.py).
"""
from __future__ import annotations

from typing import cast

from . import registry
from .checks import need_id
from .errors import RuleError
from .state import (
    add_score,
    clear_deadline,
    ensure_not_paused,
    push_undo,
    q_settings,
    require_q,
    set_deadline,
    team,
)
from .types import Buzz, LiveQuestion, State


def has_buzzers(q: LiveQuestion | None) -> bool:
    """Whether the question's format plays with buzzers."""
    return q is not None and registry.get(q["kind"]).capabilities["buzzers"]


def playing(state: State) -> list[int] | None:
    """Ids of the teams that play the current question (None: every team; tie-break: tied)."""
    return registry.get(state["q"]["kind"]).teams(state)


def eligible_teams(state: State) -> list[int]:
    """Teams that may still buzz on the current question (not locked out; tie-break: tied)."""
    q = state["q"]
    ids = [t["id"] for t in sorted(state["teams"], key=lambda t: t["seat"])]
    only = playing(state)
    if only is not None:
        ids = [i for i in ids if i in only]
    return [i for i in ids if i not in q["locked_out"]]


def start_reading(state: State, now: int) -> list[dict]:
    """The host reads the question; the buzzers open by hand or after auto_open_s."""
    state["phase"] = "reading"
    clear_deadline(state)
    auto = q_settings(state)["auto_open_s"]
    if auto is not None:
        set_deadline(state, now + auto * 1000, "auto_open", now)
    return []


def open_now(state: State, now: int) -> list[dict]:
    """Open the buzzers for a new attempt with its buzz window."""
    q = state["q"]
    q["attempt"] += 1
    q["opened_at"] = now
    q["first_buzz_at"] = None
    q["turn"] = None
    state["phase"] = "open"
    set_deadline(state, now + q_settings(state)["buzz_window"] * 1000, "buzz_window", now)
    return [{"type": "buzzers_open", "attempt": q["attempt"], "at": now}]


def _buzz_q(state: State, cmd: dict) -> LiveQuestion:
    q = require_q(state, cmd)
    if not has_buzzers(q):
        raise RuleError("wrong_phase", "this question is not a buzz-in question", "本题不是抢答题")
    return q


def cmd_open_buzzers(state: State, cmd: dict, now: int) -> list[dict]:
    """Host opens the buzzers of the shown question."""
    _buzz_q(state, cmd)
    if state["phase"] != "reading":
        raise RuleError("wrong_phase", "the buzzers can only be opened while reading",
                        "只能在读题阶段开放抢答")
    return open_now(state, now)


def cmd_close_buzzers(state: State, cmd: dict, now: int) -> list[dict]:
    """Host closes open buzzers: nobody buzzed, the question ends unanswered."""
    q = state["q"]
    if not has_buzzers(q) or state["phase"] != "open":
        raise RuleError("wrong_phase", "the buzzers are not open", "抢答尚未开放")
    return end_unanswered(state)


def end_unanswered(state: State) -> list[dict]:
    """Close the question with nobody right."""
    q = state["q"]
    q["turn"] = None
    q["outcome"] = q["outcome"] or ("wrong" if q["locked_out"] and q["attempt"] > 1
                                    else "unanswered")
    state["phase"] = "closed"
    clear_deadline(state)
    return [{"type": "question_closed", "outcome": q["outcome"]}]


def already_buzzed(state: State, team_id: object, question_id: object) -> bool:
    """Whether ``team_id`` already has a buzz (or an early foul) on the current attempt of
    question ``question_id``: the edge refuses such repeats without taking the contest's lock.
    A False answer proves nothing; apply() still judges every buzz."""
    q = state.get("q")
    if not q or q.get("id") != question_id or not has_buzzers(q):
        return False
    if state.get("phase") == "reading":
        return team_id in q.get("fouled", ())
    return any(b["team"] == team_id and b["attempt"] == q["attempt"] and not b["foul"]
               for b in q.get("buzzes", ()))


def cmd_buzz(state: State, cmd: dict, now: int, team_id: int) -> list[dict]:
    """A team presses its buzzer: a foul before opening, else ranked by server time."""
    q = _buzz_q(state, cmd)
    ensure_not_paused(state)
    only = playing(state)
    if only is not None and team_id not in only:
        raise RuleError("not_in_tiebreak", "only the tied teams play the tie-break",
                        "只有加赛队伍可以抢答")
    if team_id in q["locked_out"]:
        raise RuleError("locked_out", "your team may not answer this question",
                        "本题已被取消答题资格")
    phase = state["phase"]
    if phase == "reading":
        if team_id in q["fouled"]:
            raise RuleError("already_buzzed", "you already buzzed early on this question",
                            "本题已抢过")
        return _foul(state, team_id, cmd["actor"], now, early=True)
    if phase not in ("open", "answering"):
        raise RuleError("too_late", "the buzzers are closed", "抢答已结束")
    attempt = [b for b in q["buzzes"] if b["attempt"] == q["attempt"] and not b["foul"]]
    if any(b["team"] == team_id for b in attempt):
        raise RuleError("already_buzzed", "one buzz per team per question", "本题已抢过")
    first = q["first_buzz_at"]
    buzz: Buzz = {"team": team_id, "attempt": q["attempt"], "rank": len(attempt) + 1, "at": now,
            "ms_after_open": now - q["opened_at"],
            "ms_behind_first": 0 if first is None else now - first, "foul": False}
    _record(state, buzz)
    event = {"type": "buzz", "team": team_id, "rank": buzz["rank"],
             "ms_behind_first": buzz["ms_behind_first"]}
    if phase == "open":
        q["first_buzz_at"] = now
        q["turn"] = team_id
        state["phase"] = "answering"
        limit = state["questions"][str(q["id"])]["time_limit"]
        seconds = limit or q_settings(state)["answer_time"]
        set_deadline(state, now + seconds * 1000, "answer", now)
        event["first"] = True
    return [event]


def _record(state: State, buzz: Buzz) -> None:
    q = state["q"]
    q["buzzes"].append(buzz)
    entry = cast(Buzz, dict(buzz, question=q["id"]))
    rnd = state["round_index"]
    entry["round"] = (state["rounds"][rnd]["id"] if registry.get(q["kind"]).in_rounds
                      else None)
    state["buzz_log"].append(entry)


def foul_points(state: State) -> int:
    """The penalty of a foul on the current question (none in an uncounted tie-break)."""
    if not registry.get(state["q"]["kind"]).scored(state):
        return 0
    return q_settings(state)["foul_points"]


def _foul(state: State, team_id: int, actor: dict, now: int, early: bool) -> list[dict]:
    q = state["q"]
    rec = push_undo(state, "foul", actor, now)
    delta = foul_points(state)
    reason = "提前抢答" if early else "犯规"
    add_score(state, team_id, delta, "foul", reason, actor, now, rec, q["id"])
    team(state, team_id)["fouls"] += 1
    q["fouled"].append(team_id)
    if early:
        _record(state, {"team": team_id, "attempt": q["attempt"], "rank": None, "at": now,
                        "ms_after_open": None, "ms_behind_first": None, "foul": True})
    settings = q_settings(state)
    if has_buzzers(q) and settings.get("foul_lockout", False) \
            and team_id not in q["locked_out"]:
        q["locked_out"].append(team_id)
    return [{"type": "foul", "team": team_id, "delta": delta, "early": early}]


def cmd_foul(state: State, cmd: dict, now: int) -> list[dict]:
    """Host marks a foul by hand: the penalty, and on buzz-in questions the lock-out."""
    team_id = need_id(cmd, "team")
    team(state, team_id)
    q = require_q(state, cmd)
    only = playing(state)
    if only is not None and team_id not in only:
        raise RuleError("not_in_tiebreak", "that team is not in the tie-break", "该队未参加加赛")
    if team_id in q["fouled"]:
        raise RuleError("already_fouled", "that team already has a foul on this question",
                        "该队本题已记过犯规")
    return _foul(state, team_id, cmd["actor"], now, early=False)


def expire_auto_open(state: State, at: int) -> list[dict]:
    """The reading time is over: the buzzers open by themselves."""
    return open_now(state, at)


def expire_buzz_window(state: State, at: int) -> list[dict]:
    """Nobody buzzed in time: the question ends."""
    return end_unanswered(state)
