"""Moving through the contest: rounds, questions, reveal, next, pause, tie-breaks, finish."""
from __future__ import annotations

from . import registry
from .checks import is_int, need_id, validate_question
from .errors import RuleError
from .standings import standings
from .state import (
    clear_deadline,
    current_round,
    new_q,
    progress,
    require_q,
    unused_questions,
)
from .types import State

TIEBREAK_FROM = ("round_intro", "closed", "round_end", "finished")
ACTIVE = ("reading", "open", "deciding", "answering", "collecting")   # a question is live


def _round_by_id(state: State, rid: object) -> int:
    if not is_int(rid):
        raise RuleError("bad_command", "round must be a round id", "环节编号错误")
    for i, rnd in enumerate(state["rounds"]):
        if rnd["id"] == rid:
            return i
    raise RuleError("unknown_round", f"no round {rid}", f"没有编号为 {rid} 的环节")


def enter_round(state: State, index: int) -> list[dict]:
    """Start a round: its intro screen."""
    rnd = state["rounds"][index]
    state["round_index"] = index
    state["q"] = None
    state["tiebreak"] = None
    state["phase"] = "round_intro"
    clear_deadline(state)
    prog = progress(state)
    prog["started"] = True
    registry.get(rnd["kind"]).enter(state, rnd)
    return [{"type": "round_started", "round": rnd["id"], "kind": rnd["kind"]}]


def after_finish(state: State) -> bool:
    """True during a tie-break played after the finish (only 'next' leads back)."""
    return state["tiebreak"] is not None and state["tiebreak"]["from"] == "finished"


def cmd_start_round(state: State, cmd: dict, now: int) -> list[dict]:
    """Host starts a round that has not been played."""
    index = _round_by_id(state, cmd.get("round"))
    if state["phase"] in ACTIVE or after_finish(state):
        raise RuleError("wrong_phase", "finish the current question first", "请先结束当前题目")
    if state["phase"] == "finished":
        raise RuleError("wrong_phase", "the contest is finished", "比赛已结束")
    if state["progress"][str(state["rounds"][index]["id"])]["started"]:
        raise RuleError("stale_round", "that round has already been played", "该环节已进行过")
    return enter_round(state, index)


def show(state: State, qid: int, now: int) -> list[dict]:
    """Put a question of the current round on stage, as its format shows it."""
    rnd = current_round(state)
    prog = progress(state)
    prog["used"].append(qid)
    prog["shown"] += 1
    state["tiebreak"] = None
    q = new_q(qid, rnd["kind"], prog["shown"], len(rnd["question_ids"]), now)
    state["q"] = q
    clear_deadline(state)
    shown = {"type": "question_shown", "question": qid, "index": q["index"]}
    more = registry.get(rnd["kind"]).show(state, q, now)
    if q["turn"] is not None:
        shown["turn"] = q["turn"]
    return [shown] + more


def cmd_show_question(state: State, cmd: dict, now: int) -> list[dict]:
    """Host shows the next question of the round, or a chosen unused one."""
    rnd = current_round(state)
    if (rnd is None or state["phase"] not in ("round_intro", "closed", "reading", "open")
            or after_finish(state)):
        raise RuleError("wrong_phase", "no question can be shown now", "现在不能出题")
    fmt = registry.get(rnd["kind"])
    if not fmt.capabilities["host_shows"]:
        raise RuleError("wrong_phase",
                        f"in a {fmt.labels['en'].lower()} round the teams choose the questions",
                        f"{fmt.labels['zh']}环节由队伍选题")
    left = unused_questions(state, rnd)
    if cmd.get("question") is None:
        if not left:
            raise RuleError("no_more_questions", "the round has no questions left",
                            "本环节没有剩余题目")
        qid = left[0]
    else:
        qid = need_id(cmd, "question")
        if qid not in rnd["question_ids"]:
            raise RuleError("unknown_question", f"question {qid} is not in this round",
                            "本环节没有这道题")
        if qid not in left:
            raise RuleError("stale_question", f"question {qid} was already shown", "这道题已出过")
    return show(state, qid, now)


def advance(state: State, now: int) -> list[dict]:
    """The natural next step of the round, as its format says (next question, next chooser
    or the round's end)."""
    return registry.get(current_round(state)["kind"]).advance(state, now)


def advance_in_order(state: State, now: int) -> list[dict]:
    """The next unused question of the round, or the round's end."""
    rnd = current_round(state)
    left = unused_questions(state, rnd)
    if left:
        return show(state, left[0], now)
    state["q"] = None
    state["tiebreak"] = None
    state["phase"] = "round_end"
    clear_deadline(state)
    return [{"type": "round_end", "round": rnd["id"]}]


