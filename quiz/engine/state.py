"""The contest state: one JSON-safe dict, built from a setup, plus the helpers that read it.

Layout (all keys are str):
  version, name, seed, settings, lobby_locked, phase, round_index, q, deadline, deadline_kind,
  paused, paused_remaining_ms, teams[], rounds[], questions{str(id): QUESTION}, progress{},
  tiebreak, log[], undo[], buzz_log[], next_log_id, next_undo_id, last_event, finished_at,
  players{str(player id): PLAYER} (personal points of per-player rounds; absent in old states).
"""
from __future__ import annotations

import hashlib
import json
from typing import TypeVar, cast

from . import registry
from .checks import COLOR_RE, MAX_ID, is_int, need_id, need_int, need_str, validate_question
from .errors import RuleError
from .settings import contest_settings, round_settings
from .types import LiveQuestion, LogEntry, Progress, Question, Round, State, Team, UndoRecord

T = TypeVar("T")

PHASES = ("lobby", "round_intro", "choosing", "reading", "open", "deciding", "answering",
          "collecting",
          "closed", "round_end", "finished")
# The parts of the state an undo puts back (the log, buzz history and lobby flag stay).
SNAPSHOT_KEYS = ("phase", "round_index", "q", "deadline", "deadline_kind", "paused",
                 "paused_remaining_ms", "teams", "progress", "tiebreak", "finished_at", "players")
# Keys a state stored before they existed may lack, with the value that absence means.
LATE_KEYS: dict[str, object] = {"players": {}}
SYSTEM_ACTOR = {"role": "system", "team": None, "player": None, "name": "system"}


def new_state(setup: dict) -> State:
    """A fresh contest state in the lobby; RuleError('bad_setup') names the first bad field."""
    if not isinstance(setup, dict):
        raise RuleError("bad_setup", "setup must be an object", "比赛设置格式错误")
    name = need_str(setup, "name", 200, default="", code="bad_setup")
    base = setup.get("base_score", 100)
    if not is_int(base) or not -100000 <= base <= 100000:
        raise RuleError("bad_setup", "base_score must be an integer", "基础分必须是整数")
    seed = setup.get("seed", 0)
    if not is_int(seed) or not 0 <= seed <= MAX_ID:
        raise RuleError("bad_setup", "seed must be a non-negative integer", "随机种子必须是整数")
    settings = contest_settings(setup.get("settings"))
    settings["base_score"] = base
    teams = _teams(setup.get("teams"), base)
    questions: dict[str, Question] = {}
    rounds = _rounds(setup.get("rounds", []), questions)
    return {
        "version": 0, "name": name, "seed": seed, "settings": settings,
        "lobby_locked": False, "phase": "lobby", "round_index": None, "q": None,
        "deadline": None, "deadline_kind": None, "paused": False, "paused_remaining_ms": None,
        "teams": teams, "rounds": rounds, "questions": questions,
        "progress": {str(r["id"]): _fresh_progress() for r in rounds},
        "tiebreak": None, "log": [], "undo": [], "buzz_log": [],
        "next_log_id": 1, "next_undo_id": 1, "last_event": None, "finished_at": None,
        "players": {},
    }


def _fresh_progress() -> Progress:
    return {"started": False, "used": [], "shown": 0, "order": [], "turns": {}, "chooser": None}


def _teams(raw: object, base: int) -> list[Team]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 200:
        raise RuleError("bad_setup", "teams must be a list of 1 to 200 teams", "队伍数量须为 1-200")
    teams: list[Team] = []
    ids, seats = set(), set()
    for i, t in enumerate(raw):
        where = f"teams[{i}]."
        if not isinstance(t, dict):
            raise RuleError("bad_setup", f"{where[:-1]} must be an object", f"{where}格式错误")
        tid = need_id(t, "id", "bad_setup", where)
        seat = need_int(t, "seat", 0, 10000, "bad_setup", where)
        color = t.get("color", "#888888")
        if not isinstance(color, str) or not COLOR_RE.match(color):
            raise RuleError("bad_setup", f"{where}color must look like #rrggbb",
                            f"{where}颜色格式须为 #rrggbb")
        if tid in ids or seat in seats:
            raise RuleError("bad_setup", f"{where}id and seat must be unique",
                            f"{where}队伍编号和座位号不能重复")
        ids.add(tid)
        seats.add(seat)
        teams.append({
            "id": tid, "name": need_str(t, "name", 100, nonempty=True, code="bad_setup",
                                        where=where),
            "color": color.lower(), "seat": seat, "score": base,
            "right": 0, "wrong": 0, "fouls": 0, "passes": 0, "tiebreak_wins": 0,
        })
    return teams


