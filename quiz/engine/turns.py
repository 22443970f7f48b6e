"""Questions that belong to one team at a time (必答, 抢答 after a buzz, 风险, 加赛):
judging, phone answers, timeouts and re-judging."""
from __future__ import annotations

from . import registry
from .buzz import eligible_teams, has_buzzers, reopen
from .checks import AUTO_GRADED, grade, need_bool, need_id, parse_answer
from .errors import RuleError
from .ledger import undo_last
from .state import (
    SYSTEM_ACTOR,
    add_score,
    clear_deadline,
    clone,
    ensure_not_paused,
    push_undo,
    q_settings,
    question,
    require_q,
    set_deadline,
    snapshot,
    team,
)
from .types import LiveQuestion, State


def _fmt(state: State):
    return registry.get(state["q"]["kind"])


def right_points(state: State) -> int:
    """What a right answer to the current question earns (0 when its format is unscored)."""
    return _fmt(state).points(state) if _fmt(state).scored(state) else 0


def wrong_points(state: State, timeout: bool) -> int:
    """What a wrong answer (or a timeout) to the current question costs (≤ 0)."""
    return _fmt(state).wrong_points(state, timeout) if _fmt(state).scored(state) else 0


def start_turn(state: State, q: LiveQuestion, now: int) -> list[dict]:
    """The team with the turn answers, with time_limit (or answer_time) on the clock."""
    seconds = question(state, q["id"])["time_limit"] or q_settings(state)["answer_time"]
    q["duration_ms"] = seconds * 1000
    state["phase"] = "answering"
    set_deadline(state, now + seconds * 1000, "answer", now)
    return []


def judge_turn(state: State, team_id: int, correct: bool, actor: dict, now: int,
               timeout: bool = False) -> list[dict]:
    """Score the team that has the turn and move the question on (validated by the caller)."""
    q = state["q"]
    rec = push_undo(state, "timeout" if timeout else "judge", actor, now)
    q["last_judgement"] = {"team": team_id, "correct": correct, "timeout": timeout,
                           "undo_id": rec["id"], "by": actor["role"]}
    t = team(state, team_id)
    fmt = _fmt(state)
    delta = right_points(state) if correct else wrong_points(state, timeout)
    kind = "timeout" if timeout else fmt.record["score_kind"]
    reason = fmt.reason(q, {True: "答对", False: "超时" if timeout else "答错"}[correct])
    add_score(state, team_id, delta, kind, reason, actor, now, rec, q["id"])
    if fmt.scored(state):
        t["right" if correct else "wrong"] += 1
    events = [{"type": "judged", "team": team_id, "correct": correct, "delta": delta,
               "timeout": timeout}]
    if correct:
        q["outcome"] = "right"
        q["turn"] = None
        state["phase"] = "closed"
        clear_deadline(state)
        return events + fmt.on_right(state, team_id)
    return events + _after_wrong(state, team_id, now)


def _after_wrong(state: State, team_id: int, now: int) -> list[dict]:
    q = state["q"]
    q["turn"] = None
    if has_buzzers(q):
        if team_id not in q["locked_out"]:
            q["locked_out"].append(team_id)
        if q_settings(state)["reopen_after_wrong"] and eligible_teams(state):
            return reopen(state, now)
    q["outcome"] = "wrong"
    state["phase"] = "closed"
    clear_deadline(state)
    return [{"type": "question_closed", "outcome": "wrong"}]


def cmd_judge(state: State, cmd: dict, now: int) -> list[dict]:
    """Host rules an answer right or wrong; on a closed question it re-judges the last ruling
    if nothing undoable happened since."""
    q = require_q(state, cmd)
    team_id = need_id(cmd, "team")
    team(state, team_id)
    correct = need_bool(cmd, "correct")
    fmt = _fmt(state)
    if "judge" not in fmt.host_commands:
        raise RuleError("wrong_phase", f"{fmt.labels['en']} questions are scored at reveal",
                        f"{fmt.labels['zh']}在公布答案时计分")
    if state["phase"] == "answering":
        if team_id != q["turn"]:
            raise RuleError("not_your_turn", "that team does not have the turn",
                            "该队没有答题权")
        return judge_turn(state, team_id, correct, cmd["actor"], now)
    last = q["last_judgement"]
    if (state["phase"] == "closed" and last is not None and last["team"] == team_id
            and state["undo"] and state["undo"][-1]["id"] == last["undo_id"]):
        return _rejudge(state, team_id, correct, cmd["actor"], now)
    raise RuleError("wrong_phase", "nobody is answering this question now", "当前没有队伍在答题")


def _rejudge(state: State, team_id: int, correct: bool, actor: dict, now: int) -> list[dict]:
    """Replace the last ruling: undo it, then rule again. Undoing the re-judgement returns to
    exactly before it (the question closed with the first ruling, that ruling's entries live
    again and undoable again), as docs/rules.md says of every undo."""
    before = snapshot(state)
    first = clone(state["undo"][-1])  # undo_last hands its snapshot's objects to the state
    start = len(state["log"])
    events = undo_last(state, actor, now)
    reversals = [e["id"] for e in state["log"][start:] if e.get("undoes") in first["entries"]]
    events += judge_turn(state, team_id, correct, actor, now)
    rec = state["undo"][-1]
    rec["snapshot"] = before
    rec["rejudged"] = {"record": first, "reversals": reversals}
    return events


def cmd_turn_answer(state: State, cmd: dict, now: int, team_id: int) -> list[dict]:
    """The team with the turn answers on its phone: choice/true-false are judged at once,
    a typed answer waits for the host (the clock stops)."""
    q = require_q(state, cmd)
    ensure_not_paused(state)
    qdata = question(state, q["id"])
    answer = parse_answer(qdata, cmd.get("answer"))
    if state["phase"] in ("closed",):
        raise RuleError("too_late", "this question is over", "本题已结束")
    if state["phase"] != "answering":
        raise RuleError("wrong_phase", "answers are not taken now", "现在不能作答")
    if team_id != q["turn"]:
        raise RuleError("not_your_turn", "it is not your team's turn", "还没轮到你们")
    if qdata["type"] in AUTO_GRADED:
        events = judge_turn(state, team_id, grade(qdata, answer) == "right", cmd["actor"], now)
        q["submissions"][str(team_id)] = {"answer": answer, "at": now}
        return events
    if str(team_id) in q["submissions"]:
        raise RuleError("already_answered", "your answer is already in", "已经作答")
    q["submissions"][str(team_id)] = {"answer": answer, "at": now}
    clear_deadline(state)
    return [{"type": "answer_submitted", "team": team_id}]


def expire_answer(state: State, at: int) -> list[dict]:
    """The answer time ran out: a timeout counts as wrong."""
    return judge_turn(state, state["q"]["turn"], False, SYSTEM_ACTOR, at, timeout=True)
