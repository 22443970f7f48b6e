"""Bank services: import (dry run or for real, in one transaction), draw, edit, delete.

Import rules:
- Every file is read and checked first; a refused file (damaged, encrypted, a bomb, no
  questions…) refuses the whole import, and the bank is not touched.
- Lenient (default): the valid questions are taken and every other row is listed as a problem.
  Strict: nothing is taken unless every row is valid.
- Duplicates (same fingerprint) are skipped, within the files and against the bank, and
  counted; so re-importing a file adds nothing.
- The writes happen in one transaction with one bulk INSERT; any failure rolls it all back.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from json.encoder import encode_basestring_ascii as _json_text

from sqlalchemy import delete, func, insert, or_, select

from quiz import offloop
from quiz.extensions import db

from . import media, normalize, sheets
from . import messages as m
from .answers import TYPES
from .models import Bank, Question

DEFAULT_BANK = "默认题库"
PREVIEW_ROWS = 300
INSERT_SLICE = 1000


@dataclass
class ImportReport:
    bank: str
    dry_run: bool = False
    strict: bool = False
    imported: int = 0
    duplicates: int = 0
    found: int = 0
    by_type: dict = field(default_factory=lambda: dict.fromkeys(TYPES, 0))
    by_category: Counter = field(default_factory=Counter)
    by_sheet: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    refused: m.ImportRefused | None = None
    refused_file: str = ""
    preview: list = field(default_factory=list)  # (question, is_duplicate) for the first rows
    media_questions: int = 0  # questions taken with media
    media_files: int = 0  # distinct media files they use
    media_missing: list = field(default_factory=list)  # {"file", "sheet", "row", "name"}

    @property
    def ok(self) -> bool:
        return self.refused is None

    def error(self, lang: str = "zh") -> str:
        if self.refused is None:
            return ""
        where = f"{self.refused_file}: " if self.refused_file else ""
        return where + self.refused.message(lang)

    def to_json(self, lang: str = "zh") -> dict:
        """The CLI's --json object (the first five keys are the documented contract)."""
        problems = [p.to_dict(lang) for p in self.problems]
        if self.refused is not None and self.refused.code not in (
            "strict_refused",
            "no_valid_questions",
        ):
            problems.insert(
                0,
                {
                    "file": self.refused_file,
                    "sheet": "",
                    "row": None,
                    "column": "",
                    "value": "",
                    "reason": self.refused.message(lang),
                },
            )
        out = {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "by_type": dict(self.by_type),
            "skipped_sheets": [s.to_dict(lang) for s in self.skipped],
            "problems": problems,
            "warnings": [w.to_dict(lang) for w in self.warnings],
            "dry_run": self.dry_run,
            "bank": self.bank,
        }
        out["media"] = {
            "questions": self.media_questions,
            "files": self.media_files,
            "missing": list(self.media_missing),
        }
        if self.refused is not None:
            out["error"] = self.error(lang)
        return out


def read_sources(
    sources, limits: sheets.Limits | None = None, media_limits: media.MediaLimits | None = None
):
    """Parse every source — a path, or a (filename, bytes or path) pair — into one ParseResult.

    A source may be a zip of sheets + media; pictures in a workbook and files named in a media
    column are attached to their questions (``result.media`` collects them, see media.py).
    Raises ImportRefused (with ``.file`` set) for the first file that cannot be used.
    """
    limits = limits or sheets.Limits()
    result = normalize.ParseResult()
    result.media = collector = media.Collector(media_limits or media.MediaLimits())
    for source in sources:
        name = source if isinstance(source, str) else source[0]
        try:
            before = (len(result.questions), len(result.problems))
            for book, data, bundle, key in media.open_source(source, limits, collector.limits):
                start = len(result.questions)
                normalize.parse_workbook(book, result)
                collector.attach(result, start, book, data, bundle, key)
            if (len(result.questions), len(result.problems)) == before:
                raise m.NoQuestions("no_questions")
        except m.ImportRefused as err:
            err.file = _basename(name)
            raise
        except OSError as err:
            refused = m.NotASpreadsheet("unreadable", detail=err.strerror or str(err))
            refused.file = _basename(name)
            raise refused from None
    return result


def _basename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def find_bank(bank) -> Bank | None:
    """A bank by name, id or object."""
    if bank is None or isinstance(bank, Bank):
        return bank
    if isinstance(bank, int) or (isinstance(bank, str) and bank.isdigit()):
        found = db.session.get(Bank, int(bank))
        if found is not None:
            return found
    return db.session.scalar(select(Bank).where(Bank.name == str(bank)))