def _rounds(raw: object, questions: dict[str, Question]) -> list[Round]:
    if not isinstance(raw, list) or len(raw) > 50:
        raise RuleError("bad_setup", "rounds must be a list of at most 50", "环节最多 50 个")
    rounds: list[Round] = []
    ids = set()
    for i, r in enumerate(raw):
        where = f"rounds[{i}]."
        if not isinstance(r, dict):
            raise RuleError("bad_setup", f"{where[:-1]} must be an object", f"{where}格式错误")
        rid = need_id(r, "id", "bad_setup", where)
        kind = r.get("kind")
        kinds = registry.round_kinds()
        if kind not in kinds or rid in ids:
            raise RuleError("bad_setup", f"{where}kind must be one of {kinds} and id unique",
                            f"{where}环节类型错误或编号重复")
        ids.add(rid)
        settings = round_settings(kind, r.get("settings"), where)
        fmt = registry.get(kind)
        qraw = r.get("questions", [])
        if not isinstance(qraw, list) or len(qraw) > 1000:
            raise RuleError("bad_setup", f"{where}questions must be a list", f"{where}题目格式错误")
        qids = []
        for j, qd in enumerate(qraw):
            q = validate_question(qd, "bad_setup", f"{where}questions[{j}].")
            if str(q["id"]) in questions:
                raise RuleError("bad_setup", f"{where}questions[{j}].id {q['id']} is used twice",
                                f"{where}题目编号 {q['id']} 重复")
            fmt.check_question(q, settings, "bad_setup", f"{where}questions[{j}].")
            questions[str(q["id"])] = q
            qids.append(q["id"])
        rounds.append({"id": rid, "kind": kind,
                       "title": need_str(r, "title", 200, default="", code="bad_setup",
                                         where=where),
                       "settings": settings, "question_ids": qids})
    return rounds


def clone(value: T) -> T:
    """A deep copy of JSON-safe data (faster than copy.deepcopy)."""
    return json.loads(json.dumps(value))


# ---- reading helpers -------------------------------------------------------------------------

def team(state: State, team_id: int) -> Team:
    """The team with this id, or RuleError('unknown_team')."""
    for t in state["teams"]:
        if t["id"] == team_id:
            return t
    raise RuleError("unknown_team", f"no team {team_id}", f"没有编号为 {team_id} 的队伍")


def team_ids(state: State) -> list[int]:
    """Team ids in seat order."""
    return [t["id"] for t in sorted(state["teams"], key=lambda t: t["seat"])]


def current_round(state: State) -> Round | None:
    """The round being played (or last played), None in the lobby."""
    idx = state["round_index"]
    return None if idx is None else state["rounds"][idx]


def progress(state: State) -> Progress | None:
    """The progress record of the current round."""
    rnd = current_round(state)
    return None if rnd is None else state["progress"][str(rnd["id"])]


def question(state: State, qid: int) -> Question:
    """The QUESTION with this id."""
    return state["questions"][str(qid)]


def q_settings(state: State) -> dict:
    """The settings that rule the current question (its format says which: a tie-break's are
    the contest's tie-break settings)."""
    q = state["q"]
    if q is not None:
        return registry.get(q["kind"]).settings(state)
    rnd = current_round(state)
    return {} if rnd is None else rnd["settings"]


def unused_questions(state: State, rnd: Round) -> list[int]:
    """Ids of the round's questions not yet shown, in bank order."""
    used = set(state["progress"][str(rnd["id"])]["used"])
    return [qid for qid in rnd["question_ids"] if qid not in used]


def drawn_order(state: State, rnd: Round) -> list[int]:
    """Team order of a compulsory round: seat order, or a draw fixed by the contest seed."""
    ids = team_ids(state)
    if rnd["settings"].get("order") != "drawn":
        return ids

    def key(tid: int) -> str:
        return hashlib.sha256(f"{state['seed']}:{rnd['id']}:{tid}".encode()).hexdigest()
    return sorted(ids, key=key)


