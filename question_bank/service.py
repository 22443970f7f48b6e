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

import functools
import json
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from json.encoder import encode_basestring_ascii as _json_text

from sqlalchemy import delete, func, insert, or_, select

from quiz.base import offloop
from quiz.base.extensions import db

from . import bundles, headers, media_db, media_store, normalize, previews, sheets, staging, usage
from . import fixes as fx
from . import messages as m
from .answers import TYPES
from .fields import INSERT_COLUMNS
from .media_collect import Collector
from .media_types import MediaLimits
from .models import Bank, ColumnMapMemory, Question

DEFAULT_BANK = "默认题库"


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
    layouts: list = field(default_factory=list)  # headers.Layout: how each sheet was read
    no_answer: list = field(default_factory=list)  # {"file", "sheet", "count"}: no answer column
    notes: list = field(default_factory=list)  # rows skipped as notes (the reader's ``notes``)
    rows_skipped: int = 0  # problem rows the organizer chose to leave out
    rows_fixed: int = 0  # problem rows corrected in the preview and taken

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
        out["columns"] = [layout.to_dict() for layout in self.layouts]
        out["no_answer"] = list(self.no_answer)
        out["notes"] = [n.to_dict(lang) if hasattr(n, "to_dict") else n for n in self.notes]
        if self.rows_fixed or self.rows_skipped:
            out["rows_fixed"], out["rows_skipped"] = self.rows_fixed, self.rows_skipped
        if self.refused is not None:
            out["error"] = self.error(lang)
        return out


def read_sources(
    sources,
    limits: sheets.Limits | None = None,
    media_limits: MediaLimits | None = None,
    chooser: headers.MapChooser | None = None,
):
    """Parse every source — a path, or a (filename, bytes or path) pair — into one ParseResult.

    A source may be a zip of sheets + media; pictures in a workbook and files named in a media
    column are attached to their questions (``result.media`` collects them, see media_collect.py).
    Raises ImportRefused (with ``.file`` set) for the first file that cannot be used.
    """
    limits = limits or sheets.Limits()
    result = normalize.ParseResult()
    result.media = collector = Collector(media_limits or MediaLimits())
    for source in sources:
        name = source if isinstance(source, str) else source[0]
        try:
            before = (len(result.questions), len(result.problems))
            for book, data, bundle, key in bundles.open_source(source, limits, collector.limits):
                start = len(result.questions)
                normalize.parse_workbook(book, result, chooser)
                collector.attach(result, start, book, data, bundle, key)
            if (len(result.questions), len(result.problems)) == before:
                refused = m.NoQuestions("no_questions")
                refused.layouts = result.layouts  # the column map may still read it
                raise refused
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
        if found is not None and found.staging is None:
            return found
    return db.session.scalar(select(Bank).where(Bank.name == str(bank), Bank.staging.is_(None)))


def import_files(
    sources,
    bank: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    limits: sheets.Limits | None = None,
    media_limits: MediaLimits | None = None,
    columns: dict | None = None,
    no_answer: str | None = None,
    fixes: dict | None = None,
    remember: bool = True,
) -> ImportReport:
    """Read, validate, dedupe and (unless ``dry_run``) store the questions in one transaction.

    ``columns``: {sheet name or '*': headers.ColumnMap} read those sheets with that map (else
    a map remembered for the sheet's header, else the header or the shape). ``no_answer``:
    'open' takes the questions of a sheet without an answer column as open questions without
    an answer (judged aloud); else the sheet gives one problem, not one per row. ``fixes``:
    {(file, sheet, row): fields, or None to leave the row out} for problem rows, each
    re-validated with the import's rules: one that still fails refuses the whole import.
    With ``remember``, a map given for a sheet with a header is kept for that header when the
    import happens. A dry run's ``preview`` lists every question found, with its duplicate flag.

    All of it (the reading, the check against the bank, the report, the INSERTs and the commit)
    runs off the live loop, in a worker with its own session (``offloop.run_in_app``).
    """
    return offloop.run_in_process(
        _import_files, sources, bank, dry_run, strict, limits, media_limits, columns,
        no_answer, fixes, remember, weight=_source_bytes(sources))


def _source_bytes(sources) -> int:
    """How big the sources are (paths by their size, bytes by their length)."""
    total = 0
    for source in sources:
        src = source if isinstance(source, (str, os.PathLike)) else source[1]
        if isinstance(src, (bytes, bytearray)):
            total += len(src)
        elif isinstance(src, (str, os.PathLike)) and os.path.isfile(src):
            total += os.path.getsize(src)
    return total


