"""One row of cells into one question: ``RowReader.read()`` is the definition of a row, and
``_read_fast()`` its fast path over plain runs of rows (see ``read_block``). Pure.

The rules ``read()`` applies come from ``answers.py`` (cells), ``layouts.py`` (what real banks
put in their cells) and ``headers.py`` (the columns); tests/unit/test_bank_row_paths.py proves the
fast path gives what ``read()`` gives.
"""

from __future__ import annotations

import functools
import operator
import re

from . import answers as a
from . import layouts as L
from .cellformat import cell_text
from .headers import _STRONG, Columns, _header_key, match_header
from .messages import Problem
from .parsed import _SEP, ParsedQuestion, ParseResult
from .sheets import RawSheet, col_letter


class RowReader:
    """Reads the rows of one block into questions, collecting problems with their place."""

    fast = True  # plain runs of rows through _read_fast(); False: every row through read()

    def __init__(self, file: str, sheet: RawSheet, cols: Columns, out: ParseResult):
        self.file, self.sheet, self.out = file, sheet, out
        self.use(cols)
        self.sheet_points = a.points_from_sheet_name(sheet.name)
        self.row = 0
        self.section: L.Section | None = None  # the last section row's ('一、单选题')

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

    def continues(self, row: tuple[int, list]) -> bool:
        """Whether this row's stem cell starts with an option marker (an option row)."""
        col = self.cols.fields.get("stem")
        cells = row[1]
        text = cells[col] if col is not None and col < len(cells) else ""
        return type(text) is str and _STARTS_WITH_MARK(text) is not None

    def join(self, block: list[tuple[int, list]]) -> list[tuple[int, list]]:
        """The block with option rows joined to their question (layouts.join_option_rows)."""
        get = self.cols.fields.get
        if get("stem") is None:
            return block
        return L.join_option_rows(
            block, get("stem"), tuple(self.cols.options), get("type"), get("answer")
        )

    def read_block(self, block: list[tuple[int, list]]) -> None:
        """The questions of these rows, in order, into ``out``; a repeated header switches the
        columns from its row on.

        ``read()`` is the definition of a row. ``_read_fast()`` is its fast path over a run of
        rows: it takes the cells column by column (cleaning, the stems' numbering, the type,
        difficulty and number columns and the fingerprints cost one C call per column or per
        distinct value instead of one per cell) and hands every row that is anything but plain
        (a problem, a warning, a cell that is not text, a layout hint) to ``read()``. A new rule
        goes into ``read()``; the fast path only learns to send such rows there. With ``fast``
        off every row goes through ``read()``: tests/unit/test_bank_row_paths.py proves both
        give the same questions, problems, warnings and notes.

        Blocks of ``BLOCK_ROWS`` (250) rows: the cells of a block are held at once, and the
        last ones are read while calamine's sheet and nearly every question are held too (the
        import's peak memory): blocks of 1,000 added 2.4 MB to the peak of the 10,000 sheet
        (9.8 -> 11.6x the file end to end), 250 nothing, for +0.5% instructions.
        """
        numbers, rows = zip(*block, strict=True)
        start, end = 0, len(block)
        while start < end:
            stop, again = self._next_header(rows, start)
            if "stem" in self.cols.fields and stop > start:
                # media cells are read one by one (for question_bank/media_collect.py)
                run = self._read_fast if self.fast and not self.cols.media else self._read_rows
                run(numbers[start:stop], rows[start:stop])
            if again is None:
                return
            self.use(again)
            start = stop + 1

    def _read_rows(self, numbers: tuple, rows: tuple) -> None:
        """Rows of a block, none of them a header, each read by the definition (``read()``)."""
        append = self.out.questions.append
        for number, cells in zip(numbers, rows, strict=True):
            question = self.read(number, cells)
            if question is not None:
                append(question)

    def _next_header(self, rows: tuple, start: int) -> tuple[int, Columns | None]:
        """(index of the next row from ``start`` that repeats a header, its columns), or
        (len(rows), None). A cheap look at the distinct values of its known columns first."""
        end = len(rows)
        hits = []
        try:
            for col in self.cols.quick:
                try:
                    values = set(map(operator.itemgetter(col), rows[start:] if start else rows))
                except IndexError:  # a short row
                    values = {cells[col] for cells in rows[start:] if col < len(cells)}
                found = {v for v in values if _may_be_header(v)}
                if found:
                    hits.append((col, found))
        except TypeError:  # an unhashable cell (not from a sheet): look at every row
            hits = [(col, None) for col in self.cols.quick]
        if not hits:
            return end, None
        for i in range(start, end):
            cells = rows[i]
            width = len(cells)
            for col, found in hits:
                if col < width:
                    value = cells[col]
                    if (value in found) if found is not None else _may_be_header(value):
                        again = match_header(cells)
                        if again:
                            return i, again
        return end, None

    def _read_fast(self, numbers: tuple, rows: tuple) -> None:
        """``_read_rows()``, fast: the plain rows of the run taken column by column, the others
        read by ``read()`` in their place (see ``read_block``)."""
        append = self.out.questions.append
        get = self.cols.fields.get
        n = self._n_options
        type_col, (level_col, category_col) = self._main[-1], self._labels
        # the texts used as they are: stem, options, answer, category, explanation, hint
        text_cols = (*self._main[: n + 2], category_col, get("explanation"), get("hint"))
        used = [c for c in (*text_cols, type_col, level_col) if c is not None]
        used += [c for c, _ in self._numbers]
        width = max(used) + 1
        if min(map(len, rows)) < width:  # a short row reads "" past its end, as in read()
            rows_read = [c if len(c) >= width else [*c, *[""] * (width - len(c))] for c in rows]
        else:
            rows_read = rows
        columns = list(zip(*rows_read, strict=False))  # up to the narrowest row's width
        count = len(rows)
        slow: set[int] = set()  # rows read one by one
        texts: list[list[str] | None] = []
        packed = True  # no text of the run holds _SEP (ParsedQuestion's separator)
        prefixes = False  # a mark for an option prefix ('A.', '(B)') in the options of the run
        for k, col in enumerate(text_cols):
            if col is None:
                texts.append(None)
                continue
            values = columns[col]
            try:
                joined = "\x00".join(values)
            except TypeError:  # a cell that is not text: shown as text, or left to read()
                values = list(values)
                for i, value in enumerate(values):
                    if type(value) is not str:
                        text = self._shown(value, numbers[i], col)
                        if text is None:
                            slow.add(i)
                            text = ""
                        values[i] = text
                joined = "\x00".join(values)
            if 0 < k <= n:  # an option: one scan for both (cleaning leaves the marks alone)
                needs_table = _TABLE_OR_MARK(joined) is not None
                if needs_table and _PREFIX_HINT(joined):
                    prefixes = n > 1
                    needs_table = _NEEDS_TABLE(joined) is not None
                elif needs_table:
                    needs_table = _NEEDS_TABLE(joined) is not None
            else:
                needs_table = _NEEDS_TABLE(joined) is not None
            if needs_table:  # a.clean(), cell by cell, where a cell needs it
                values = [(v.translate(_TABLE) if _NEEDS_TABLE(v) else v).strip() for v in values]
            else:
                values = list(map(str.strip, values))
            if _SEP in joined:
                packed = False
            if 0 < k <= n:  # an option cell that layouts.tidy_options() may change
                hints = L.FIRST_OPTION_HINTS if k == 1 else L.OPTION_HINTS
                slow.update(L.hinted(values, hints, a.LETTERS[k - 1]))
            texts.append(values)
        stems, notes = a.split_stems(texts[0])
        slow.update(L.hinted(stems, L.STEM_HINTS))  # stems that layouts.py may change
        options_of = map(list, zip(*texts[1 : n + 1], strict=True)) if n else ([] for _ in rows)
        blank, none = [""] * count, [None] * count  # an absent column (only read)
        answers = texts[n + 1] or blank
        # type and difficulty: cleaned and read once per distinct cell
        declared = none if type_col is None else self._mapped(columns[type_col], _type_of, slow)
        levels = none if level_col is None else self._mapped(columns[level_col], _level_of, slow)
        categories = texts[n + 2] or blank
        explanations, hints = texts[n + 3], texts[n + 4]
        if explanations is None:
            explanations = hints or blank
        elif hints is not None:
            explanations = [e or h for e, h in zip(explanations, hints, strict=True)]
        points = times = none
        for col, is_points in self._numbers:
            values = columns[col]
            if is_points:
                points = self._mapped(values, _number_of, slow)
            else:
                times = self._mapped(values, _number_of, slow)
        sheet_points = self.sheet_points
        file, sheet = self.file, self.sheet.name
        infer, choice_answer, letter_picks = self.infer, a.choice_answer, a._letter_picks
        made: list[ParsedQuestion] = []
        keys: list[str] = []

        sectioned = self.section is not None  # then every row is read on its own

        def one(i: int) -> None:  # the row on its own, by the definition
            nonlocal sectioned
            question = self.read(numbers[i], rows[i])
            if question is not None:
                append(question)
            sectioned = self.section is not None

        i = -1
        for stem, options, raw, qtype, value, time_limit, level, category, explanation in zip(
            stems,
            options_of,
            answers,
            declared,
            points,
            times,
            levels,
            categories,
            explanations,
            strict=True,
        ):
            i += 1
            if not stem or sectioned or i in slow:
                one(i)
                continue
            while options and not options[-1]:
                options.pop()
            if prefixes and len(options) > 1:
                options = a.strip_option_prefixes(options)
            qtype = qtype or infer(stem, options, raw)
            if qtype == "true_false":
                truth = _truth(raw) if raw else None
                if truth is None:
                    one(i)
                    continue
                answer = ["true" if truth else "false"]
                options = []
            elif qtype in ("single", "multiple", "choice"):
                # two options may be true/false (对/错): read()
                if not raw or not 3 <= len(options) <= a.MAX_OPTIONS or "" in options:
                    one(i)
                    continue
                # letters ('ABD', 'A、B'): what choice_answer() gives them, from a cache
                picks = letter_picks(raw)
                if picks is None or picks[-1] >= len(options):
                    picks = choice_answer(raw, options)
                    if type(picks) is str:
                        one(i)
                        continue
                    picks = tuple(picks)
                if qtype == "single" and len(picks) > 1:
                    one(i)
                    continue
                if qtype == "choice":
                    qtype = "single" if len(picks) == 1 else "multiple"
                answer = _LETTER_LISTS.get(picks) or _letters(picks)
            else:
                if not raw:  # a section row, a note, or a question without an answer: read()
                    one(i)
                    continue
                answer = a.text_answers(raw)
                if qtype == "fill_blank" and not answer:
                    one(i)
                    continue
                options = []
            if value is None:
                value = sheet_points
            if notes and notes[i]:
                note = notes[i]
                explanation = f"{explanation}\n{note}" if explanation else note
            # ParsedQuestion(...), with its texts packed here (see there)
            text = _SEP.join([stem, *options, category, explanation, *answer])
            if not packed or qtype in _TEXT_ANSWERS:  # a text may hold _SEP: then a tuple
                if text.count(_SEP) != len(options) + len(answer) + 2:
                    text = (stem, *options, category, explanation, *answer)
            question = _new(ParsedQuestion)
            question.type = qtype
            question._text = text
            question._n = len(options)
            question.points = value
            question.difficulty = level
            question.time_limit = time_limit
            question.file = file
            question.sheet = sheet
            question.row = numbers[i]
            question.media_ref = question.media = None
            append(question)
            made.append(question)
            keys.append("\x00".join([stem, *options, str(value or "")]))
        for question, fingerprint in zip(made, a.fingerprints(keys), strict=True):
            question.fingerprint = fingerprint

    def _shown(self, value, row: int, col: int) -> str | None:
        """A cell that is not text as cell() shows it, when that needs no number format and
        gives no warning (no date, no 16-digit number); else None (read() says what)."""
        kind = type(value)
        if kind is float or kind is int:
            if kind is float and not abs(value) < 1e15:
                return None  # a long_number warning (or NaN, infinity)
            if (row, col + self.sheet.col_offset) in self.sheet.formats:
                return None  # a number format, a date's among them
        elif value is not None and kind is not bool:
            return None  # a date or a time
        return cell_text(value)[0]

    @staticmethod
    def _mapped(values, convert, slow: set[int]) -> list:
        """``convert`` of each value, once per distinct value; the rows where it gives
        ``_SLOW`` (a problem or a warning to record) are added to ``slow``."""
        if set(map(type, values)) <= {str, float}:  # a str never equals a float
            table = {v: convert(v) for v in set(values)}
            out = list(map(table.__getitem__, values))
            if _SLOW in table.values():
                slow.update(i for i, v in enumerate(out) if v is _SLOW)
            return out
        out = [convert(v) for v in values]
        slow.update(i for i, v in enumerate(out) if v is _SLOW)
        return out

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
        if stem:
            laid = self.layout(stem, options, answer_raw, type_raw)
            if laid is None:  # a section row or a note
                return None
            stem, options, answer_raw, implied, implied_points, remark = laid
        if not stem:
            self.problem("missing_stem", self._main[0], stem_raw)
            return None
        while options and not options[-1]:
            options.pop()
        if len(options) > 1:
            options = a.strip_option_prefixes(options)
        declared = _parse_type(type_raw) if type_raw else implied
        if type_raw and declared is None:
            self.problem("unknown_type", self._main[-1], type_raw)
            return None
        qtype, answer = self.answer(stem, declared, options, answer_raw)
        if qtype is None:
            return None
        if qtype not in ("single", "multiple"):
            options = []
        extras = self.extras(cells, labels, implied_points)
        if extras is None:
            return None
        points, time_limit, level, category, explanation = extras
        for extra in (note, remark):
            if extra:
                explanation = f"{explanation}\n{extra}" if explanation else extra
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
        if self.cols.media:  # file names for question_bank/media_collect.py to find
            refs = [(col, self.cell(cells, col, flag_dates=False)) for col in self.cols.media]
            off = self.sheet.col_offset
            question.media_ref = [(col_letter(c + off), t) for c, t in refs if t] or None
        return question

    def layout(self, stem: str, options: list[str], answer: str, kind: str) -> tuple | None:
        """The row's cells as layouts.py reads them: (stem, options, answer, the type and the
        points the stem or the section gives, a remark for the explanation); None for a
        section row (it sets ``self.section``) or a note (listed in ``out.notes``)."""
        remark = ""
        if any(options):
            options, remark = L.tidy_options(options)
        implied = points = None
        tagged = L.type_in_stem(stem) if stem[0] in "(（【[" else None
        if tagged:
            stem, implied, points = tagged
        # an open question (judged aloud) keeps choices written in its stem as its text
        if not any(options) and not (kind and a.parse_type(kind) == "open"):
            found = L.split_options(stem, in_stem=True)
            if found:
                stem, options = found
        bare = not (kind or answer or tagged or any(options))
        if bare:
            opened = L.section(stem)
            if opened is not None:
                self.section = opened
                return None
        if not answer:
            found = L.answer_in_stem(stem, letters=sum(1 for o in options if o) >= 2)
            if found:
                stem, answer = found
                bare = False
        if bare and L.is_note(stem, self.in_choices()):
            self.out.notes.append(self._problem("skipped_note", self._main[0], stem))
            return None
        opened = self.section
        if opened is not None:
            implied = implied or opened.type
            points = opened.points if points is None else points
            if not answer and not any(options):
                answer = opened.answer
        return stem, options, answer, implied, points, remark

    def in_choices(self) -> bool:
        """Whether the row sits among choice questions: in a choice section, or (before any
        section) under a header with option columns."""
        if self.section is not None:
            return self.section.type in L.CHOICES
        return bool(self.cols.options)

    def answer(
        self, stem: str, declared: str | None, options: list[str], raw: str
    ) -> tuple[str | None, list[str]]:
        """(type, answer) for this row, or (None, []) after recording the problem.

        A single choice between two options that read as true and false (对/错, 正确/错误) is a
        true/false question."""
        col = self.cols.fields.get("answer")
        qtype = declared or self.infer(stem, options, raw)
        if qtype in ("single", "choice") and len(options) == 2 and _two_truths(options):
            qtype = "true_false"
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

    def extras(
        self, cells: list, labels: list | None = None, points: int | None = None
    ) -> tuple | None:
        """(points, time_limit, difficulty, category, explanation); None after a problem.

        ``labels``: the row's difficulty, category, explanation and hint, already clean.
        ``points``: what the stem or its section gives, when the points column gives none
        (else the sheet name's)."""
        points, time_limit = self.sheet_points if points is None else points, None
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
_STARTS_WITH_MARK = L._STARTS_WITH_MARK.match


