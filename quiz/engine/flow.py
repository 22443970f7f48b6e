"""Moving through the contest: rounds, questions, reveal, next, pause, tie-breaks, finish."""
from __future__ import annotations

from . import all_answer, wager
from .buzz import end_unanswered
from .checks import is_int, need_id, validate_question
from .errors import RuleError
from .standings import standings
from .state import (
    clear_deadline,
    current_round,
    drawn_order,
    new_q,
    progress,
    question,
    require_q,
    set_deadline,
    team,
    unused_questions,
)

TIEBREAK_FROM = ("round_intro", "closed", "round_end", "finished")
ACTIVE = ("reading", "open", "deciding", "answering", "collecting")   # a question is live


def _round_by_id(state: dict, rid: object) -> int:
    if not is_int(rid):
        raise RuleError("bad_command", "round must be a round id", "环节编号错误")
    for i, rnd in enumerate(state["rounds"]):
        if rnd["id"] == rid:
            return i
    raise RuleError("unknown_round", f"no round {rid}", f"没有编号为 {rid} 的环节")


def enter_round(state: dict, index: int) -> list[dict]:
    """Start a round: its intro screen."""
    rnd = state["rounds"][index]
    state["round_index"] = index
    state["q"] = None
    state["tiebreak"] = None
    state["phase"] = "round_intro"
    clear_deadline(state)
    prog = progress(state)
    prog["started"] = True
    if rnd["kind"] == "compulsory":
        prog["order"] = drawn_order(state, rnd)
    return [{"type": "round_started", "round": rnd["id"], "kind": rnd["kind"]}]


def after_finish(state: dict) -> bool:
    """True during a tie-break played after the finish (only 'next' leads back)."""
    return state["tiebreak"] is not None and state["tiebreak"]["from"] == "finished"


def cmd_start_round(state: dict, cmd: dict, now: int) -> list[dict]:
    """Host starts a round that has not been played."""
    index = _round_by_id(state, cmd.get("round"))
    if state["phase"] in ACTIVE or after_finish(state):
        raise RuleError("wrong_phase", "finish the current question first", "请先结束当前题目")
    if state["phase"] == "finished":
        raise RuleError("wrong_phase", "the contest is finished", "比赛已结束")
    if state["progress"][str(state["rounds"][index]["id"])]["started"]:
        raise RuleError("stale_round", "that round has already been played", "该环节已进行过")
    return enter_round(state, index)


def show(state: dict, qid: int, now: int) -> list[dict]:
    """Put a question of the current (non-wager) round on stage."""
    rnd = current_round(state)
    prog = progress(state)
    prog["used"].append(qid)
    prog["shown"] += 1
    state["tiebreak"] = None
    q = new_q(qid, rnd["kind"], prog["shown"], len(rnd["question_ids"]), now)
    state["q"] = q
    clear_deadline(state)
    events = [{"type": "question_shown", "question": qid, "index": q["index"]}]
    settings = rnd["settings"]
    if rnd["kind"] == "compulsory":
        order = prog["order"]
        q["turn"] = order[(prog["shown"] - 1) % len(order)]
        seconds = question(state, qid)["time_limit"] or settings["answer_time"]
        q["duration_ms"] = seconds * 1000
        state["phase"] = "answering"
        set_deadline(state, now + seconds * 1000, "answer", now)
        events[0]["turn"] = q["turn"]
    elif rnd["kind"] == "buzz":
        state["phase"] = "reading"
        if settings["auto_open_s"] is not None:
            set_deadline(state, now + settings["auto_open_s"] * 1000, "auto_open", now)
    else:
        events += all_answer.begin(state, q, now)
    return events


def cmd_show_question(state: dict, cmd: dict, now: int) -> list[dict]:
    """Host shows the next question of the round, or a chosen unused one."""
    rnd = current_round(state)
    if (rnd is None or state["phase"] not in ("round_intro", "closed", "reading", "open")
            or after_finish(state)):
        raise RuleError("wrong_phase", "no question can be shown now", "现在不能出题")
    if rnd["kind"] == "wager":
        raise RuleError("wrong_phase", "in a wager round the teams choose the questions",
                        "风险环节由队伍选题")
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


def advance(state: dict, now: int) -> list[dict]:
    """The natural next step of the round: next question, next chooser or the round's end."""
    rnd = current_round(state)
    if rnd["kind"] == "wager":
        return wager.begin_choosing(state)
    left = unused_questions(state, rnd)
    if left:
        return show(state, left[0], now)
    state["q"] = None
    state["tiebreak"] = None
    state["phase"] = "round_end"
    clear_deadline(state)
    return [{"type": "round_end", "round": rnd["id"]}]


def cmd_next(state: dict, cmd: dict, now: int) -> list[dict]:
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


def finish(state: dict, now: int) -> list[dict]:
    """End the contest; the views then carry the final standings."""
    state["phase"] = "finished"
    state["q"] = None
    state["tiebreak"] = None
    state["paused"] = False
    state["paused_remaining_ms"] = None
    clear_deadline(state)
    state["finished_at"] = now
    return [{"type": "finished", "top": [s["team"] for s in standings(state) if s["rank"] == 1]}]