def cmd_next(state: State, cmd: dict, now: int) -> list[dict]:
    """Host's 'next step': start, next question, next round or the finish."""
    phase = state["phase"]
    if phase in ("answering", "deciding", "collecting", "choosing", "finished"):
        raise RuleError("wrong_phase", "finish the current step first", "请先完成当前步骤")
    if phase in ("lobby", "round_end"):
        start = 0 if state["round_index"] is None else state["round_index"] + 1
        for i in range(start, len(state["rounds"])):
            if not state["progress"][str(state["rounds"][i]["id"])]["started"]:
                return enter_round(state, i)
        return finish(state, now)
    if after_finish(state):
        return finish(state, now)
    if state["tiebreak"] is not None and state["tiebreak"]["from"] == "round_end":
        state["tiebreak"] = None
        state["q"] = None
        state["phase"] = "round_end"
        clear_deadline(state)
        return [{"type": "round_end", "round": current_round(state)["id"]}]
    return advance(state, now)


def finish(state: State, now: int) -> list[dict]:
    """End the contest; the views then carry the final standings."""
    state["phase"] = "finished"
    state["q"] = None
    state["tiebreak"] = None
    state["paused"] = False
    state["paused_remaining_ms"] = None
    clear_deadline(state)
    state["finished_at"] = now
    return [{"type": "finished", "top": [s["team"] for s in standings(state) if s["rank"] == 1]}]


def cmd_finish(state: State, cmd: dict, now: int) -> list[dict]:
    """Host ends the contest."""
    if state["phase"] == "finished":
        raise RuleError("wrong_phase", "the contest is already finished", "比赛已结束")
    return finish(state, now)


def cmd_reveal(state: State, cmd: dict, now: int) -> list[dict]:
    """Host reveals the answer; an all-answer question is scored now."""
    q = require_q(state, cmd)
    if q["revealed"]:
        raise RuleError("already_revealed", "the answer is already revealed", "答案已公布")
    phase = state["phase"]
    if phase in ("answering", "deciding"):
        raise RuleError("wrong_phase", "judge the answer before revealing", "请先判定答案")
    events = registry.get(q["kind"]).reveal(state, cmd["actor"], now)
    q["revealed"] = True
    return events + [{"type": "revealed", "question": q["id"]}]


def cmd_pause(state: State, cmd: dict, now: int) -> list[dict]:
    """Freeze the clock: the active deadline becomes remaining ms."""
    if state["paused"] or state["phase"] == "finished":
        raise RuleError("wrong_phase", "already paused or finished", "已暂停或已结束")
    remaining = None if state["deadline"] is None else max(0, state["deadline"] - now)
    state["paused"] = True
    state["paused_remaining_ms"] = remaining
    state["deadline"] = None
    return [{"type": "paused", "remaining_ms": remaining}]


def cmd_resume(state: State, cmd: dict, now: int) -> list[dict]:
    """Restart the clock with the remaining time."""
    if not state["paused"]:
        raise RuleError("wrong_phase", "the contest is not paused", "比赛未暂停")
    remaining = state["paused_remaining_ms"]
    state["paused"] = False
    state["paused_remaining_ms"] = None
    state["deadline"] = None if remaining is None else now + remaining
    return [{"type": "resumed", "deadline": state["deadline"]}]


def cmd_lock_lobby(state: State, cmd: dict, now: int) -> list[dict]:
    """Refuse new joins (the live layer enforces it)."""
    return _lobby(state, True)


def cmd_unlock_lobby(state: State, cmd: dict, now: int) -> list[dict]:
    """Accept joins again."""
    return _lobby(state, False)


def _lobby(state: State, locked: bool) -> list[dict]:
    if state["lobby_locked"] == locked:
        return []
    state["lobby_locked"] = locked
    return [{"type": "lobby_locked" if locked else "lobby_unlocked"}]


def cmd_swap_question(state: State, cmd: dict, now: int) -> list[dict]:
    """Replace a question not yet shown (or shown for reading, with no buzz yet)."""
    qid = need_id(cmd, "question")
    new = validate_question(cmd.get("replacement"))
    where = None
    for rnd in state["rounds"]:
        if qid in rnd["question_ids"]:
            where = rnd
    if where is None:
        raise RuleError("unknown_question", f"no question {qid}", f"没有编号为 {qid} 的题目")
    q = state["q"]
    is_current = q is not None and q["id"] == qid
    used = qid in state["progress"][str(where["id"])]["used"]
    if used and not (is_current and state["phase"] == "reading" and not q["buzzes"]):
        raise RuleError("stale_question", "only a question not yet opened can be swapped",
                        "只能替换尚未开始的题目")
    if new["id"] != qid and str(new["id"]) in state["questions"]:
        raise RuleError("bad_command", f"question id {new['id']} is already used",
                        f"题目编号 {new['id']} 已被使用")
    registry.get(where["kind"]).check_question(new, where["settings"], "bad_command", "")
    del state["questions"][str(qid)]
    state["questions"][str(new["id"])] = new
    where["question_ids"][where["question_ids"].index(qid)] = new["id"]
    if used:
        prog = state["progress"][str(where["id"])]
        prog["used"][prog["used"].index(qid)] = new["id"]
        q["id"] = new["id"]
    return [{"type": "question_swapped", "old": qid, "new": new["id"]}]