def _import_files(sources, bank, dry_run, strict, limits, media_limits, columns, no_answer,
                  fixes, remember) -> ImportReport:
    """``import_files``'s work, where it runs (a worker when serving)."""
    bank_name = (bank or DEFAULT_BANK).strip() or DEFAULT_BANK
    report = ImportReport(bank=bank_name, dry_run=dry_run, strict=strict)
    chooser = headers.MapChooser(columns, remembered_maps())
    try:
        parsed = read_sources(sources, limits, media_limits, chooser)
        report.layouts = parsed.layouts
        _sheets_without_answers(parsed, report, sources, limits, media_limits, no_answer)
        failed = _apply_fixes(parsed, report, fixes or {})
    except m.ImportRefused as err:
        report.refused, report.refused_file = err, getattr(err, "file", "")
        report.layouts = getattr(err, "layouts", [])
        return report
    report.skipped, report.problems = parsed.skipped, parsed.problems
    report.notes = list(getattr(parsed, "notes", None) or [])
    report.media_missing = parsed.media.missing
    report.warnings = parsed.warnings
    report.by_sheet = dict(parsed.sheets)
    report.found = len(parsed.questions)
    if failed:
        report.problems = failed
        report.refused = m.ImportRefused("fixes_invalid", count=len({p.row for p in failed}))
        return report
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
        if dry_run:
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
    if report.media_files:  # files first: harmless if the import then fails
        from flask import current_app

        media_store.save_blobs(current_app.instance_path, rows)
    _store(rows, target, bank_name, report, remember)
    return report


def _store(rows: list, target: Bank | None, bank_name: str, report: ImportReport,
           remember: bool) -> None:
    """Write the rows through a hidden staging bank (question_bank/staging.py): short
    transactions, then one tiny commit makes them all visible; on any failure before it,
    nothing of this import stays and ``report`` says why."""
    staging_id, added = None, []
    try:
        staging_id = staging.create(target.id if target is not None else None)
        values = _insert_values(rows, datetime.now(timezone.utc), staging_id)
        staging.write(_chunks(rows, values, staging_id, added))
        into = staging.publish(
            staging_id, bank_name, (lambda: _remember_maps(report.layouts)) if remember else None)
    except Exception as exc:  # nothing of this import stays
        db.session.rollback()
        if staging_id is not None:
            staging.discard(staging_id, added)
        report.refused = m.ImportRefused("import_failed", detail=str(exc).splitlines()[0][:200])
        report.imported = 0
        report.by_type = dict.fromkeys(TYPES, 0)
        report.media_questions = report.media_files = 0
        return
    if into is not None:  # the import has happened: a move cut short is ended at next start
        staging.move(staging_id, into)


def _chunks(rows: list, values: tuple[bool, list], staging_id: int, added: list):
    """The import's writes, one transaction each: the new Media rows (their digests into
    ``added``), then staging.CHUNK questions at a time with their media links."""
    if any(q.media for q in rows):
        yield lambda: added.extend(media_db.add_media(rows))
    raw, prepared = values
    for start in range(0, len(rows), staging.CHUNK):
        end = start + staging.CHUNK
        yield functools.partial(_insert_chunk, (raw, prepared[start:end]), rows[start:end],
                                staging_id)


def _insert_chunk(values: tuple[bool, list], questions: list, staging_id: int) -> None:
    _insert_prepared(values)
    media_db.link(staging_id, questions)


def finish_interrupted_imports() -> int:
    """At start: the imports a crash cut short either complete or leave nothing (staging.py)."""
    return staging.recover()


# --------------------------------------------------------------------------- column maps, fixes


def remembered_maps():
    """A lookup of the maps chosen before, per header, read now from the database (so that
    the reading itself, off the live loop, needs no database session)."""
    known = dict(db.session.execute(
        select(ColumnMapMemory.signature, ColumnMapMemory.columns)).all())

    def lookup(signature: str) -> headers.ColumnMap | None:
        try:
            return headers.ColumnMap.parse(known[signature]) if known.get(signature) else None
        except headers.MapError:
            return None

    return lookup


