"""Reviewing a contest's drawn questions before the night: load, act, commit.

The rules are in ``quiz.engine.review_rules`` (pure) and the engine's ``arrange_round``; this
module reads the contest, the engine state and the bank, and writes the result: question
lists go through the command log (``arrange_round``), pins and spares into the contest's
setup JSON (``setup["review"]``). Every change is refused once the contest has started.
"""
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from question_bank import service as bank
from quiz.base.extensions import db
from quiz.engine import review_rules as rules
from quiz.engine.arrange import started
from quiz.live import runtime
from quiz.record.models import Contest, QuestionUse

ORGANIZER = {"role": "host", "name": "organizer"}
CHOOSER_LIMIT = 60
STARTED = _l("The contest has started: its questions can no longer be changed here. "
             "Use 换题 (swap) in the host console.")


class ReviewError(Exception):
    """A review change that cannot be made; ``message`` is shown to the organizer."""

    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.status = status


def contest(code: str) -> Contest:
    found = Contest.query.filter_by(code=code).one_or_none()
    if found is None:
        raise ReviewError(_l("There is no contest with this code."), 404)
    return found


def _state(c: Contest) -> dict:
    return runtime.fresh(c.code).state


def _round(state: dict, round_id) -> tuple[int, dict]:
    for i, rnd in enumerate(state["rounds"]):
        if rnd["id"] == round_id:
            return i, rnd
    raise ReviewError(_l("There is no such round in this contest."), 404)


def _refuse_if_started(state: dict) -> None:
    if started(state):
        raise ReviewError(STARTED, 409)


def _bank_id_of(name_or_id):
    found = bank.find_bank(name_or_id)
    return found.id if found else None


def _fit_dict(q) -> dict:
    """What a draw filter compares: the question's bank, type, category and difficulty."""
    return {"bank": q.bank_id, "type": q.type, "category": q.category or None,
            "difficulty": q.difficulty, "level": q.points}


def _contest_bank_ids(state: dict, part: dict) -> set[int]:
    """Bank questions already in the contest: in any round, or set aside as a spare."""
    ids = {q["bank_id"] for q in state["questions"].values() if q.get("bank_id")}
    for values in part["spares"].values():
        ids.update(values)
    return ids


# ------------------------------------------------------------------------------ reading


def load(code: str) -> dict:
    """Everything the review page and the 题本 show: rounds, questions in order, pins, spares."""
    c = contest(code)
    state = _state(c)
    part = rules.review_part(c.setup)
    all_bank = {q["bank_id"] for q in state["questions"].values() if q.get("bank_id")}
    spare_ids = {b for values in part["spares"].values() for b in values}
    rows = bank.questions_by_id(all_bank | spare_ids)
    rounds = []
    for i, rnd in enumerate(state["rounds"]):
        pins = set(rules.pinned(part, rnd["id"]))
        questions = []
        for n, qid in enumerate(rnd["question_ids"], start=1):
            q = dict(state["questions"][str(qid)], number=n, pinned=qid in pins)
            row = rows.get(q.get("bank_id"))
            q["difficulty"] = row.difficulty if row is not None else None
            questions.append(q)
        spares = [dict(bank.question_to_dict(rows[b]), used=b in all_bank)
                  for b in rules.spares(part, rnd["id"]) if b in rows]
        rounds.append({"id": rnd["id"], "index": i, "kind": rnd["kind"], "title": rnd["title"],
                       "draws": rules.round_draws(c.setup, i), "questions": questions,
                       "spares": spares, "settings": rnd["settings"]})
    return {"contest": c, "started": started(state), "rounds": rounds}


