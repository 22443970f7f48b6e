"""全员答题 all-answer rounds: every team answers on its phones; scored at reveal."""
from __future__ import annotations

from .. import flow
from ..checks import CHOICE_TYPES, LETTERS, grade, is_int, parse_answer
from ..errors import RuleError
from ..state import (
    add_score,
    clear_deadline,
    ensure_not_paused,
    push_undo,
    q_settings,
    question,
    require_q,
    set_deadline,
    team,
)
from ..types import Event, LiveQuestion, Question, State
from . import common

kind = "all_answer"
labels = {"zh": "全员答题", "en": "All answer"}
in_rounds = True
defaults: dict = {
    "answer_time": 20,
    "per": "team",            # "team" or "player"
    "right_points": 10,
    "wrong_points": 0,
    "speed_bonus": 0,
    "partial_credit": False,
    "foul_points": -10,
}
specs: dict = {}
# The contest's extra time for every all-answer question (WCAG 2.2.1: timing adjustable), in %.
EXTRA_TIME = {"0": 0, "50": 50, "100": 100}
ADD_TIME_MS = 15000       # the host's "+15 s" while answers are being collected
capabilities = {"buzzers": False, "wager": False, "tap_answer": True, "turn_answer": False,
                "countdown": True, "host_shows": True}
record = {"eligible": "all", "score_kind": "all_answer"}


