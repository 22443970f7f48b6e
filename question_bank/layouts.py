"""What the cells of a row carry besides one field each, as real banks type them. Pure.

Each rule is decided here, once. ``row_reader.RowReader.read()`` applies them to a row; the
column-by-column fast path (``_read_fast``) sends every row that may need one of them to
``read()`` (the ``*_HINT`` patterns below are supersets of what the rules look for).

- **Options in one cell** (``split_options``): markers ``A.`` ``A、`` ``A:`` ``A．`` ``A)``
  ``(A)`` ``（A）`` for A, B, C… in order, separated by newlines or inline; in the stem cell after
  the question (the stem keeps the question) or in the first option cell, the other option
  cells empty (there, one option per line also works without markers).
- **The answer inside the stem** (``answer_in_stem``): ``（B）``, ``( AC )``, ``（√）``, ``(对)``,
  at the end or in the blank, when the answer cell is empty; the stem keeps ``（　）`` there.
  Letters count only for a question with options.
- **Type and points inside the stem** (``type_in_stem``): a leading ``(单选题, 1分)``,
  ``【多选】``, ``[判断题]``.
- **Section rows** (``section``): ``一、单选题``, ``二、多选题（每题2分）``, ``判断题（正确）``:
  a row with no options, no answer and no type whose text is a type (with its numbering) sets
  the type (and the points, and the answer) of the rows under it, until the next section.
- **Notes** (``is_note``): a text with no options, no answer and no type, that asks nothing
  (no ``？``, no blank) inside a choice section, or that says ``以下为…``/``以上是…``/``注：…``
  anywhere, is a note: skipped and listed, never an open question.
- **Option cells** (``tidy_options``): a lone ``C`` in column C is a placeholder (empty) when two
  other options are real; a remark (``PS：…``, ``注：…``, ``备注：…``) goes to the explanation.
- **Block layouts** (``join_option_rows``): a question row followed by rows whose stem cell
  starts with an option marker (their other option and type cells empty) is one question: the
  option rows' texts join the stem cell (then split as above), and an answer on an option row
  is the question's when its own row has none.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from operator import itemgetter

from . import answers as a

LETTERS = a.LETTERS

# --------------------------------------------------------------------------- option markers

# 'A.', 'A、', 'A:', 'A．', 'A)', '(A)', '（A）' (capital letters: the cells are clean()ed, so
# full-width letters are ASCII by now); never right after a Latin letter or digit ('DNA.')
_MARK = re.compile(
    r"(?<![A-Za-z0-9])(?:[(（]\s*([A-H])\s*[)）]\s*[.．、:：]?|([A-H])\s*[.．、:：)）])"
)
# where a marker may open an option that is not the first of a cell: at the start, after white
# space or punctuation; a parenthesised '(B)' anywhere
_OPENS = re.compile(r"[\s\u2000-\u206f\u3000-\u303f\uff00-\uff0f\uff1a-\uff20!-/:-@\[-`{-~]")


def _chain(text: str, first_at_start: bool) -> list[tuple[int, int]] | None:
    """(start, end) of the markers A, B, C… of a run of options in ``text``, or None.

    A marker counts when it is at the start, after white space or punctuation, or
    parenthesised. The run starts at an 'A' marker (the first thing in the text when
    ``first_at_start``) and takes B, C… in order after it; of several, the longest, and of
    those the last (a question may name 'A、B' before its options)."""
    marks = []
    for match in _MARK.finditer(text):
        start = match.start()
        if match.group(1) or start == 0 or _OPENS.match(text[start - 1]):
            marks.append((match.group(1) or match.group(2), start, match.end()))
    best: list[tuple[int, int]] = []
    for i, (letter, start, end) in enumerate(marks):
        if letter != "A" or (first_at_start and text[:start].strip()):
            continue
        run = [(start, end)]
        for other, o_start, o_end in marks[i + 1 :]:
            if len(run) < len(LETTERS) and other == LETTERS[len(run)]:
                run.append((o_start, o_end))
        if len(run) >= len(best):
            best = run
    return best if len(best) >= 2 else None


def split_options(text: str, in_stem: bool) -> tuple[str, list[str]] | None:
    """(the text before the options, the options) of a cell holding options A, B… in order.

    In a stem cell (``in_stem``) the question comes first and must not be empty; in an option
    cell the options start the cell. None when the cell holds no such run or an option of it
    is empty."""
    marks = _chain(text, first_at_start=not in_stem)
    if marks is None:
        return None
    head = text[: marks[0][0]].strip()
    if in_stem and not head:
        return None
    ends = [start for start, _ in marks[1:]] + [len(text)]
    options = [text[end:stop].strip() for (_, end), stop in zip(marks, ends, strict=True)]
    if not all(options):
        return None
    return head, options


def split_lines(text: str) -> list[str] | None:
    """The options of a cell holding one option per line (no markers), when there are 2+."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return lines if len(lines) >= 2 else None


# --------------------------------------------------------------------------- the answer in the stem