def chooser(code: str, round_id: int, search: str | None = None) -> dict:
    """Bank questions that fit round ``round_id`` and are not in the contest yet (searchable)."""
    c = contest(code)
    state = _state(c)
    index, _rnd = _round(state, round_id)
    part = rules.review_part(c.setup)
    taken = _contest_bank_ids(state, part)
    draws = rules.round_draws(c.setup, index) or [{"bank": c.setup.get("bank")}]
    found: dict[int, object] = {}
    for d in draws:
        for q in bank.find_questions(d.get("bank"), d.get("category"), d.get("type"),
                                     d.get("difficulty"), search=(search or "").strip() or None,
                                     limit=CHOOSER_LIMIT * 4):
            if q.id not in taken and q.id not in found:
                found[q.id] = q
    items = [bank.question_to_dict(q) for q in list(found.values())[:CHOOSER_LIMIT]]
    return {"round": round_id, "search": search or "", "items": items,
            "more": len(found) > CHOOSER_LIMIT}


# ------------------------------------------------------------------------------ changes


def _arrange(c: Contest, round_id: int, questions: list[dict]) -> None:
    """Commit a round's new question list through the engine, then the bank-use records."""
    try:
        rt, events = runtime.execute(c.code, {"type": "arrange_round", "round": round_id,
                                              "questions": questions, "actor": ORGANIZER})
    except runtime.Refused as err:
        if err.code == "contest_started":
            raise ReviewError(STARTED, 409) from None
        reason = err.message_zh if str(get_locale()).startswith("zh") else err.message
        raise ReviewError(_l("The change was refused: %(reason)s", reason=reason)) from err
    _sync_uses(c.id, rt.state)
    runtime.publish_safely(rt, events, by_host=True)


def _sync_uses(contest_id: int, state: dict) -> None:
    """Before the start, the contest uses exactly the bank questions its rounds hold."""
    held = {q["bank_id"] for q in state["questions"].values() if q.get("bank_id")}
    have = set(db.session.scalars(select(QuestionUse.bank_question_id)
                                  .where(QuestionUse.contest_id == contest_id)))
    gone = have - held
    if gone:
        db.session.execute(delete(QuestionUse).where(QuestionUse.contest_id == contest_id,
                                                     QuestionUse.bank_question_id.in_(gone)))
    for b in held - have:
        db.session.add(QuestionUse(contest_id=contest_id, bank_question_id=b))
    db.session.commit()


def _save_part(c: Contest, part: dict) -> None:
    c.setup = rules.with_review(c.setup, part)
    db.session.commit()


def _questions(state: dict, rnd: dict) -> list[dict]:
    return [dict(state["questions"][str(qid)]) for qid in rnd["question_ids"]]


def _fitting(c: Contest, state: dict, index: int, bank_qid):
    """The bank question ``bank_qid`` when it fits round ``index`` and is not in the contest."""
    if not isinstance(bank_qid, int):
        raise ReviewError(_l("Choose a question from the list."))
    q = bank.get_question(bank_qid)
    if q is None:
        raise ReviewError(_l("That question is not in the bank (any more)."), 404)
    if bank_qid in _contest_bank_ids(state, rules.review_part(c.setup)):
        raise ReviewError(_l("That question is already used in this contest."), 409)
    draws = rules.round_draws(c.setup, index) or [{"bank": c.setup.get("bank")}]
    if not any(rules.matches(_fit_dict(q), d, _bank_id_of) for d in draws):
        raise ReviewError(_l("That question does not fit this round's filters "
                             "(bank, type, category, difficulty)."))
    return q


def _question_index(rnd: dict, qid) -> int:
    if qid not in rnd["question_ids"]:
        raise ReviewError(_l("That question is not in this round."), 404)
    return rnd["question_ids"].index(qid)


def swap(code: str, round_id: int, qid: int, bank_qid: int) -> None:
    """Put bank question ``bank_qid`` in the place of question ``qid`` (its level kept)."""
    c = contest(code)
    state = _state(c)
    _refuse_if_started(state)
    index, rnd = _round(state, round_id)
    at = _question_index(rnd, qid)
    new = _fitting(c, state, index, bank_qid)
    questions = _questions(state, rnd)
    d = bank.question_to_dict(new)
    d["id"] = rules.next_question_id(state["questions"])
    d["level"] = questions[at].get("level")
    questions[at] = d
    _arrange(c, round_id, questions)
    part = rules.review_part(c.setup)
    part["pinned"][str(round_id)] = [p for p in rules.pinned(part, round_id) if p != qid]
    _save_part(c, part)


