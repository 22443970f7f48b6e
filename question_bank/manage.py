"""Managing banks and questions by hand: create, rename, merge, move, duplicate, bulk changes.

Rules:
- A bank name is 1 to 120 characters after trimming, and unique.
- A question's fingerprint is unique within its bank (models.py): a question that would land in
  a bank already holding the same question (moving, merging, duplicating) is not written there;
  it is reported as a duplicate with the id of the question it matches.
- Merging A into B moves every question of A that B lacks, drops the ones B already has
  (reported), and removes A, in one transaction.
- Every function that writes commits once, or changes nothing (``ManageError``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update

from quiz.base.extensions import db

from . import media_db, normalize
from . import messages as m
from .fields import STORED_FIELDS
from .media_collect import fingerprint
from .models import Bank, Question, QuestionMedia

NAME_MAX = 120
DIFFICULTIES = ("easy", "medium", "hard")
CATEGORY_MAX = 120
_SLICE = 500  # ids per IN (...) list


class ManageError(ValueError):
    """A change refused; ``code`` names the message, ``field`` the form field it is about."""

    def __init__(self, code: str, field: str = "", **params: object) -> None:
        super().__init__(code)
        self.code, self.field, self.params = code, field, params


# --------------------------------------------------------------------------- banks


def clean_name(name: str | None) -> str:
    """A bank name as stored: trimmed; refused when empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise ManageError("bank_name_empty", "name")
    if len(name) > NAME_MAX:
        raise ManageError("bank_name_long", "name", limit=NAME_MAX)
    return name


def _name_free(name: str, except_id: int | None = None) -> None:
    other = db.session.scalar(select(Bank).where(Bank.name == name))
    if other is not None and other.id != except_id:
        raise ManageError("bank_name_taken", "name", name=name)


def create_bank(name: str | None) -> Bank:
    """A new, empty bank."""
    name = clean_name(name)
    _name_free(name)
    bank = Bank(name=name)
    db.session.add(bank)
    db.session.commit()
    return bank


def get_bank(bank_id) -> Bank:
    bank = db.session.get(Bank, int(bank_id)) if str(bank_id).isdigit() else None
    if bank is None or bank.staging is not None:  # an import's staging bank is no bank yet
        raise ManageError("bank_missing", "bank")
    return bank


def rename_bank(bank_id: int, name: str | None) -> Bank:
    bank = get_bank(bank_id)
    name = clean_name(name)
    _name_free(name, bank.id)
    bank.name = name
    db.session.commit()
    return bank


def question_count(bank_id: int) -> int:
    return db.session.scalar(select(func.count(Question.id)).where(Question.bank_id == bank_id))


@dataclass
class MovePlan:
    """What moving questions into ``target`` does: ids moving, and the duplicates staying out."""

    target: Bank
    moving: list[int] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (question, same as)
    already: int = 0  # already in the target bank

    @property
    def total(self) -> int:
        return len(self.moving) + len(self.duplicates) + self.already


def plan_move(ids, target_id) -> MovePlan:
    """Which of the questions ``ids`` (a list or a SELECT of ids) can move into the bank."""
    target = get_bank(target_id)
    plan = MovePlan(target)
    held = dict(
        db.session.execute(
            select(Question.fingerprint, Question.id).where(Question.bank_id == target.id)
        ).all()
    )
    rows = db.session.execute(
        select(Question.id, Question.bank_id, Question.fingerprint)
        .where(Question.id.in_(ids))
        .order_by(Question.id)
    )
    for qid, bank_id, fp in rows:
        if bank_id == target.id:
            plan.already += 1
        elif fp in held:
            plan.duplicates.append((qid, held[fp]))
        else:
            held[fp] = qid
            plan.moving.append(qid)
    return plan


def _move(ids: list[int], bank_id: int) -> None:
    for start in range(0, len(ids), _SLICE):
        db.session.execute(
            update(Question)
            .where(Question.id.in_(ids[start : start + _SLICE]))
            .values(bank_id=bank_id)
        )


def move_questions(ids, target_id) -> MovePlan:
    """Move the questions into the bank; duplicates of its questions stay where they are."""
    plan = plan_move(ids, target_id)
    _move(plan.moving, plan.target.id)
    db.session.commit()
    return plan


def plan_merge(source_id, target_id) -> MovePlan:
    source, target = get_bank(source_id), get_bank(target_id)
    if source.id == target.id:
        raise ManageError("merge_same", "into")
    return plan_move(select(Question.id).where(Question.bank_id == source.id), target.id)


def merge_banks(source_id, target_id) -> MovePlan:
    """Move A's questions into B, drop those B already has, remove A (one transaction)."""
    plan = plan_merge(source_id, target_id)
    _move(plan.moving, plan.target.id)
    source = get_bank(source_id)
    db.session.execute(delete(Question).where(Question.bank_id == source.id))
    db.session.delete(source)
    db.session.commit()
    return plan