_TRUTH_WORDS = r"[√×✓✗✔✘]|对|错|正确|错误"
_ANSWER_IN_PARENS = re.compile(
    r"[(（][\s\u3000]*(?:(?P<letters>[A-H](?:[\s,，、]*[A-H])*)|(?P<truth>"
    + _TRUTH_WORDS
    + r"))[\s\u3000]*[)）]"
)
BLANK = "（\u3000）"


def answer_in_stem(stem: str, letters: bool) -> tuple[str, str] | None:
    """(the stem with its answer replaced by a blank '（　）', the answer), or None.

    The last '（B）' / '( AC )' (when ``letters``: the question has options) or '（√）' / '(对)'
    of the stem is the answer."""
    last = None
    for match in _ANSWER_IN_PARENS.finditer(stem):
        if match.group("truth") or letters:
            last = match
    if last is None:
        return None
    answer = last.group("letters") or last.group("truth")
    return (stem[: last.start()] + BLANK + stem[last.end() :]).strip(), answer


# --------------------------------------------------------------------------- type and points

_TAG = re.compile(
    r"^[(（【\[]\s*(?P<kind>[^()（）【】\[\],，、;；\s\d]{1,16})\s*"
    r"(?:[,，、;；/\s]\s*(?:共|每题)?\s*(?P<points>\d{1,4})\s*分?\s*)?[)）】\]]\s*"
)
_POINTS = re.compile(r"(?:每题|每小题|各)?\s*(\d{1,4})\s*分")


def type_in_stem(stem: str) -> tuple[str, str, int | None] | None:
    """(the stem without its leading '(单选题, 1分)' / '【多选】' / '[判断题]', the type, the
    points or None), or None when the stem starts with no such tag."""
    match = _TAG.match(stem)
    if not match:
        return None
    kind = a.parse_type(match.group("kind"))
    if kind is None:
        return None
    points = match.group("points")
    return stem[match.end() :].strip(), kind, int(points) if points else None


# --------------------------------------------------------------------------- sections and notes

_CN_NUMBER = "一二三四五六七八九十"
_SECTION_NUMBER = re.compile(
    rf"^(?:[{_CN_NUMBER}]{{1,3}}\s*[、.．:：]|[(（][{_CN_NUMBER}\d]{{1,3}}[)）]"
    rf"|第\s*[{_CN_NUMBER}\d]{{1,3}}\s*(?:部分|大题|节|题型)\s*[、.．:：]?|\d{{1,2}}\s*[、.．])\s*"
)
_SECTION_BODY = re.compile(
    r"^([^()（）【】\[\]:：]{1,12}?)\s*[:：]?\s*(?:[(（【\[](.*)[)）】\]])?[:：。.]?$"
)


@dataclass(frozen=True)
class Section:
    """What a section row sets for the rows under it."""

    type: str  # single, multiple, choice, true_false, fill_blank, open
    answer: str = ""  # '正确' / '错误' for a true/false section that sets the answer
    points: int | None = None


def section(text: str) -> Section | None:
    """The section a row's only text opens ('一、单选题', '二、多选题（每题2分）',
    '判断题（正确）'), or None."""
    number = _SECTION_NUMBER.match(text)
    body = text[number.end() :] if number else text
    match = _SECTION_BODY.match(body.strip())
    if not match:
        return None
    kind = a.parse_type(match.group(1))
    if kind is None:
        return None
    rest = match.group(2) or ""
    answer = ""
    truth = a.truth(rest) if rest and len(rest) <= 4 else None
    if kind == "true_false" and truth is not None:
        answer = "正确" if truth else "错误"
    points = _POINTS.search(rest)
    return Section(kind, answer, int(points.group(1)) if points else None)


_ASKS = re.compile(r"[?？]|[（(][\s\u3000]*[)）]|_{2,}|＿")
_NOTE_WORDS = re.compile(
    r"^(?:以下|以上)(?:为|是|均为|都是|全是|皆为|部分)|^(?:PS|ps|Ps|注|备注|说明|提示)\s*[:：]"
)
CHOICES = frozenset({"single", "multiple", "choice"})


def is_note(text: str, in_choices: bool) -> bool:
    """A row's only text is a note, not a question: it asks nothing (no '？', no blank) and
    sits among choice questions, or it says '以下为…' / '以上是…' / '注：…'."""
    if _NOTE_WORDS.match(text) and not re.search(r"[?？]", text):
        return True
    return in_choices and not _ASKS.search(text)


# --------------------------------------------------------------------------- option cells

_REMARK = re.compile(r"^(?:PS|ps|Ps|pS|注|备注|说明)\s*[:：]\s*")


def tidy_options(options: list[str]) -> tuple[list[str], str]:
    """(the options, a remark for the explanation): placeholders emptied, remarks taken out,
    options all in the first cell split."""
    remark = ""
    if any(_REMARK.match(o) for o in options):
        kept = []
        for option in options:
            if _REMARK.match(option):
                remark = f"{remark}\n{option}" if remark else option
                option = ""
            kept.append(option)
        options = kept
    own = [i for i, o in enumerate(options) if len(o) == 1 and o.upper() == LETTERS[i]]
    if own and sum(1 for o in options if o) - len(own) >= 2:
        options = ["" if i in own else o for i, o in enumerate(options)]
    if options and options[0] and not any(options[1:]):
        found = split_options(options[0], in_stem=False)
        split = found[1] if found else split_lines(options[0])
        if split:
            options = split
    return options, remark


