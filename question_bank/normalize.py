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
"""

from __future__ import annotations

import functools
import gc
import inspect
import itertools
import operator
from dataclasses import dataclass, field

from . import answers as a
from .cellformat import cell_text
from .headers import (  # noqa: F401  (re-exported: the header rules live there)
    _STRONG,
    ALIASES,
    HEADER_SEARCH_ROWS,
    SHAPE_SAMPLE_ROWS,
    Columns,
    _header_key,
    header_key,
    infer_columns,
    match_header,
)
from .messages import Problem, SkippedSheet
from .sheets import RawSheet, Workbook, col_letter

# --------------------------------------------------------------------------- rows


_SEP = "\x1f"  # between the packed texts of a question


class ParsedQuestion:
    """One question read from a row.

    Compact, because a whole import's questions are held at once (parse and check everything,
    then one short write transaction): the stem, options, category, explanation and answer live
    in one string (``_text``), split again when read. As a str per text and two lists, they
    took ~0.65 KB a question more (object headers, not text): 100,000 questions held 67 MB
    more (docs/performance.md). A text holding the separator keeps the parts as they are.
    """

    __slots__ = (
        "type",
        "_text",  # "\x1f".join([stem, *options, category, explanation, *answer]), or a tuple
        "_n",  # number of options
        "points",
        "difficulty",
        "time_limit",
        "file",
        "sheet",
        "row",
        "fingerprint",
        "media_ref",  # [(column letter, cell text)] of the media columns
        "media",  # checked media (question_bank/media.py Blob), set by the importer
    )

    def __init__(
        self,
        type: str,
        stem: str,
        options: list[str],
        answer: list[str],
        points: int | None,
        difficulty: str | None,
        category: str | None,
        explanation: str | None,
        time_limit: int | None,
        file: str,
        sheet: str,
        row: int,
        fingerprint: str = "",
        media_ref: list | None = None,
        media: list | None = None,
    ):
        self.type = type
        parts = [stem, *options, category or "", explanation or "", *answer]
        self._n = len(options)
        try:  # _pack(), inlined: this runs for every row
            text = _SEP.join(parts)
        except TypeError:
            text = ""
        self._text = text if text.count(_SEP) == len(parts) - 1 else tuple(parts)
        self.points = points
        self.difficulty = difficulty
        self.time_limit = time_limit
        self.file = file
        self.sheet = sheet
        self.row = row
        self.fingerprint = fingerprint
        self.media_ref = media_ref
        self.media = media

    def _pack(self, stem, options, category, explanation, answer) -> None:
        parts = [stem, *options, category or "", explanation or "", *answer]
        self._n = len(options)
        try:
            text = _SEP.join(parts)
        except TypeError:
            text = ""
        # every part a text, none holding the separator: else the parts as they are
        self._text = text if text.count(_SEP) == len(parts) - 1 else tuple(parts)

    def texts(self) -> tuple[str, list[str], str | None, str | None, list[str]]:
        """(stem, options, category, explanation, answer) in one go."""
        parts = self._text.split(_SEP) if type(self._text) is str else list(self._text)
        n = self._n
        stem, options, answer = parts[0], parts[1 : n + 1], parts[n + 3 :]
        return stem, options, parts[n + 1] or None, parts[n + 2] or None, answer

    def _set(self, index: int, value) -> None:
        fields = list(self.texts())
        fields[index] = value
        self._pack(*fields)

    stem = property(lambda self: self.texts()[0], lambda self, v: self._set(0, v))
    options = property(lambda self: self.texts()[1], lambda self, v: self._set(1, list(v)))
    category = property(lambda self: self.texts()[2], lambda self, v: self._set(2, v))
    explanation = property(lambda self: self.texts()[3], lambda self, v: self._set(3, v))
    answer = property(lambda self: self.texts()[4], lambda self, v: self._set(4, list(v)))

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in zip(self._FIELDS, self._values(), strict=True))
        return f"ParsedQuestion({inner})"


# the fields, in the constructor's order (for ==, repr)
ParsedQuestion._FIELDS = tuple(inspect.signature(ParsedQuestion.__init__).parameters)[1:]

@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[SkippedSheet] = field(default_factory=list)
    sheets: dict[str, int] = field(default_factory=dict)  # "file / sheet" -> questions read
    media: object = None  # the import's media.Collector


class _RowReader:
    """Reads the rows of one block into questions, collecting problems with their place."""

    def __init__(self, file: str, sheet: RawSheet, cols: Columns, out: ParseResult):
        self.file, self.sheet, self.out = file, sheet, out
        self.use(cols)
        self.sheet_points = a.points_from_sheet_name(sheet.name)
        self.row = 0

    def use(self, cols: Columns) -> None:
        """Read with these columns from now on; resolves the ones every row reads in one go
        (stem, options, answer, type; difficulty, category; points, time limit)."""
        self.cols = cols
        get = cols.fields.get
        self._main = (get("stem"), *cols.options, get("answer"), get("type"))
        self._labels = (get("difficulty"), get("category"))
        self._numbers = tuple(
            (col, name == "points")
            for name in ("points", "time_limit")
            if (col := get(name)) is not None
        )
        # every text field of a row in one C call: (stem, *options, answer, type, difficulty,
        # category, explanation, hint); an absent column reads the pad's last cell, ""
        text_cols = (*self._main, *self._labels, get("explanation"), get("hint"))
        self._pick = operator.itemgetter(*(-1 if c is None else c for c in text_cols))
        self._pad = [""] * (max((c for c in text_cols if c is not None), default=0) + 2)
        self._n_options = len(cols.options)

    def cell(self, cells: list, col: int | None, flag_dates: bool = True) -> str:
        if col is None or col >= len(cells):
            return ""
        value = cells[col]
        if type(value) is str:  # the common case, with a.clean() inlined
            if value and _NEEDS_TABLE(value):
                value = value.translate(_TABLE)
            return value.strip()
        fmt = self.sheet.formats.get((self.row, col + self.sheet.col_offset))
        text, was_date = cell_text(value, fmt)
        if was_date and flag_dates:
            self.warn("date_cell", col, text)
        elif isinstance(value, float) and abs(value) >= 1e15:
            self.warn("long_number", col, text)
        return a.clean(text)

    def _problem(self, code: str, col: int | None, value: str, **params) -> Problem:
        letter = col_letter(col + self.sheet.col_offset) if col is not None else ""
        return Problem(code, self.file, self.sheet.name, self.row, letter, value, params)

    def problem(self, code: str, col: int | None, value: str = "", **params) -> None:
        self.out.problems.append(self._problem(code, col, value, **params))

    def warn(self, code: str, col: int | None, value: str = "", **params) -> None:
        self.out.warnings.append(self._problem(code, col, value, **params))

    def read(self, number: int, cells: list) -> ParsedQuestion | None:
        """The question in this row; None for a blank row or a row with a problem (recorded)."""
        self.row = number
        raw = self._pick(cells + self._pad)
        try:  # a.clean() for a row of text cells: one scan of the row for what needs the table
            plain = not _NEEDS_TABLE("\x00".join(raw))
        except TypeError:  # a number or a date among them
            plain = False
        n = self._n_options
        if plain:  # every text field at once (no warning can come from a text cell)
            texts = list(map(str.strip, raw))
            labels = texts[n + 3 :]
        else:  # cell by cell; anything but text goes through cell(); the rest in extras()
            main = self._main
            texts = [
                (v.translate(_TABLE) if _NEEDS_TABLE(v) else v).strip()
                if type(v) is str
                else self.cell(cells, col)
                for col, v in zip(main, raw, strict=False)
            ]
            labels = None
        stem_raw, answer_raw, type_raw = texts[0], texts[n + 1], texts[n + 2]
        options = texts[1 : n + 1]
        if not stem_raw:
            if any(options) or answer_raw:
                self.problem("missing_stem", self._main[0])
            return None
        stem, note = a.split_stem(stem_raw)
        if not stem:
            self.problem("missing_stem", self._main[0], stem_raw)
            return None
        while options and not options[-1]:
            options.pop()
        if len(options) > 1:
            options = a.strip_option_prefixes(options)
        declared = _parse_type(type_raw) if type_raw else None
        if type_raw and declared is None:
            self.problem("unknown_type", self._main[-1], type_raw)
            return None
        qtype, answer = self.answer(stem, declared, options, answer_raw)
        if qtype is None:
            return None
        if qtype not in ("single", "multiple"):
            options = []
        extras = self.extras(cells, labels)
        if extras is None:
            return None
        points, time_limit, level, category, explanation = extras
        if note:
            explanation = f"{explanation}\n{note}" if explanation else note
        question = ParsedQuestion(
            qtype,
            stem,
            options,
            answer,
            points,
            level,
            category or None,
            explanation or None,
            time_limit,
            self.file,
            self.sheet.name,
            number,
            a.fingerprint(stem, options, points),
        )
        if self.cols.media:  # file names for question_bank/media.py to find
            refs = [(col, self.cell(cells, col, flag_dates=False)) for col in self.cols.media]
            off = self.sheet.col_offset
            question.media_ref = [(col_letter(c + off), t) for c, t in refs if t] or None
        return question

    def answer(
        self, stem: str, declared: str | None, options: list[str], raw: str
    ) -> tuple[str | None, list[str]]:
        """(type, answer) for this row, or (None, []) after recording the problem."""
        col = self.cols.fields.get("answer")
        qtype = declared or self.infer(stem, options, raw)
        if qtype == "true_false":
            value = a.truth(raw) if raw else None
            if value is None and raw and options:
                picks = a.choice_answer(raw, options)
                if isinstance(picks, list) and len(picks) == 1:
                    value = a.truth(options[picks[0]])
            if value is None:
                self.problem("missing_answer" if not raw else "bad_true_false", col, raw)
                return None, []
            return qtype, ["true" if value else "false"]
        if qtype in ("single", "multiple", "choice"):
            if len(options) > a.MAX_OPTIONS:
                self.problem("too_many_options", None)
                return None, []
            if len(options) < 2:
                self.problem("too_few_options", self.cols.options[0] if self.cols.options else None)
                return None, []
            if not raw:
                self.problem("missing_answer", col)
                return None, []
            picks = a.choice_answer(raw, options)
            if isinstance(picks, str):
                self.problem(picks, col, raw)
                return None, []
            if "" in options:
                picks = self.close_gaps(options, picks, raw)
                if picks is None:
                    return None, []
            if qtype == "single" and len(picks) > 1:
                self.problem("single_many_answers", col, raw)
                return None, []
            if qtype == "choice":
                qtype = "single" if len(picks) == 1 else "multiple"
            return qtype, [a.LETTERS[i] for i in picks]
        texts = a.text_answers(raw) if raw else [o for o in options if o]
        if qtype == "fill_blank" and not texts:
            self.problem("missing_answer", col)
            return None, []
        return qtype, texts

    def close_gaps(self, options: list[str], picks: list[int], raw: str) -> list[int] | None:
        """Drop empty options in the middle (moving the later ones up), unless one is the answer."""
        gaps = [i for i, o in enumerate(options) if not o]
        if any(i in gaps for i in picks):
            self.problem("answer_out_of_range", self.cols.fields.get("answer"), raw)
            return None
        for i in gaps:
            self.warn("option_gap", self.cols.options[i], "", letter=a.LETTERS[i])
        new_index = {
            old: new for new, old in enumerate(i for i in range(len(options)) if i not in gaps)
        }
        options[:] = [o for o in options if o]
        return [new_index[i] for i in picks]

    @staticmethod
    def infer(stem: str, options: list[str], raw: str) -> str:
        """The type of a row without a type: from its options and the shape of its answer."""
        if len(options) >= 2:
            if len(options) == 2 and all(a.truth(o) is not None for o in options):
                return "true_false"
            return "choice"
        if raw and a.looks_true_false(raw):
            return "true_false"
        listed = a.literal_list(raw) if raw else None
        if not raw or listed == []:
            return "open"
        # a list of accepted texts, or a blank to fill in the stem
        return "fill_blank" if listed or a.has_blank(stem) else "open"

    def extras(self, cells: list, labels: list | None = None) -> tuple | None:
        """(points, time_limit, difficulty, category, explanation); None after a problem.

        ``labels``: the row's difficulty, category, explanation and hint, already clean."""
        points, time_limit = self.sheet_points, None
        width = len(cells)
        for col, is_points in self._numbers:  # the points and time limit columns present
            value = cells[col] if col < width else ""
            if type(value) is float and value.is_integer() and 0 <= value <= 1_000_000:
                value = int(value)  # the common case, without a round trip via text
            else:
                raw = self.cell(cells, col, flag_dates=False)
                value = a.whole_number(raw) if raw else None
                if isinstance(value, str):
                    self.problem(value, col, raw)
                    return None
            if not is_points:
                time_limit = value
            elif value is not None:
                points = value
        if labels is not None:
            level_raw, category, explanation, hint = labels
            explanation = explanation or hint
        else:
            level_raw, category = [
                (v.translate(_TABLE) if _NEEDS_TABLE(v) else v).strip()
                if col is not None and col < width and type(v := cells[col]) is str
                else self.cell(cells, col, flag_dates=False)
                for col in self._labels
            ]
            get = self.cols.fields.get
            explanation = self.cell(cells, get("explanation")) or self.cell(cells, get("hint"))
        level = _difficulty(level_raw) if level_raw else None
        if level_raw and level is None:
            self.warn("unknown_difficulty", self._labels[0], level_raw)
        return points, time_limit, level, category, explanation


