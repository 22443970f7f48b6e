"""Arranging a round's questions before the contest starts (the organizer's review).

``arrange_round`` replaces the whole question list of one round, in the order given, in a
single command: a swap, a move, a pin-keeping redraw are all one such command, so every
process replays the same list from the command log. It is refused once the contest has
started (a round was started, or a question is on the floor): from then on only the
host's ``swap_question`` changes questions.
"""
from __future__ import annotations

from . import registry
from .checks import need_id, validate_question
from .errors import RuleError
from .types import State

MAX_ROUND_QUESTIONS = 1000


def started(state: State) -> bool:
    """Whether the contest has left the lobby: a round was started or a question was shown."""
    if state["phase"] != "lobby" or state["q"] is not None or state["tiebreak"] is not None:
        return True
    return any(p["started"] or p["used"] for p in state["progress"].values())


def refuse_if_started(state: State) -> None:
    if started(state):
        raise RuleError("contest_started",
                        "The contest has started: its questions can no longer be changed here.",
                        "比赛已经开始，不能再在这里更改题目。")


def cmd_arrange_round(state: State, cmd: dict, now: int) -> list[dict]:
    """Set round ``round``'s questions to ``questions`` (full question objects, in order)."""
    refuse_if_started(state)
    rid = need_id(cmd, "round")
    rnd = next((r for r in state["rounds"] if r["id"] == rid), None)
    if rnd is None:
        raise RuleError("unknown_round", f"no round {rid}", f"没有编号为 {rid} 的环节")
    raw = cmd.get("questions")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_ROUND_QUESTIONS:
        raise RuleError("bad_command", "a round needs 1 to 1000 questions",
                        "每个环节须有 1 到 1000 道题")
    mine = set(rnd["question_ids"])
    others = {k for k in state["questions"] if int(k) not in mine}
    new, seen = [], set()
    for i, qd in enumerate(raw):
        q = validate_question(qd, "bad_command", f"questions[{i}].")
        if q["id"] in seen or str(q["id"]) in others:
            raise RuleError("bad_command", f"question id {q['id']} is used twice",
                            f"题目编号 {q['id']} 重复")
        registry.get(rnd["kind"]).check_question(q, rnd["settings"], "bad_command", "")
        seen.add(q["id"])
        new.append(q)
    for qid in rnd["question_ids"]:
        del state["questions"][str(qid)]
    for q in new:
        state["questions"][str(q["id"])] = q
    rnd["question_ids"] = [q["id"] for q in new]
    return [{"type": "round_arranged", "round": rid}]
