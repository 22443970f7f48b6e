"""Questions drawn during a contest: a swap's replacement and a tie-break's question.

The review's marked spares come first (``setup["review"]``, rules in
``quiz.engine.review_rules``), then an unused bank question; the bank is reached only
through ``question_bank.service``. A drawn question counts as used once the rules took it.
"""
from sqlalchemy import select

from question_bank import service as bank
from quiz import engine
from quiz.base.extensions import db
from quiz.engine import review_rules as rules
from quiz.live.runtime import Refused
from quiz.record.models import Contest, QuestionUse


def used_question_ids() -> set[int]:
    """Bank questions that any contest has used."""
    return set(db.session.scalars(select(QuestionUse.bank_question_id)))


def take_spare(rt, question_id) -> dict | None:
    """The first marked spare of the round holding ``question_id``, ready to swap in.

    None when the round has no spare left (the host's swap then draws from the bank).
    """
    c = db.session.get(Contest, rt.contest_id)
    part = rules.review_part(c.setup if c else None)
    rnd = next((r for r in rt.state["rounds"] if question_id in r["question_ids"]), None)
    if rnd is None:
        return None
    # a spare swapped in and out again was used: it is in the contest's bank-use records
    in_contest = {q["bank_id"] for q in rt.state["questions"].values() if q.get("bank_id")}
    in_contest |= set(db.session.scalars(select(QuestionUse.bank_question_id)
                                         .where(QuestionUse.contest_id == rt.contest_id)))
    rows = bank.questions_by_id(rules.spares(part, rnd["id"]))
    pick = rules.first_spare([b for b in rules.spares(part, rnd["id"]) if b in rows], in_contest)
    if pick is None:
        return None
    q = bank.question_to_dict(rows[pick])
    q["id"] = rules.next_question_id(rt.state["questions"])
    current = rt.state["questions"].get(str(question_id)) or {}
    q["level"] = current.get("level")
    return q


def _current_question(rt) -> dict:
    view = engine.view(rt.state, "host")
    return view.get("question") or {}


def replacement(rt, question_id) -> dict:
    """A spare, else a bank question like the one being swapped (same type and category)."""
    spare = take_spare(rt, question_id)
    if spare is not None:
        return spare
    current = _current_question(rt)
    exclude = tuple(used_question_ids())
    found = bank.draw(type=current.get("type"), category=current.get("category") or None,
                      count=1, order="random", exclude_ids=exclude)
    if not found:
        found = bank.draw(type=current.get("type"), count=1, order="random", exclude_ids=exclude)
    if not found:
        raise Refused("bank_exhausted", "The bank has no unused question to swap in.",
                      "题库中没有可替换的未用题目。")
    return _adopt(rt, found[0], level=current.get("level"))


def tiebreak_question(rt) -> dict:
    """An unused bank question for a tie-break (加赛)."""
    found = bank.draw(count=1, order="random", exclude_ids=tuple(used_question_ids()))
    if not found:
        raise Refused("bank_exhausted", "The bank has no unused question for a tie-break.",
                      "题库中没有可用于加赛的未用题目。")
    return _adopt(rt, found[0])


def _adopt(rt, bank_question, level=None) -> dict:
    q = bank.question_to_dict(bank_question)
    q["id"] = max([0] + [int(k) for k in rt.state.get("questions", {})]) + 1
    if level is not None:
        q["level"] = level
    return q


def record_use(contest_id: int, question: dict) -> None:
    """Remember that a drawn bank question went into the contest (after the rules took it)."""
    if question.get("bank_id"):
        db.session.add(QuestionUse(contest_id=contest_id, bank_question_id=question["bank_id"]))
        db.session.commit()