def _remember_maps(layouts) -> None:
    """Keep the maps the organizer gave for sheets with a header (in the import's transaction)."""
    for layout in layouts:
        if layout.how != "map" or not layout.signature or layout.map is None:
            continue
        row = db.session.scalar(
            select(ColumnMapMemory).where(ColumnMapMemory.signature == layout.signature)
        )
        if row is None:
            db.session.add(ColumnMapMemory(signature=layout.signature, columns=layout.map.text()))
        else:
            row.columns = layout.map.text()


def problem_cells(sources, wanted, limits=None, media_limits=None) -> dict:
    """{(file, sheet, row): (cells, col_offset)} of the wanted rows, read again from the files
    (the parse holds no row once read: a 100,000-row import would hold them all)."""
    limits = limits or sheets.Limits()
    media_limits = media_limits or MediaLimits()
    by_sheet: dict = {}
    for file, sheet, row in wanted:
        by_sheet.setdefault((file, sheet), set()).add(row)
    found: dict = {}
    for source in sources:
        for book, _data, _bundle, _key in bundles.open_source(source, limits, media_limits):
            for raw in book.sheets:
                rows = by_sheet.get((book.filename, raw.name))
                if not rows:
                    continue
                last = max(rows)
                for number, cells in raw.rows:
                    if number in rows:
                        found[(book.filename, raw.name, number)] = (list(cells), raw.col_offset)
                    if number >= last:
                        break
    return found


def problem_rows(sources, report: ImportReport, limits=None, media_limits=None, cap=300) -> list:
    """The problem rows of a dry run as the editor's fields, in sheet order:
    [{"file", "sheet", "row", "fields", "problems": [Problem]}] (at most ``cap``)."""
    layouts = {(lay.file, lay.sheet): lay for lay in report.layouts}
    grouped: dict = {}
    for p in report.problems:
        if p.row is None or (p.file, p.sheet) not in layouts:
            continue
        grouped.setdefault((p.file, p.sheet, p.row), []).append(p)
    keys = sorted(grouped, key=lambda k: (k[0], k[1], k[2]))[:cap]
    cells = problem_cells(sources, keys, limits, media_limits) if keys else {}
    out = []
    for key in keys:
        if key not in cells:
            continue
        row_cells, offset = cells[key]
        layout = layouts[key[:2]]
        fields = fx.row_fields(row_cells, layout.map.columns(offset))
        out.append(
            {
                "file": key[0],
                "sheet": key[1],
                "row": key[2],
                "fields": fields,
                "problems": grouped[key],
            }
        )
    return out


def _sheets_without_answers(parsed, report, sources, limits, media_limits, no_answer) -> None:
    """A sheet read without an answer column: its 'answer is missing' rows become one problem
    for the sheet, or (``no_answer='open'``) open questions without an answer."""
    for layout in parsed.layouts:
        roles = set(layout.map.roles.values()) if layout.map else set()
        if layout.map is None or "answer" in roles or "stem" not in roles:
            continue
        place = (layout.file, layout.sheet)
        missing = [
            p
            for p in parsed.problems
            if (p.file, p.sheet) == place and p.code in ("missing_answer", "too_few_options")
        ]
        if not missing:
            continue
        gone = {id(p) for p in missing}
        parsed.problems[:] = [p for p in parsed.problems if id(p) not in gone]
        rows = sorted({p.row for p in missing})
        entry = {"file": layout.file, "sheet": layout.sheet, "count": len(rows)}
        report.no_answer.append(entry)
        if no_answer != "open":
            parsed.problems.append(
                m.Problem(
                    "no_answer_column",
                    layout.file,
                    layout.sheet,
                    None,
                    "",
                    "",
                    {"count": len(rows)},
                )
            )
            continue
        wanted = [(layout.file, layout.sheet, r) for r in rows]
        cells = problem_cells(sources, wanted, limits, media_limits)
        for key in wanted:
            row_cells, offset = cells[key]
            fields = fx.as_open(fx.row_fields(row_cells, layout.map.columns(offset)))
            question, found = normalize.parse_fields(fields, layout.file, layout.sheet)
            if question is None:
                parsed.problems.extend(_placed(found, key))
                continue
            question.row = key[2]
            parsed.questions.append(question)
        parsed.sheets[f"{layout.file} / {layout.sheet}"] = parsed.sheets.get(
            f"{layout.file} / {layout.sheet}", 0
        ) + len(rows)


def _placed(problems, key) -> list:
    for p in problems:
        p.file, p.sheet, p.row = key
    return problems


