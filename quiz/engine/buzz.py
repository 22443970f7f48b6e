"""Buzzers (抢答, and the tie-breaks): opening, fouls, arbitration by server time.

Used by every format whose capabilities have ``buzzers`` (formats/buzz.py, formats/tiebreak.py).
"""
from __future__ import annotations

from typing import cast

from . import fairness, registry
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
    q["presses"] = []
    q["tie"] = None
    q["opens_at"] = None
    state["phase"] = "open"
    set_deadline(state, now + q_settings(state)["buzz_window"] * 1000, "buzz_window", now)
    return [{"type": "buzzers_open", "attempt": q["attempt"], "at": now}]


def reopen(state: State, now: int) -> list[dict]:
    """After a wrong answer, the buzzers open again for the other teams: at once in arrival
    order; in fair order scheduled OPEN_LEAD_MS ahead like the first opening (back in
    ``reading``, where a press is early), so a phone on a slow link lights with the others."""
    if buzz_rules(state)["buzz_order"] == "fair":
        state["phase"] = "reading"
        return schedule_open(state, now)
    return open_now(state, now)


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
    if buzz_rules(state)["buzz_order"] == "fair":
        return schedule_open(state, now)
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
    if any(b["team"] == team_id for b in attempt) or \
            any(p["team"] == team_id for p in q.get("presses") or ()):
        raise RuleError("already_buzzed", "one buzz per team per question", "本题已抢过")
    press = dict(fairness.clean_press(cmd.get("press")), team=team_id, received=now)
    if phase == "open":
        return collect_press(state, press, cmd.get("reach"), now)
    return _late_press(state, press, now)


def buzz_rules(state: State) -> dict:
    """The fairness rules of this contest (docs/rules.md, "Fair buzz order")."""
    settings = state["settings"]
    return dict(fairness.RULE_DEFAULTS, buzz_order=settings.get("buzz_order", "arrival"),
                near_tie=settings.get("near_tie", "receipt"))


def schedule_open(state: State, now: int) -> list[dict]:
    """Fair order: the buzzers open at a server time OPEN_LEAD_MS ahead, the same instant on
    every phone; a press before it is an early buzz (the question stays in ``reading``)."""
    q = state["q"]
    if q.get("opens_at"):
        raise RuleError("wrong_phase", "the buzzers are already about to open", "抢答即将开放")
    q["opens_at"] = now + fairness.OPEN_LEAD_MS
    set_deadline(state, q["opens_at"], "scheduled_open", now)
    return [{"type": "buzzers_scheduled", "opens_at": q["opens_at"]}]


def collect_press(state: State, press: dict, reach: object, now: int) -> list[dict]:
    """A press while open: held until the collection window closes (arrival order: at once)."""
    q = state["q"]
    q.setdefault("presses", []).append(press)
    rules = buzz_rules(state)
    rows = fairness.rank(q["presses"], q["opened_at"], rules)
    if rules["buzz_order"] != "fair":
        return settle_race(state, now)
    close = fairness.close_at(q["presses"][0]["received"], rows[0]["corrected"],
                              reach if isinstance(reach, dict) else None,
                              {p["team"] for p in q["presses"]}, eligible_teams(state))
    if close <= now:
        return settle_race(state, now)
    set_deadline(state, close, "buzz_collect", now)
    return [{"type": "press", "team": press["team"], "count": len(q["presses"])}]


def settle_race(state: State, at: int) -> list[dict]:
    """The collection is over: rank the presses; the first gets the turn, unless a near-tie for
    first is the host's to decide (phase ``deciding``)."""
    q = state["q"]
    rules = buzz_rules(state)
    rows = fairness.rank(q["presses"], q["opened_at"], rules)
    q["presses"] = []
    host_rule = rules["buzz_order"] == "fair" and rules["near_tie"] == "host"
    tied = fairness.lead_group(rows, rules) if host_rule else rows[:1]
    if len(tied) > 1:
        q["tie"] = {"teams": [r["team"] for r in tied], "rows": rows}
        state["phase"] = "deciding"
        clear_deadline(state)
        return [{"type": "near_tie", "teams": q["tie"]["teams"]}]
    return _award(state, rows, at)


def cmd_decide_buzz(state: State, cmd: dict, now: int) -> list[dict]:
    """Host decides a near-tie for first: the chosen team gets the turn, the others follow."""
    q = _buzz_q(state, cmd)
    if state["phase"] != "deciding" or not q.get("tie"):
        raise RuleError("wrong_phase", "there is no near-tie to decide", "没有需要裁定的并列抢答")
    team_id = need_id(cmd, "team")
    if team_id not in q["tie"]["teams"]:
        raise RuleError("bad_command", "pick one of the near-tied teams", "请选择并列的队伍之一")
    rows = q["tie"]["rows"]
    chosen = next(r for r in rows if r["team"] == team_id)
    chosen["decided_by"] = "host"
    q["tie"] = None
    return _award(state, [chosen] + [r for r in rows if r is not chosen], now)


def _evidence(row: dict, q: LiveQuestion, first: int) -> dict:
    return {"at": row["received"], "ms_after_open": row["corrected"] - q["opened_at"],
            "ms_behind_first": max(0, row["corrected"] - first),
            **{k: row[k] for k in ("received", "claimed", "corrected", "rtt", "uncertainty",
                                   "bound", "fallback", "near_tie", "margin_ms", "decided_by")}}


def _award(state: State, rows: list[dict], at: int) -> list[dict]:
    q = state["q"]
    first = rows[0]["corrected"]
    events = []
    for i, row in enumerate(rows):
        buzz = cast(Buzz, {"team": row["team"], "attempt": q["attempt"], "rank": i + 1,
                           "foul": False, **_evidence(row, q, first)})
        _record(state, buzz)
        events.append({"type": "buzz", "team": row["team"], "rank": buzz["rank"],
                       "ms_behind_first": buzz["ms_behind_first"],
                       "near_tie": row["near_tie"]})
    q["first_buzz_at"] = first
    q["turn"] = rows[0]["team"]
    state["phase"] = "answering"
    limit = state["questions"][str(q["id"])]["time_limit"]
    seconds = limit or q_settings(state)["answer_time"]
    set_deadline(state, at + seconds * 1000, "answer", at)
    events[0]["first"] = True
    return events


def _late_press(state: State, press: dict, now: int) -> list[dict]:
    """A press after the turn is given: listed after the others, on the same clock."""
    q = state["q"]
    row = fairness.rank([press], q["opened_at"], buzz_rules(state))[0]
    attempt = [b for b in q["buzzes"] if b["attempt"] == q["attempt"] and not b["foul"]]
    buzz = cast(Buzz, {"team": press["team"], "attempt": q["attempt"], "rank": len(attempt) + 1,
                       "foul": False, **_evidence(row, q, q["first_buzz_at"] or 0)})
    _record(state, buzz)
    return [{"type": "buzz", "team": press["team"], "rank": buzz["rank"],
             "ms_behind_first": buzz["ms_behind_first"]}]


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


def expire_scheduled_open(state: State, at: int) -> list[dict]:
    """The scheduled instant has come: the buzzers open, at that very time."""
    return open_now(state, at)


def expire_collect(state: State, at: int) -> list[dict]:
    """The collection window after the first press is over: the race is ranked."""
    return settle_race(state, at)