def snapshot(state: State) -> dict:
    """A copy of the parts of the state an undo puts back (SNAPSHOT_KEYS)."""
    raw = cast(dict, state)
    return clone({k: raw.get(k, LATE_KEYS.get(k)) for k in SNAPSHOT_KEYS})


def restore(state: State, snap: dict) -> None:
    """Put the SNAPSHOT_KEYS parts of ``snap`` back into the state."""
    raw = cast(dict, state)
    for key in SNAPSHOT_KEYS:
        raw[key] = snap[key] if key in snap else clone(LATE_KEYS.get(key))


def actor_ref(actor: dict) -> dict:
    """Who did it, for the log."""
    return {"name": actor.get("name", ""), "role": actor["role"]}


# ---- writing helpers (called only after validation) -------------------------------------------

def set_deadline(state: State, at: int, kind: str, now: int) -> None:
    """Arm the single active deadline; while paused it is kept as remaining ms instead."""
    state["deadline_kind"] = kind
    if state["paused"]:
        state["deadline"] = None
        state["paused_remaining_ms"] = max(0, at - now)
    else:
        state["deadline"] = at


def clear_deadline(state: State) -> None:
    """Disarm the active deadline."""
    state["deadline"] = None
    state["deadline_kind"] = None
    if state["paused"]:
        state["paused_remaining_ms"] = None


def push_undo(state: State, label: str, actor: dict, now: int) -> UndoRecord:
    """Record the state before an undoable action; score entries then join this record."""
    rec: UndoRecord = {"id": state["next_undo_id"], "label": label, "at": now,
                       "actor": actor_ref(actor), "entries": [], "snapshot": snapshot(state)}
    state["next_undo_id"] += 1
    state["undo"].append(rec)
    depth = state["settings"]["undo_depth"]
    if len(state["undo"]) > depth:
        del state["undo"][: len(state["undo"]) - depth]
    return rec


def add_score(state: State, team_id: int, delta: int, kind: str, reason: str, actor: dict,
              now: int, rec: UndoRecord | None, qid: int | None = None) -> LogEntry:
    """Change a score and write its log entry (joined to the undo record, if any)."""
    t = team(state, team_id)
    t["score"] += delta
    rnd = current_round(state)
    entry: LogEntry = {"id": state["next_log_id"], "team": team_id, "delta": delta, "kind": kind,
             "reason": reason, "actor": actor_ref(actor), "at": now,
             "round": None if rnd is None else rnd["id"], "question": qid, "undone": False}
    state["next_log_id"] += 1
    state["log"].append(entry)
    if rec is not None:
        rec["entries"].append(entry["id"])
    return entry


def new_q(qid: int, kind: str, index: int, count: int, now: int) -> LiveQuestion:
    """The live record of a question being played."""
    return {"id": qid, "kind": kind, "index": index, "count": count, "shown_at": now,
            "turn": None, "attempt": 0, "opened_at": None, "first_buzz_at": None,
            "buzzes": [], "presses": [], "tie": None, "opens_at": None,
            "locked_out": [], "fouled": [], "answers": {}, "submissions": {},
            "value": None, "duration_ms": None, "revealed": False, "outcome": None,
            "last_judgement": None, "distribution": None}


def require_q(state: State, cmd: dict) -> LiveQuestion:
    """The live question named by cmd['question']; RuleError('stale_question') otherwise."""
    qid = need_id(cmd, "question")
    q = state["q"]
    if q is None or q["id"] != qid or state["phase"] in ("round_end", "finished", "round_intro",
                                                         "choosing", "lobby"):
        raise RuleError("stale_question", f"question {qid} is not the current question",
                        "题目已变化，请刷新")
    attempt = cmd.get("attempt")
    if attempt is not None and (not is_int(attempt) or attempt != q["attempt"]):
        raise RuleError("stale_question", "this attempt of the question is over",
                        "本轮抢答已结束")
    return q


def ensure_not_paused(state: State) -> None:
    """Players cannot act while the clock is frozen."""
    if state["paused"]:
        raise RuleError("paused", "the contest is paused", "比赛已暂停")