# --------------------------------------------------------------------------- block layouts

_STARTS_WITH_MARK = re.compile(r"[ \t\u3000]*(?:[(（]\s*[A-H]\s*[)）]|[A-H]\s*[.．、:：)）])")


def join_option_rows(
    rows: list, stem: int, options: tuple[int, ...], kind: int | None, answer: int | None
) -> list:
    """The rows with each run of option rows joined to the question row above it.

    A question row: a stem that starts with no option marker, its option cells empty. An option
    row under it: its stem cell starts with an option marker, its option and type cells empty;
    its text joins the question's stem cell on a new line, its answer cell fills the
    question's when that is empty. Rows are (number, cells); joined rows are copies."""
    try:
        column = "\x00" + "\x00".join(map(itemgetter(stem), map(itemgetter(1), rows)))
    except (IndexError, TypeError):  # a short row, a cell that is not text
        column = "\x00" + "\x00".join(
            cells[stem] if stem < len(cells) and type(cells[stem]) is str else ""
            for _, cells in rows
        )
    if not any(ch in column for ch in LETTERS) or not _COLUMN_STARTS_WITH_MARK.search(column):
        return rows
    out: list = []
    target = None  # the question row being joined (a copy)
    for number, cells in rows:
        width = len(cells)
        text = cells[stem] if stem < width and type(cells[stem]) is str else ""
        bare = not any(c < width and cells[c] not in ("", None) for c in options)
        if bare and text.strip() and _STARTS_WITH_MARK.match(text):
            if target is not None and (kind is None or kind >= width or cells[kind] in ("", None)):
                target[stem] = f"{target[stem]}\n{text.strip()}"
                if answer is not None and answer < width and cells[answer] not in ("", None):
                    target.extend([""] * (answer + 1 - len(target)))
                    if target[answer] in ("", None):
                        target[answer] = cells[answer]
                continue
            target = None
        elif bare and text.strip():
            target = list(cells)
            out.append((number, target))
            continue
        else:
            target = None
        out.append((number, cells))
    return out


# ------------------------------------------------------------------- hints for the fast path
# Supersets of what the rules above look for. ``hinted()`` finds the cells of a whole column
# that one may match in a few scans of the column joined: each pattern starts with a literal
# (quick to look for), or is only tried when one of its "gate" characters is in the column.

_REMARK_ANYWHERE = r"(?:PS|ps|Ps|pS|注|备注|说明)\s*[:：]"
# a stem (numbering removed) that a rule may change: an answer or a marker in parentheses,
# a letter marker, a leading tag
_IN_PARENS = "ABCDEFGH√×✓✗✔✘对错正"
STEM_HINTS = (
    (_IN_PARENS, re.compile(r"（[\s\u3000]*(?:[A-H√×✓✗✔✘对错]|正确)").finditer),
    (_IN_PARENS, re.compile(r"\([\s\u3000]*(?:[A-H√×✓✗✔✘对错]|正确)").finditer),
    ("ABCDEFGH", re.compile(r"[A-H]\s*[.．、:：)）]").finditer),
    (None, re.compile(r"\x00[(（【\[]").finditer),
)
# an option cell with a remark; the first option cell also with a second line or a marker
OPTION_HINTS = (("注说Pp", re.compile(_REMARK_ANYWHERE).finditer),)
_FIRST_OPTION = re.compile(_REMARK_ANYWHERE + r"|\n|[B-H]\s*[.．、:：)）]|[(（]\s*[B-H]")
FIRST_OPTION_HINTS = (("注说PpBCDEFGH(（\n", _FIRST_OPTION.finditer),)
# a column where some cell starts with an option marker (join_option_rows), "\x00" before each
_COLUMN_STARTS_WITH_MARK = re.compile(
    r"\x00[ \t\u3000]*(?:[(（]\s*[A-H]\s*[)）]|[A-H]\s*[.．、:：)）])"
)


def hinted(values: list[str], hints: tuple, letter: str = "") -> set[int]:
    """The indexes of the ``values`` where one of the ``hints`` ((gate, finditer)) matches,
    or that are ``letter`` alone (in either case: a placeholder, see tidy_options)."""
    joined = "\x00".join(["", *values])
    found: set[int] = set()
    if letter and (letter in joined or letter.lower() in joined):
        found.update(i for i, v in enumerate(values) if len(v) == 1 and v.upper() == letter)
    gates = {ch for gate, _ in hints if gate for ch in gate}
    present = {ch for ch in gates if ch in joined}  # each character looked for once
    ends = None
    for gate, finditer in hints:
        if gate is not None and present.isdisjoint(gate):
            continue
        for match in finditer(joined):
            if ends is None:
                ends = list(itertools.accumulate(len(v) + 1 for v in values))
            # the match's last character, in the column without its leading "\x00"
            found.add(bisect.bisect_right(ends, match.end() - 2))
    return found