def move(code: str, round_id: int, qid: int, delta: int) -> None:
    """Move question ``qid`` one place up (-1) or down (+1) in its round."""
    c = contest(code)
    state = _state(c)
    _refuse_if_started(state)
    _index, rnd = _round(state, round_id)
    _question_index(rnd, qid)
    if delta not in (-1, 1):
        raise ReviewError(_l("A question moves one place up or down."))
    order = rules.move(rnd["question_ids"], qid, delta)
    if order == rnd["question_ids"]:
        return
    by_id = {q["id"]: q for q in _questions(state, rnd)}
    _arrange(c, round_id, [by_id[i] for i in order])


def pin(code: str, round_id: int, qid: int) -> bool:
    """Pin question ``qid`` (a redraw keeps it), or unpin it; returns whether it is pinned."""
    c = contest(code)
    state = _state(c)
    _refuse_if_started(state)
    _index, rnd = _round(state, round_id)
    _question_index(rnd, qid)
    part = rules.review_part(c.setup)
    now = rules.toggle(rules.pinned(part, round_id), qid)
    part["pinned"][str(round_id)] = now
    _save_part(c, part)
    return qid in now


def spare(code: str, round_id: int, bank_qid: int) -> bool:
    """Set bank question ``bank_qid`` aside as a spare of the round, or take it off the list."""
    c = contest(code)
    state = _state(c)
    _refuse_if_started(state)
    index, _rnd = _round(state, round_id)
    part = rules.review_part(c.setup)
    current = rules.spares(part, round_id)
    if bank_qid not in current:
        _fitting(c, state, index, bank_qid)
    now = rules.toggle(current, bank_qid)
    part["spares"][str(round_id)] = now
    _save_part(c, part)
    return bank_qid in now


def redraw(code: str, round_id: int) -> int:
    """Draw the round's unpinned bank questions anew, each from the draw it came from.

    Each new question is new to the contest (not in any round, not a spare). Pinned
    questions and questions written into the contest file stay in their places.
    Returns how many questions were replaced.
    """
    c = contest(code)
    state = _state(c)
    _refuse_if_started(state)
    index, rnd = _round(state, round_id)
    part = rules.review_part(c.setup)
    questions = _questions(state, rnd)
    from_bank = {q["id"] for q in questions if q.get("bank_id")}
    slots = rules.redraw_slots(rnd["question_ids"], rules.pinned(part, round_id), from_bank)
    draws = rules.round_draws(c.setup, index) or [{"bank": c.setup.get("bank")}]
    rows = bank.questions_by_id([questions[i]["bank_id"] for i in slots])
    # a redraw brings questions new to the contest (a slot with nothing new left stays)
    exclude = _contest_bank_ids(state, part) | _used_elsewhere(c)
    next_id = rules.next_question_id(state["questions"])
    for i in slots:
        old = questions[i]
        fit = dict(_fit_dict(rows[old["bank_id"]]), level=old.get("level")) \
            if old["bank_id"] in rows else {}
        d = rules.draw_of(fit, draws, _bank_id_of) or draws[0]
        found = bank.draw(bank=d.get("bank"), category=d.get("category"), type=d.get("type"),
                          difficulty=d.get("difficulty"), count=1, order="random",
                          exclude_ids=tuple(exclude))
        if not found:
            continue  # nothing else fits: the question stays
        new = bank.question_to_dict(found[0])
        new["id"], new["level"] = next_id, old.get("level")
        next_id += 1
        exclude.add(new["bank_id"])
        questions[i] = new
    replaced = sum(1 for i in slots if questions[i]["id"] != rnd["question_ids"][i])
    if replaced:
        _arrange(c, round_id, questions)
    return replaced


def _used_elsewhere(c: Contest) -> set[int]:
    """Bank questions other contests used, when this contest's file asks to skip them."""
    if not c.setup.get("exclude_used"):
        return set()
    return set(db.session.scalars(select(QuestionUse.bank_question_id)
                                  .where(QuestionUse.contest_id != c.id)))