def _apply_fixes(parsed, report, fixes: dict) -> list:
    """Take the corrected problem rows (re-validated) and leave out the skipped ones; returns
    the problems of corrections that still fail (then nothing is imported)."""
    if not fixes:
        return []
    by_row: dict = {}
    for p in parsed.problems:
        by_row.setdefault((p.file, p.sheet, p.row), []).append(p)
    failed: list = []
    done: set = set()
    for key, fields in fixes.items():
        if key not in by_row:
            failed.append(m.Problem("fix_row_gone", key[0], key[1], key[2], str(key[2])))
            continue
        done.add(key)
        if fields is None:
            report.rows_skipped += 1
            continue
        question, found = normalize.parse_fields(fields, key[0], key[1])
        if question is None:
            failed.extend(_placed(found, key))
            continue
        question.row = key[2]
        parsed.questions.append(question)
        parsed.warnings.extend(_placed(found, key))
        report.rows_fixed += 1
    parsed.problems[:] = [p for p in parsed.problems if (p.file, p.sheet, p.row) not in done]
    return failed


_COLUMNS = INSERT_COLUMNS  # the order of the tuples _row builds


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


def _insert_values(questions: list, now: datetime, bank_id: int) -> tuple[bool, list]:
    """The INSERT values of questions into bank ``bank_id``: (raw, values).

    On SQLite (``raw``) the rows go to the driver as tuples in ``_COLUMNS`` order, with
    ``options``/``answer`` already JSON: SQLAlchemy's per-row parameter processing (a dict per
    row, a JSON and a DATETIME processor call per value) cost more than SQLite's own work
    (docs/performance.md). The values written are the ones the Core insert writes: the
    dialect's own DATETIME text, ``json.dumps`` output. Other databases, or a custom JSON
    serializer, take the Core insert (dicts).
    """
    dialect = db.engine.dialect
    table = Question.__table__
    if dialect.name != "sqlite" or dialect._json_serializer is not None:
        rows = [dict(zip(_COLUMNS, _row(q, bank_id, now), strict=True)) for q in questions]
        for row in rows:  # the JSON type encodes them itself
            row["options"], row["answer"] = json.loads(row["options"]), json.loads(row["answer"])
        return False, rows
    stamp = table.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    created = stamp(now) if stamp else now
    return True, [_row(q, bank_id, created) for q in questions]


def _insert_prepared(prepared: tuple[bool, list]) -> None:
    """INSERT ``_insert_values`` on the session's connection (its transaction): on SQLite the
    driver's ``executemany`` of the tuples, else Core inserts."""
    raw, values = prepared
    if not values:
        return
    if raw:
        cursor = db.session.connection().connection.cursor()
        try:
            cursor.executemany(
                f"INSERT INTO {Question.__table__.name} ({', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_COLUMNS))})", values)
        finally:
            cursor.close()
        return
    db.session.connection().execute(insert(Question.__table__), values)


def _json_list(values: list) -> str:
    """``json.dumps(values)`` for a list of texts, without the encoder's Python layers."""
    try:
        return "[" + ", ".join(map(_json_text, values)) + "]"
    except TypeError:  # not all texts: the real thing
        return json.dumps(values)


# --------------------------------------------------------------------------- queries


def query(bank=None, category=None, type=None, difficulty=None, search=None, unused=False):
    """A SELECT of questions matching the filters (None means any).

    ``search`` looks in the stem, category and explanation, and ``#12`` (or ``12``) also finds
    question 12; ``unused`` keeps the questions no contest drew (``usage.used_ids``).
    """
    stmt = select(Question)
    if bank is not None:
        found = find_bank(bank)
        stmt = stmt.where(Question.bank_id == (found.id if found else -1))
    else:  # every bank the organizer sees: an import's staging bank is not one
        stmt = stmt.where(Question.bank_id.not_in(staging.hidden_banks()))
    if category:
        stmt = stmt.where(Question.category == category)
    if type:
        stmt = stmt.where(Question.type == type)
    if difficulty:
        stmt = stmt.where(Question.difficulty == difficulty)
    if search:
        like = f"%{search.strip()}%"
        found = [
            Question.stem.like(like),
            Question.category.like(like),
            Question.explanation.like(like),
        ]
        number = search.strip().lstrip("#")
        if number.isdigit() and len(number) < 10:
            found.append(Question.id == int(number))
        stmt = stmt.where(or_(*found))
    if unused:
        used = usage.used_ids()
        if used is not None:
            stmt = stmt.where(Question.id.not_in(used))
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
        "media": media_db.dicts(q),
    }