def answer_seconds(base: int, extra: str) -> int:
    """The answer time plus the contest's extra time (a key of EXTRA_TIME), rounded up."""
    return -(-base * (100 + EXTRA_TIME.get(extra, 0)) // 100)


def begin(state: State, q: LiveQuestion, now: int) -> list[dict]:
    """Start collecting answers until the deadline (time_limit or answer_time, plus the
    contest's extra time)."""
    base = question(state, q["id"])["time_limit"] or q_settings(state)["answer_time"]
    seconds = answer_seconds(base, state["settings"].get("extra_time", "0"))
    q["duration_ms"] = seconds * 1000
    q["opened_at"] = now
    state["phase"] = "collecting"
    set_deadline(state, now + seconds * 1000, kind, now)
    return [{"type": "answers_open", "question": q["id"]}]


def answered_count(state: State) -> int:
    """How many answers are in (teams, or players when per='player')."""
    q = state["q"]
    if q is None or q["kind"] != kind:
        return 0
    if q_settings(state)["per"] == "player":
        return sum(len(v) for v in q["answers"].values())
    return len(q["answers"])


def cmd_answer(state: State, cmd: dict, now: int, team_id: int, player_id: object) -> list[dict]:
    """A phone's answer; per team the last one before the deadline counts."""
    q = require_q(state, cmd)
    ensure_not_paused(state)
    if state["phase"] == "closed":
        raise RuleError("too_late", "answers are closed", "作答时间已过")
    if state["phase"] != "collecting":
        raise RuleError("wrong_phase", "answers are not taken now", "现在不能作答")
    answer = parse_answer(question(state, q["id"]), cmd.get("answer"))
    per_player = q_settings(state)["per"] == "player"
    if per_player and not is_int(player_id):
        raise RuleError("bad_command", "a player id is needed in this round", "需要选手编号")
    deadline = state["deadline"]
    rec = {"answer": answer, "at": now, "left_ms": 0 if deadline is None else deadline - now,
           "player": player_id if is_int(player_id) else None}
    if per_player:
        rec["name"] = str(cmd["actor"].get("name") or "")
    if per_player:
        q["answers"].setdefault(str(team_id), {})[str(player_id)] = rec
    else:
        q["answers"][str(team_id)] = rec
    return [{"type": "answer_received", "team": team_id}]


def close(state: State) -> list[dict]:
    """Stop taking answers."""
    state["phase"] = "closed"
    clear_deadline(state)
    return [{"type": "answers_closed", "question": state["q"]["id"]}]


def cmd_close_answers(state: State, cmd: dict, now: int) -> list[dict]:
    """Host ends the answering early."""
    q = state["q"]
    if q is None or q["kind"] != kind or state["phase"] != "collecting":
        raise RuleError("wrong_phase", "no answers are being collected", "当前没有在收集答案")
    return close(state)


def cmd_add_time(state: State, cmd: dict, now: int) -> list[dict]:
    """The host gives everyone ADD_TIME_MS more while answers are collected (undoable)."""
    q = state["q"]
    if q is None or q["kind"] != kind or state["phase"] != "collecting":
        raise RuleError("wrong_phase", "no answers are being collected", "当前没有在收集答案")
    push_undo(state, "add_time", cmd["actor"], now)
    q["duration_ms"] += ADD_TIME_MS
    if state["paused"]:
        state["paused_remaining_ms"] = (state["paused_remaining_ms"] or 0) + ADD_TIME_MS
    else:
        state["deadline"] = (state["deadline"] or now) + ADD_TIME_MS
    return [{"type": "time_added", "question": q["id"], "ms": ADD_TIME_MS}]


def _credit(state: State, qdata: Question, rec: dict, settings: dict,
            q: LiveQuestion) -> tuple[int, str]:
    verdict = grade(qdata, rec["answer"])
    points = qdata["points"] if qdata["points"] is not None else settings["right_points"]
    if verdict == "right":
        bonus = 0
        if settings["speed_bonus"] and q["duration_ms"]:
            left = min(max(rec["left_ms"], 0), q["duration_ms"])
            bonus = settings["speed_bonus"] * left // q["duration_ms"]
        return points + bonus, verdict
    if verdict == "partial" and settings["partial_credit"]:
        return points // 2, verdict
    return settings["wrong_points"], verdict


def score(state: State, actor: dict, now: int) -> list[dict]:
    """Score every team's answers (at reveal) and store the distribution."""
    q = state["q"]
    qdata = question(state, q["id"])
    settings = q_settings(state)
    rec = push_undo(state, kind, actor, now)
    counts = _empty_counts(qdata)
    answered = right = 0
    results = []
    for t in sorted(state["teams"], key=lambda t: t["seat"]):
        got = q["answers"].get(str(t["id"]))
        if not got:
            continue
        per_player = settings["per"] == "player"
        recs = list(got.values()) if per_player else [got]
        credits = []
        for r in recs:
            credit, verdict = _credit(state, qdata, r, settings, q)
            credits.append(credit)
            if per_player:
                _credit_player(state, r, t["id"], q["id"], credit, verdict)
            answered += 1
            right += verdict == "right"
            for key in r["answer"]:
                if key in counts:
                    counts[key] += 1
        n = len(credits)
        delta = (2 * sum(credits) + n) // (2 * n)     # mean, rounded half up
        add_score(state, t["id"], delta, record["score_kind"], labels["zh"], actor, now, rec,
                  q["id"])
        team(state, t["id"])["right" if delta > 0 else "wrong"] += 1
        results.append({"team": t["id"], "delta": delta})
    q["distribution"] = {"counts": counts, "answered": answered, "right": right}
    return [{"type": "scored", "results": results}]


def _credit_player(state: State, rec: dict, team_id: int, qid: int, credit: int,
                   verdict: str) -> None:
    """Keep a player's credit for the question with its answer (q.answers[team][player].credit)
    and add it to its personal points (undone with the scoring: both are in the undo
    snapshot)."""
    players = state.setdefault("players", {})
    p = players.setdefault(str(rec["player"]), {"team": team_id, "name": "", "points": 0,
                                                "right": 0, "answered": 0})
    p["team"], p["name"] = team_id, rec.get("name") or p["name"]
    p["points"] += credit
    p["right"] += verdict == "right"
    p["answered"] += 1
    rec["credit"] = credit


def _empty_counts(qdata: Question) -> dict[str, int]:
    if qdata["type"] in CHOICE_TYPES:
        return {letter: 0 for letter in LETTERS[: len(qdata["options"])]}
    if qdata["type"] == "true_false":
        return {"true": 0, "false": 0}
    return {}


def cmd_player_answer(state: State, cmd: dict, now: int, team_id: int) -> list[Event]:
    """A phone's answer (by its player, when answers are per player)."""
    return cmd_answer(state, cmd, now, team_id, cmd["actor"]["player"])


def show(state: State, q: LiveQuestion, now: int) -> list[Event]:
    """Every phone takes answers until the deadline."""
    return begin(state, q, now)


def reveal(state: State, actor: dict, now: int) -> list[Event]:
    """Revealing closes the answers (if still open) and scores every team."""
    events = close(state) if state["phase"] == "collecting" else []
    return events + score(state, actor, now)


def legal(state: State) -> set[str]:
    """The host may close the answers early, or give more time."""
    return {"close_answers", "add_time"} if state["phase"] == "collecting" else set()


def view(state: State, role: str) -> dict:
    """How many answers are in; the host sees them."""
    q = state["q"]
    if q is None or q["kind"] != kind:
        return {}
    out: dict = {"answered_count": answered_count(state)}
    if role == "host":
        out["submissions"] = q["answers"]
    return out


def expire(state: State, at: int) -> list[Event]:
    """The answer time is over: answers close (scored at the reveal)."""
    return close(state)


player_commands = {"answer": cmd_player_answer}
host_commands = {"close_answers": cmd_close_answers, "add_time": cmd_add_time}
expiries = {kind: expire}
settings = common.round_settings
check_question = common.any_question
enter = common.no_preparation
advance = flow.advance_in_order
teams = common.everyone
points = common.question_points
wrong_points = common.settings_wrong_points
scored = common.always_scored
reason = common.plain_reason
on_right = common.nothing_more