def import_files(
    sources,
    bank: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    limits: sheets.Limits | None = None,
    media_limits: media.MediaLimits | None = None,
) -> ImportReport:
    """Read, validate, dedupe and (unless ``dry_run``) store the questions in one transaction."""
    bank_name = (bank or DEFAULT_BANK).strip() or DEFAULT_BANK
    report = ImportReport(bank=bank_name, dry_run=dry_run, strict=strict)
    try:
        # the reading is the long part (100,000 rows: seconds): off the live loop
        parsed = offloop.run(read_sources, sources, limits, media_limits)
    except m.ImportRefused as err:
        report.refused, report.refused_file = err, getattr(err, "file", "")
        return report
    report.skipped, report.problems = parsed.skipped, parsed.problems
    report.media_missing = parsed.media.missing
    report.warnings = parsed.warnings
    report.by_sheet = dict(parsed.sheets)
    report.found = len(parsed.questions)
    if not parsed.questions:
        report.refused = m.NoQuestions("no_valid_questions")
        return report
    if strict and parsed.problems:
        report.refused = m.ImportRefused("strict_refused", count=len(parsed.problems))
        return report
    target = find_bank(bank_name)
    existing = set()
    if target is not None:
        existing = set(
            db.session.scalars(select(Question.fingerprint).where(Question.bank_id == target.id))
        )
    rows = []
    for q in parsed.questions:
        duplicate = q.fingerprint in existing
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append((q, duplicate))
        if duplicate:
            report.duplicates += 1
            continue
        existing.add(q.fingerprint)
        report.by_type[q.type] += 1
        report.by_category[q.category or ""] += 1
        rows.append(q)
    report.imported = len(rows)
    report.media_questions = sum(1 for q in rows if q.media)
    report.media_files = len({b.sha256 for q in rows for b in q.media or ()})
    if dry_run or not rows:
        return report
    if report.media_files:  # files first: harmless if the transaction then fails
        from flask import current_app

        media.save_blobs(current_app.instance_path, rows)
    try:
        if target is None:
            target = Bank(name=bank_name)
            db.session.add(target)
            db.session.flush()
        # bulk INSERTs in slices (less memory at once), all inside the one transaction
        now = datetime.now(timezone.utc)
        with _page_cache(len(rows)):
            for start in range(0, len(rows), INSERT_SLICE):
                _insert_rows(rows[start : start + INSERT_SLICE], target.id, now)
            if report.media_questions:
                media.link(target.id, rows)
        db.session.commit()
    except Exception as exc:  # one transaction: nothing of this import stays
        db.session.rollback()
        report.refused = m.ImportRefused("import_failed", detail=str(exc).splitlines()[0][:200])
        report.imported = 0
        report.by_type = dict.fromkeys(TYPES, 0)
        report.media_questions = report.media_files = 0
    return report


_COLUMNS = (  # the order of the tuples _row builds
    "created_at",
    "bank_id",
    "type",
    "stem",
    "options",
    "answer",
    "points",
    "difficulty",
    "category",
    "explanation",
    "time_limit",
    "fingerprint",
    "source_file",
    "source_sheet",
    "source_row",
)


def _row(q: normalize.ParsedQuestion, bank_id: int, now) -> tuple:
    """The INSERT values of a question, in ``_COLUMNS`` order; options/answer as JSON text."""
    stem, options, category, explanation, answer = q.texts()
    return (
        now,
        bank_id,
        q.type,
        stem,
        _json_list(options),
        _json_list(answer),
        q.points,
        q.difficulty,
        category,
        explanation,
        q.time_limit,
        q.fingerprint,
        q.file[:255],
        (q.sheet or "")[:120],
        q.row,
    )


IMPORT_CACHE_KIB = 32 * 1024


@contextlib.contextmanager
def _page_cache(count: int):
    """A larger SQLite page cache while a big import writes (restored before the commit).

    With the default 2 MB cache, INSERTs slow down once the indexes (the fingerprint one is
    written in random order) outgrow it: 100,000 questions took ~1.5x as long to write
    (docs/performance.md). Pages are allocated only as used; small imports keep the default.
    """
    conn = db.session.connection()
    if conn.dialect.name != "sqlite" or count < 10_000:
        yield
        return
    old = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:  # dirty pages stay until the commit writes them; the clean ones are let go
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(old)}")


def _insert_rows(questions: list, bank_id: int, now: datetime) -> None:
    """INSERT questions with one executemany on the session's connection (its transaction).

    On SQLite the rows go to the driver as plain tuples with ``options``/``answer`` already JSON:
    SQLAlchemy's per-row parameter processing (a dict per row, a JSON and a DATETIME processor
    call per value) cost more than SQLite's own work (docs/performance.md). The values written
    are the ones the Core insert writes: the dialect's own DATETIME text, ``json.dumps`` output.
    Other databases, or a custom JSON serializer, take the Core insert.
    """
    conn = db.session.connection()
    dialect = conn.dialect
    table = Question.__table__
    if dialect.name != "sqlite" or dialect._json_serializer is not None:
        rows = [dict(zip(_COLUMNS, _row(q, bank_id, now), strict=True)) for q in questions]
        for row in rows:  # the JSON type encodes them itself
            row["options"], row["answer"] = json.loads(row["options"]), json.loads(row["answer"])
        conn.execute(insert(table), rows)
        return
    stamp = table.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    created = stamp(now) if stamp else now
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        table.name, ", ".join(_COLUMNS), ", ".join("?" * len(_COLUMNS))
    )
    conn.exec_driver_sql(sql, [_row(q, bank_id, created) for q in questions])


