"""From rows of cells to questions: find the header (or infer the columns), read each row.

Pure: cells in, ``ParsedQuestion`` records and row-level ``Problem`` records out.

Rules, in the order they apply to a sheet:
- The header is looked for in the first 30 rows: a row where at least two different known
  columns (Chinese or English names, see ``ALIASES``) make up at least 40% of the filled cells,
  one of them a question, answer, type or option column. A header found again further down
  starts a new block with its own columns.
- Without a header, the sheet is read when its shape is unambiguous: question text, then 2-8
  option columns, then a column of answer letters; or question text and an answer column, when
  most of the first column reads as questions (or the answers are list literals). Otherwise the
  sheet is skipped with the reason.
- A sheet named after a point value ('10', '20分') gives its questions that value.

The definition of a row is ``row_reader.RowReader.read()``; what it reads into is in
``parsed.py``. This module walks the sheets and their blocks of rows.
"""

from __future__ import annotations

import gc
import itertools

from . import answers as a
from .fields import EDIT_FIELDS  # the editor's fields, in the order parse_fields reads them
from .headers import (  # noqa: F401  (re-exported: the header rules live there)
    _STRONG,
    ALIASES,
    HEADER_SEARCH_ROWS,
    SHAPE_SAMPLE_ROWS,
    Columns,
    _header_key,
    header_key,
    infer_columns,
    locate,
    match_header,
)
from .messages import Problem, SkippedSheet
from .parsed import ParsedQuestion, ParseResult  # noqa: F401  (re-exported)
from .row_reader import RowReader
from .sheets import RawSheet, Workbook

BLOCK_ROWS = 250  # rows read column by column at once (RowReader.read_block); see there
_RowReader = RowReader  # its older name (the tests use it)


def parse_sheet(file: str, sheet: RawSheet, out: ParseResult, chooser=None) -> None:
    """Read one sheet into ``out``: its questions, problems, or the reason it was skipped.
    Its columns: ``headers.locate`` (a column map from ``chooser``, a header, or the shape)."""
    rows = iter(sheet.rows)
    head = list(itertools.islice(rows, SHAPE_SAMPLE_ROWS))
    if not head:
        out.skipped.append(SkippedSheet(file, sheet.name, "sheet_empty"))
        return
    layout, cols, start = locate(file, sheet.name, head, sheet.col_offset, chooser)
    out.layouts.append(layout)
    if cols is None:
        why = {"why": layout.reason}
        out.skipped.append(SkippedSheet(file, sheet.name, "no_header_shape", why))
        return
    before = len(out.questions)
    problems_before = len(out.problems)
    reader = RowReader(file, sheet, cols, out)
    rest = itertools.chain(head[start:], rows)
    pending: list = []
    while block := pending + list(itertools.islice(rest, BLOCK_ROWS - len(pending))):
        pending = []
        for row in rest:  # a question's option rows (layouts.join_option_rows) stay with it
            if not reader.continues(row):
                pending = [row]
                break
            block.append(row)
        reader.read_block(reader.join(block))
    count = len(out.questions) - before
    if "stem" not in cols.fields and count == 0:
        found = ", ".join(_header_names(head))
        out.skipped.append(SkippedSheet(file, sheet.name, "header_without_stem", {"found": found}))
        return
    out.sheets[f"{file} / {sheet.name}"] = count
    if count == 0 and len(out.problems) == problems_before:
        out.skipped.append(SkippedSheet(file, sheet.name, "header_no_rows"))


def _header_names(rows: list[tuple[int, list]]) -> list[str]:
    for _, cells in rows[:HEADER_SEARCH_ROWS]:
        if match_header(cells):
            return [str(c).strip() for c in cells if isinstance(c, str) and header_key(c)]
    return []


def parse_workbook(book: Workbook, out: ParseResult | None = None, chooser=None) -> ParseResult:
    """Every sheet of a workbook, into one result.

    The cyclic garbage collector is paused meanwhile: the rows make no reference cycles, and
    its passes over the growing list of questions cost ~10% of a 100,000-row parse.
    """
    out = out or ParseResult()
    paused = gc.isenabled()
    gc.disable()
    try:
        for sheet in book.sheets:
            parse_sheet(book.filename, sheet, out, chooser)
            if sheet.cut_at:
                out.warnings.append(
                    Problem(
                        "blank_run",
                        book.filename,
                        sheet.name,
                        sheet.cut_at,
                        "",
                        "",
                        {"count": 1000},
                    )
                )
    finally:
        if paused:
            gc.enable()
    return out




def parse_fields(values: dict, file: str = "", sheet: str = "") -> tuple:
    """One question from a form's fields, checked by the same rules as a sheet row.

    Returns (ParsedQuestion or None, problems and warnings).
    """
    options = values.get("options") or []
    if isinstance(options, str):
        options = options.splitlines()
    answer = values.get("answer") or ""
    if isinstance(answer, (list, tuple)):
        answer = "|".join(str(x) for x in answer)
    cells = [str(values.get(k) if values.get(k) is not None else "") for k in EDIT_FIELDS]
    cells[2] = str(answer)
    cells += [str(o) for o in options][: a.MAX_OPTIONS + 1]
    cols = Columns(
        {k: i for i, k in enumerate(EDIT_FIELDS)}, list(range(len(EDIT_FIELDS), len(cells)))
    )
    out = ParseResult()
    reader = RowReader(file, RawSheet(sheet, []), cols, out)
    question = reader.read(1, cells)
    if question is None and not out.problems:
        out.problems.append(Problem("missing_stem", file, sheet, 1, "", ""))
    return question, out.problems + out.warnings