_NEEDS_TABLE = a._NEEDS_TABLE.search
_TABLE = a._TABLE


_difficulty = functools.lru_cache(maxsize=256)(a.difficulty)
_parse_type = functools.lru_cache(maxsize=256)(a.parse_type)


def parse_sheet(file: str, sheet: RawSheet, out: ParseResult) -> None:
    """Read one sheet into ``out``: its questions, problems, or the reason it was skipped."""
    rows = iter(sheet.rows)
    head = list(itertools.islice(rows, SHAPE_SAMPLE_ROWS))
    if not head:
        out.skipped.append(SkippedSheet(file, sheet.name, "sheet_empty"))
        return
    cols: Columns | str | None = None
    start = 0
    for i, (_, cells) in enumerate(head[:HEADER_SEARCH_ROWS]):
        found = match_header(cells)
        if found:
            cols, start = found, i + 1
            break
    if cols is None:
        cols = infer_columns(head)
        if isinstance(cols, str):
            out.skipped.append(SkippedSheet(file, sheet.name, "no_header_shape", {"why": cols}))
            return
    before = len(out.questions)
    problems_before = len(out.problems)
    reader = _RowReader(file, sheet, cols, out)
    append = out.questions.append
    read = reader.read
    quick, has_stem = cols.quick, "stem" in cols.fields
    for number, cells in itertools.chain(head[start:], rows):
        width = len(cells)
        for col in quick:  # a repeated header: a cheap look at its known columns first
            if col < width:
                value = cells[col]
                if type(value) is str and 0 < len(value) <= 24 and _header_key(value) in _STRONG:
                    again = match_header(cells)
                    if again:
                        break
        else:
            again = None
        if again:
            reader.use(again)
            quick, has_stem = again.quick, "stem" in again.fields
            continue
        if not has_stem:
            continue
        question = read(number, cells)
        if question is not None:
            append(question)
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


def parse_workbook(book: Workbook, out: ParseResult | None = None) -> ParseResult:
    """Every sheet of a workbook, into one result.

    The cyclic garbage collector is paused meanwhile: the rows make no reference cycles, and
    its passes over the growing list of questions cost ~10% of a 100,000-row parse.
    """
    out = out or ParseResult()
    paused = gc.isenabled()
    gc.disable()
    try:
        for sheet in book.sheets:
            parse_sheet(book.filename, sheet, out)
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


EDIT_FIELDS = (  # the fields of one question as the editor sends them, in order
    "type",
    "stem",
    "answer",
    "points",
    "difficulty",
    "category",
    "explanation",
    "time_limit",
)


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
    reader = _RowReader(file, RawSheet(sheet, []), cols, out)
    question = reader.read(1, cells)
    if question is None and not out.problems:
        out.problems.append(Problem("missing_stem", file, sheet, 1, "", ""))
    return question, out.problems + out.warnings