def cmd_finish(state: dict, cmd: dict, now: int) -> list[dict]:
    """Host ends the contest."""
    if state["phase"] == "finished":
        raise RuleError("wrong_phase", "the contest is already finished", "比赛已结束")
    return finish(state, now)


def cmd_reveal(state: dict, cmd: dict, now: int) -> list[dict]:
    """Host reveals the answer; an all-answer question is scored now."""
    q = require_q(state, cmd)
    if q["revealed"]:
        raise RuleError("already_revealed", "the answer is already revealed", "答案已公布")
    phase = state["phase"]
    if phase in ("answering", "deciding"):
        raise RuleError("wrong_phase", "judge the answer before revealing", "请先判定答案")
    events: list[dict] = []
    if phase in ("reading", "open"):
        events += end_unanswered(state)
    elif phase == "collecting":
        events += all_answer.close(state)
    if q["kind"] == "all_answer":
        events += all_answer.score(state, cmd["actor"], now)
    q["revealed"] = True
    return events + [{"type": "revealed", "question": q["id"]}]


def cmd_pause(state: dict, cmd: dict, now: int) -> list[dict]:
    """Freeze the clock: the active deadline becomes remaining ms."""
    if state["paused"] or state["phase"] == "finished":
        raise RuleError("wrong_phase", "already paused or finished", "已暂停或已结束")
    remaining = None if state["deadline"] is None else max(0, state["deadline"] - now)
    state["paused"] = True
    state["paused_remaining_ms"] = remaining
    state["deadline"] = None
    return [{"type": "paused", "remaining_ms": remaining}]


def cmd_resume(state: dict, cmd: dict, now: int) -> list[dict]:
    """Restart the clock with the remaining time."""
    if not state["paused"]:
        raise RuleError("wrong_phase", "the contest is not paused", "比赛未暂停")
    remaining = state["paused_remaining_ms"]
    state["paused"] = False
    state["paused_remaining_ms"] = None
    state["deadline"] = None if remaining is None else now + remaining
    return [{"type": "resumed", "deadline": state["deadline"]}]


def cmd_lock_lobby(state: dict, cmd: dict, now: int) -> list[dict]:
    """Refuse new joins (the live layer enforces it)."""
    return _lobby(state, True)


def cmd_unlock_lobby(state: dict, cmd: dict, now: int) -> list[dict]:
    """Accept joins again."""
    return _lobby(state, False)


def _lobby(state: dict, locked: bool) -> list[dict]:
    if state["lobby_locked"] == locked:
        return []
    state["lobby_locked"] = locked
    return [{"type": "lobby_locked" if locked else "lobby_unlocked"}]


def cmd_swap_question(state: dict, cmd: dict, now: int) -> list[dict]:
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
    if where["kind"] == "wager" and new["level"] not in where["settings"]["values"]:
        raise RuleError("bad_command", "a wager question needs a level among the values",
                        "风险题须设置分值")
    del state["questions"][str(qid)]
    state["questions"][str(new["id"])] = new
    where["question_ids"][where["question_ids"].index(qid)] = new["id"]
    if used:
        prog = state["progress"][str(where["id"])]
        prog["used"][prog["used"].index(qid)] = new["id"]
        q["id"] = new["id"]
    return [{"type": "question_swapped", "old": qid, "new": new["id"]}]


def cmd_start_tiebreak(state: dict, cmd: dict, now: int) -> list[dict]:
    """A buzz-in question for the tied teams only; a right answer is a tie-break win."""
    ids = cmd.get("teams")
    if (not isinstance(ids, list) or not 2 <= len(ids) <= len(state["teams"])
            or not all(is_int(i) for i in ids) or len(set(ids)) != len(ids)):
        raise RuleError("bad_command", "teams must list at least two different team ids",
                        "加赛至少需要两支不同的队伍")
    for i in ids:
        team(state, i)
    new = validate_question(cmd.get("question"))
    if str(new["id"]) in state["questions"]:
        raise RuleError("bad_command", f"question id {new['id']} is already used",
                        f"题目编号 {new['id']} 已被使用")
    if state["phase"] not in TIEBREAK_FROM:
        raise RuleError("wrong_phase", "a tie-break starts between questions",
                        "加赛须在题目之间开始")
    from_phase = state["phase"]
    if state["tiebreak"] is not None:          # another tie-break question: keep its origin
        from_phase = state["tiebreak"]["from"]
    state["questions"][str(new["id"])] = new
    number = 1 if state["tiebreak"] is None else state["tiebreak"]["number"] + 1
    state["tiebreak"] = {"teams": sorted(ids), "question": new["id"], "winner": None,
                         "from": from_phase, "number": number}
    state["q"] = new_q(new["id"], "tiebreak", number, number, now)
    state["phase"] = "reading"
    clear_deadline(state)
    auto = state["settings"]["tiebreak"]["auto_open_s"]
    if auto is not None:
        set_deadline(state, now + auto * 1000, "auto_open", now)
    return [{"type": "tiebreak_started", "teams": sorted(ids), "question": new["id"]}]