@dataclass(frozen=True)
class BankRow:
    """A bank as the lists show it (read off the loop, so no session's object)."""

    id: int
    name: str
    created_at: datetime


def banks() -> list[tuple[BankRow, int]]:
    """Every bank with its question count, by name (counted off the live loop: a 100,000-
    question bank took ~0.1 s)."""
    return offloop.run_in_app(_banks)


def _banks() -> list[tuple[BankRow, int]]:
    stmt = (
        select(Bank.id, Bank.name, Bank.created_at, func.count(Question.id))
        .outerjoin(Question)
        .where(Bank.staging.is_(None))
        .group_by(Bank.id)
        .order_by(Bank.name)
    )
    return [(BankRow(i, name, at), n) for i, name, at, n in db.session.execute(stmt)]


def count(stmt) -> int:
    """How many rows a SELECT of questions matches, counted off the live loop."""
    return offloop.run_in_app(
        lambda: db.session.scalar(stmt.with_only_columns(func.count(Question.id)).order_by(None)))


CATEGORY_LIMIT = 300  # categories listed on a page (a generated sheet had 97,842)


def categories(bank=None, limit: int | None = None) -> list[str]:
    """The categories of a bank (or of all), by name; with ``limit``, the first ``limit``."""
    stmt = (query(bank).with_only_columns(Question.category).distinct()
            .where(Question.category.is_not(None), Question.category != "")
            .order_by(Question.category))
    return list(db.session.scalars(stmt if limit is None else stmt.limit(limit)))


def category_choices(bank=None, current: str | None = None) -> tuple[list[str], int]:
    """A page's category list: the first CATEGORY_LIMIT by name (and ``current``), and
    how many more there are; read off the live loop (a big bank's categories took ~1 s)."""
    return offloop.run_in_app(_category_choices, bank, current)


def _category_choices(bank, current):
    shown = categories(bank, CATEGORY_LIMIT)
    if current and current not in shown:
        shown = sorted(shown + [current])
    more = 0
    if len(shown) >= CATEGORY_LIMIT:
        total = db.session.scalar(
            query(bank).with_only_columns(func.count(func.distinct(Question.category)))
            .where(Question.category != "").order_by(None))
        more = max(total - len(shown), 0)
    return shown, more


# --------------------------------------------------------------------------- edit


def update_question(question_id: int, values: dict) -> tuple[Question | None, list[m.Problem]]:
    """Re-validate an edited question with the import rules; store it when valid."""
    from .manage import update_question

    return update_question(question_id, values)


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


def questions_by_id(ids) -> dict[int, Question]:
    """The bank questions with these ids (missing ids are left out), keyed by id."""
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}


def get_question(question_id) -> Question | None:
    """The bank question with this id, or None (also for one of an import not done yet)."""
    found = db.session.get(Question, question_id)
    return found if found is None or found.bank.staging is None else None


def find_questions(bank=None, category=None, type=None, difficulty=None, search=None,
                   limit=None) -> list[Question]:
    """The questions matching the filters (``query``), in the order they were added."""
    stmt = query(bank, category, type, difficulty, search=search).order_by(Question.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def bank_summary() -> list[dict]:
    """Banks with their question counts per type, categories and difficulties (for the form)."""
    rows = db.session.execute(
        select(Bank.name, Question.type, Question.category, Question.difficulty,
               func.count(Question.id))
        .join(Question, Question.bank_id == Bank.id)
        .where(Bank.staging.is_(None))
        .group_by(Bank.name, Question.type, Question.category, Question.difficulty)
    ).all()
    found: dict[str, dict] = {}
    for name, qtype, category, difficulty, n in rows:
        b = found.setdefault(name, {"name": name, "count": 0, "types": {}, "categories": set(),
                                    "difficulties": set()})
        b["count"] += n
        b["types"][qtype] = b["types"].get(qtype, 0) + n
        if category:
            b["categories"].add(category)
        if difficulty:
            b["difficulties"].add(difficulty)
    return [dict(b, categories=sorted(b["categories"]), difficulties=sorted(b["difficulties"]))
            for b in found.values()]


def register_usage(app, lookup: usage.UsageLookup) -> None:
    """Let the bank ask ``lookup`` which of its questions contests use (``usage``)."""
    usage.register(app, lookup)


def start_preview_sweeper(app, socketio) -> None:
    """Remove unconfirmed import previews after an hour, in a background task of the server."""
    previews.start_sweeper(app, socketio)