def _json_list(values: list) -> str:
    """``json.dumps(values)`` for a list of texts, without the encoder's Python layers."""
    try:
        return "[" + ", ".join(map(_json_text, values)) + "]"
    except TypeError:  # not all texts: the real thing
        return json.dumps(values)


# --------------------------------------------------------------------------- queries


def query(bank=None, category=None, type=None, difficulty=None, search=None):
    """A SELECT of questions matching the filters (None means any)."""
    stmt = select(Question)
    if bank is not None:
        found = find_bank(bank)
        stmt = stmt.where(Question.bank_id == (found.id if found else -1))
    if category:
        stmt = stmt.where(Question.category == category)
    if type:
        stmt = stmt.where(Question.type == type)
    if difficulty:
        stmt = stmt.where(Question.difficulty == difficulty)
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(
            or_(
                Question.stem.like(like),
                Question.category.like(like),
                Question.explanation.like(like),
            )
        )
    return stmt


def draw(
    bank=None,
    category=None,
    type=None,
    difficulty=None,
    count=1,
    order="random",
    exclude_ids=(),
    seed=None,
) -> list[Question]:
    """Up to ``count`` questions matching the filters, not in ``exclude_ids``.

    ``order="random"`` samples (reproducibly with ``seed``); ``order="sheet"`` keeps the
    order of the source sheet rows.
    """
    stmt = query(bank, category, type, difficulty).with_only_columns(Question.id)
    if order == "sheet":
        stmt = stmt.order_by(
            Question.bank_id,
            Question.source_file,
            Question.source_sheet,
            Question.source_row,
            Question.id,
        )
    else:
        stmt = stmt.order_by(Question.id)
    excluded = set(exclude_ids or ())
    ids = [i for i in db.session.scalars(stmt) if i not in excluded]
    if order != "sheet":
        ids = random.Random(seed).sample(ids, min(count, len(ids)))
    ids = ids[: max(int(count), 0)]
    found = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def question_to_dict(q: Question) -> dict:
    """The form a contest copies into its state."""
    return {
        "bank_id": q.id,
        "type": q.type,
        "stem": q.stem,
        "options": list(q.options or []),
        "answer": list(q.answer or []),
        "points": q.points,
        "explanation": q.explanation or "",
        "time_limit": q.time_limit,
        "category": q.category or "",
        "difficulty": q.difficulty,
        "level": q.points,
        "media": media.dicts(q),
    }


def banks() -> list[tuple[Bank, int]]:
    """Every bank with its question count."""
    stmt = (
        select(Bank, func.count(Question.id))
        .outerjoin(Question)
        .group_by(Bank.id)
        .order_by(Bank.name)
    )
    return [(b, n) for b, n in db.session.execute(stmt)]


def categories(bank=None) -> list[str]:
    stmt = query(bank).with_only_columns(Question.category).distinct().order_by(Question.category)
    return [c for c in db.session.scalars(stmt) if c]


# --------------------------------------------------------------------------- edit


def update_question(question_id: int, values: dict) -> tuple[Question | None, list[m.Problem]]:
    """Re-validate an edited question with the import rules; store it when valid."""
    q = db.session.get(Question, question_id)
    if q is None:
        return None, []
    parsed, problems = normalize.parse_fields(values)
    if parsed is None:
        return q, problems
    shas = media.shas_of(q.id)
    if shas:  # a question with media keeps them in its identity
        parsed.fingerprint = media.fingerprint(parsed.stem, parsed.options, parsed.points, shas)
    clash = media.fingerprint_clash(q, parsed.fingerprint)
    if clash:
        return q, [m.Problem("duplicate", value=parsed.stem, params={"where": f"#{clash}"})]
    for key in (
        "type",
        "stem",
        "options",
        "answer",
        "points",
        "difficulty",
        "category",
        "explanation",
        "time_limit",
        "fingerprint",
    ):
        setattr(q, key, getattr(parsed, key))
    db.session.commit()
    return q, problems


def delete_questions(ids) -> int:
    """Delete questions by id (one statement); returns how many went."""
    ids = [int(i) for i in ids]
    if not ids:
        return 0
    result = db.session.execute(delete(Question).where(Question.id.in_(ids)))
    db.session.commit()
    return result.rowcount or 0


def delete_bank(bank_id: int) -> Bank | None:
    """Delete a bank and all its questions in one transaction."""
    bank = db.session.get(Bank, bank_id)
    if bank is None:
        return None
    db.session.execute(delete(Question).where(Question.bank_id == bank_id))
    db.session.delete(bank)
    db.session.commit()
    return bank