_difficulty = functools.lru_cache(maxsize=256)(a.difficulty)
_parse_type = functools.lru_cache(maxsize=256)(a.parse_type)
_truth = a.truth
_PREFIX_HINT = a._PREFIX_HINT.search
# what _NEEDS_TABLE or _PREFIX_HINT looks for, in one scan (for the options)
_TABLE_OR_MARK = re.compile(
    a._NEEDS_TABLE.pattern[:-1] + a._PREFIX_HINT.pattern[1:-1].replace("]", "\\]") + "]"
).search
_SLOW = object()  # a value that read() must look at on its own (a problem or a warning)
_new = object.__new__
# types whose answers come from text_answers(): a list literal's may hold _SEP
_TEXT_ANSWERS = frozenset({"fill_blank", "open"})
_LETTER_LISTS: dict[tuple[int, ...], list[str]] = {}  # option indexes -> answer letters (shared)


def _letters(picks: tuple[int, ...]) -> list[str]:
    letters = _LETTER_LISTS[picks] = [a.LETTERS[i] for i in picks]
    return letters


def _two_truths(options: list[str]) -> bool:
    """Two options that read as true and as false (对/错, 正确/错误, √/×)."""
    return {_truth(options[0]), _truth(options[1])} == {True, False}


def _may_be_header(value) -> bool:
    """A cell that may belong to a repeated header row (a cheap look before match_header)."""
    return type(value) is str and 0 < len(value) <= 24 and _header_key(value) in _STRONG


def _label_of(read, value):
    """A type or difficulty cell as ``read`` (_parse_type, _difficulty) reads it; None for an
    empty one, _SLOW for an unknown one (a problem or a warning) or anything but text (read()
    says what)."""
    if type(value) is not str:
        return _SLOW
    text = a.clean(value)
    if not text:
        return None
    label = read(text)
    return _SLOW if label is None else label


_type_of = functools.partial(_label_of, _parse_type)
_level_of = functools.partial(_label_of, _difficulty)


def _number_of(value):
    """A points or time-limit cell as extras() reads it, when that needs no format, problem
    or warning; else _SLOW."""
    if type(value) is float:
        return int(value) if value.is_integer() and 0 <= value <= 1_000_000 else _SLOW
    if type(value) is str:
        text = a.clean(value)
        if not text:
            return None
        number = a.whole_number(text)
        return _SLOW if isinstance(number, str) else number
    return _SLOW