# --------------------------------------------------------------------------- questions


def _media_shas(question_id: int | None) -> list[str]:
    return media_db.shas_of(question_id) if question_id else []


def _clash(bank_id: int, fingerprint: str, except_id: int | None = None) -> int | None:
    stmt = select(Question.id).where(
        Question.bank_id == bank_id, Question.fingerprint == fingerprint
    )
    if except_id is not None:
        stmt = stmt.where(Question.id != except_id)
    return db.session.scalar(stmt.limit(1))


def _parse(values: dict, shas: list[str]):
    """The question of the form's values, or (None, problems); media are part of its identity."""
    parsed, problems = normalize.parse_fields(values)
    problems = [p for p in problems if p.code not in ("date_cell", "unknown_difficulty")]
    if parsed is None or problems:
        return None, problems
    if shas:
        parsed.fingerprint = fingerprint(parsed.stem, parsed.options, parsed.points, shas)
    return parsed, []


_FIELDS = STORED_FIELDS


def create_question(bank_id, values: dict, media_from: int | None = None):
    """A question typed in the browser, checked by the import rules; returns (question, problems).

    ``media_from``: a question whose pictures and sound the new one shares (a duplicate).
    """
    bank = get_bank(bank_id)
    shas = _media_shas(media_from)
    parsed, problems = _parse(values, shas)
    if parsed is None:
        return None, problems
    same = _clash(bank.id, parsed.fingerprint)
    if same:
        return None, [m.Problem("duplicate", column="B", value=parsed.stem,
                                params={"where": f"#{same}"})]
    q = Question(bank_id=bank.id, source_file="", **{k: getattr(parsed, k) for k in _FIELDS})
    db.session.add(q)
    db.session.flush()
    if shas:
        source = db.session.get(Question, media_from)
        for pos, link in enumerate(source.media_links):
            q.media_links.append(QuestionMedia(sha256=link.sha256, name=link.name, position=pos))
    db.session.commit()
    return q, []


def update_question(question_id: int, values: dict, bank_id=None):
    """An edited question, checked by the import rules, maybe moved to ``bank_id``."""
    q = db.session.get(Question, question_id)
    if q is None:
        raise ManageError("question_missing")
    target = get_bank(bank_id) if bank_id else q.bank
    parsed, problems = _parse(values, _media_shas(q.id))
    if parsed is None:
        return q, problems
    same = _clash(target.id, parsed.fingerprint, q.id)
    if same:
        return q, [m.Problem("duplicate", column="B", value=parsed.stem,
                             params={"where": f"#{same}"})]
    for key in _FIELDS:
        setattr(q, key, getattr(parsed, key))
    q.bank_id = target.id
    db.session.commit()
    return q, []


def form_values(q: Question) -> dict:
    """A stored question as the form shows it (the answer as typed: letters, 对/错, a|b)."""
    if q.type in ("single", "multiple"):
        answer = "".join(q.answer or [])
    elif q.type == "true_false":
        answer = (q.answer or [""])[0]
    else:
        answer = "|".join(q.answer or [])
    return {
        "bank": q.bank_id,
        "type": q.type,
        "stem": q.stem,
        "options": list(q.options or []),
        "answer": answer,
        "points": "" if q.points is None else str(q.points),
        "difficulty": q.difficulty or "",
        "category": q.category or "",
        "explanation": q.explanation or "",
        "time_limit": "" if q.time_limit is None else str(q.time_limit),
    }


# --------------------------------------------------------------------------- bulk


def count(ids) -> int:
    """How many questions a SELECT of ids (or a list) holds."""
    if isinstance(ids, (list, tuple, set)):
        return len(set(ids))
    return db.session.scalar(select(func.count()).select_from(ids.subquery()))


def check_fields(category: str | None = None, difficulty: str | None = None) -> dict:
    """The bulk-settable fields as stored (None: clear it); refuses bad values."""
    values = {}
    if category is not None:
        category = " ".join(category.split())
        if len(category) > CATEGORY_MAX:
            raise ManageError("category_long", "category", limit=CATEGORY_MAX)
        values["category"] = category or None
    if difficulty is not None:
        if difficulty and difficulty not in DIFFICULTIES:
            raise ManageError("difficulty_unknown", "difficulty")
        values["difficulty"] = difficulty or None
    if not values:
        raise ManageError("nothing_to_set", "category")
    return values


def set_fields(ids, category: str | None = None, difficulty: str | None = None) -> int:
    """Set the category and/or difficulty ('' clears it) of the questions; returns how many.

    Neither is part of a question's fingerprint, so no duplicate can arise.
    """
    values = check_fields(category, difficulty)
    n = count(ids)
    db.session.execute(
        update(Question).where(Question.id.in_(ids)).values(**values),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return n


def delete_selected(ids) -> int:
    """Delete the questions (their media links go with them); returns how many."""
    n = count(ids)
    db.session.execute(
        delete(Question).where(Question.id.in_(ids)),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return n
