"""One definition of a row: the fast path gives what the per-row definition gives.

``normalize._RowReader.read()`` defines what a row is; ``_read_fast()`` takes plain runs of rows
column by column and hands every other row to ``read()``. Hypothesis generates sheets as
organizers make them (types, answers in every form the readers accept, blanks, merged and odd
cells, option rows, sections and notes, runs longer than a block) and the two paths must give
equal questions and equal problems, warnings and notes.
"""
from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from question_bank import normalize
from question_bank.sheets import RawSheet, Workbook

from .test_bank_blocks import LITERAL, NUMBERS, ODD, WORDS

HEADERS = [
    ["题型", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "分值", "难度", "分类", "解析",
     "时限"],
    ["序号", "题干", "A", "B", "C", "D", "E", "正确答案", "解析", "备注"],
    ["question", "answer", "points"],
    ["题目", "A选项", "B选项", "答案", "提示"],
    ["类型", "问题", "选项1", "选项2", "选项3", "答案", "知识点", "时间"],
    ["题目", "答案"],
]  # fmt: skip
STEMS = ["1、", "第2题：", "（单选）", "【多选题】", "（判断）", "12.", "(3)", "（10分）"]
SECTIONS = ["一、单选题", "二、多选题（每题5分）", "三、判断题", "四、填空题", "以下为新题"]
STEM_TAILS = ["（B）", "（ ）", "(对)", "（AC）", " A.甲 B.乙 C.丙", "\nA、一\nB、二\nC、三",
              "____"]
KINDS = ["单选", "多选", "判断", "", "选择", "填空", "简答", " 单选题 ", "\u3000多选", "unknown",
         "ＴＦ", "判断题", "问答"]  # fmt: skip
ANSWERS = ["A", "Ｂ", " c", "AB", "A、B", "a,b", "1,2", "ＡＢ", "ABCD", "E", "H", "A。", "对", "错",
           "√", "×", "T", "F", "true", "是", "正确。", "北京|Beijing", "['x', 'y']", "[]", LITERAL,
           "安全", "", "B", 1.0, 2.0]  # fmt: skip
OPTIONS = ["A. 甲", "B、乙", "(C) 丙", "对", "错", "正确", "错误", "", "甲\n乙"]
LEVELS = ["简单", "中等", "困难", "", "ＥＡＳＹ", "？", "hard", 3.0]

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map("".join)
odd = st.sampled_from(ODD + [dt.date(2024, 1, 2)])


def _stem():
    plain = words
    marked = st.tuples(st.sampled_from(STEMS), words).map("".join)
    tailed = st.tuples(words, st.sampled_from(STEM_TAILS)).map("".join)
    return st.one_of(plain, plain, marked, tailed, st.sampled_from(SECTIONS + ["", " "]))


ROLE = {  # header cell -> the strategy of its cells
    "题型": st.sampled_from(KINDS), "类型": st.sampled_from(KINDS),
    "题目": _stem(), "题干": _stem(), "question": _stem(), "问题": _stem(),
    "答案": st.sampled_from(ANSWERS), "正确答案": st.sampled_from(ANSWERS),
    "answer": st.sampled_from(ANSWERS),
    "分值": st.sampled_from(NUMBERS), "时限": st.sampled_from(NUMBERS),
    "points": st.sampled_from(NUMBERS), "时间": st.sampled_from(NUMBERS),
    "难度": st.sampled_from(LEVELS), "序号": st.integers(1, 99).map(float),
}  # fmt: skip
OTHER = st.one_of(words, st.sampled_from(OPTIONS))


@st.composite
def row(draw, header):
    """One row under ``header``: each cell as its column's role, sometimes blank or odd."""
    cells = []
    for name in header:
        pick = draw(st.integers(0, 19))
        if pick == 0:
            cells.append("")
        elif pick == 1:
            cells.append(draw(odd))
        else:
            cells.append(draw(ROLE.get(name, OTHER)))
    if draw(st.integers(0, 9)) == 0:
        cells = cells[: draw(st.integers(0, len(cells)))]  # a short row
    return cells


@st.composite
def sheets(draw):
    """A sheet: a header, then runs of rows (some longer than a block), with merged cells
    (a value repeated down, or only in the first row of the merge), option rows, repeated
    headers and cells in number formats."""
    header = draw(st.sampled_from(HEADERS))
    rows = [list(header)]
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 5))
        if kind == 0:  # a run: one row repeated, past a block
            cells = draw(row(header))
            count = draw(st.sampled_from([2, normalize.BLOCK_ROWS - 1, normalize.BLOCK_ROWS + 2]))
            rows += [list(cells) for _ in range(count)]
        elif kind == 1:  # a merged cell down a few rows: repeated, or blank below the first
            col = draw(st.integers(0, len(header) - 1))
            repeat = draw(st.booleans())
            first = draw(row(header))
            rows.append(first)
            for _ in range(draw(st.integers(1, 4))):
                cells = draw(row(header))
                if col < len(cells) and col < len(first):
                    cells[col] = first[col] if repeat else ""
                rows.append(cells)
        elif kind == 2:  # a question with its options on the rows below
            rows.append(draw(row(header)))
            for letter in "ABC"[: draw(st.integers(1, 3))]:
                rows.append([f"{letter}. {draw(words)}" if h in ROLE and h in
                             ("题目", "题干", "question", "问题") else "" for h in header])
        elif kind == 3:  # the header again (a new block of the same sheet)
            rows.append(list(draw(st.sampled_from(HEADERS))))
        else:
            rows += draw(st.lists(row(header), min_size=1, max_size=12))
    numbered = [(i, r) for i, r in enumerate(rows, 1) if any(c not in ("", None) for c in r)]
    offset = draw(st.integers(0, 1))
    formats = {}
    if draw(st.booleans()):
        for number, cells in numbered:
            for col, value in enumerate(cells):
                if type(value) in (float, int) and draw(st.integers(0, 3)) == 0:
                    formats[number, col + offset] = draw(st.sampled_from(["0.00", "yyyy/m/d"]))
    name = draw(st.sampled_from(["Sheet1", "10分", "题库"]))
    return RawSheet(name, numbered, offset, formats)


@contextlib.contextmanager
def fast_path(on: bool):
    old = normalize._RowReader.fast
    normalize._RowReader.fast = on
    try:
        yield
    finally:
        normalize._RowReader.fast = old


def parse(sheet: RawSheet, fast: bool):
    """Everything a reader gives for this sheet, by the fast path or row by row."""
    with fast_path(fast):
        book = Workbook("t.xlsx", "xlsx", [RawSheet(sheet.name, list(sheet.rows),
                                                    sheet.col_offset, sheet.formats)])
        out = normalize.parse_workbook(book)
    return {"questions": out.questions, "problems": out.problems, "warnings": out.warnings,
            "notes": out.notes, "skipped": out.skipped, "sheets": out.sheets}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(sheets())
def test_the_fast_path_gives_what_the_definition_gives(sheet):
    fast, by_row = parse(sheet, True), parse(sheet, False)
    assert fast["questions"] == by_row["questions"]
    assert [q.fingerprint for q in fast["questions"]] == \
        [q.fingerprint for q in by_row["questions"]]
    for key in ("problems", "warnings", "notes", "skipped", "sheets"):
        assert fast[key] == by_row[key], key


def _counting_reads():
    calls = []
    real = normalize._RowReader.read

    def read(self, number, cells):
        calls.append(number)
        return real(self, number, cells)

    return calls, read


def test_plain_rows_take_the_fast_path_and_give_the_same_questions(monkeypatch):
    """The property above compares two different paths: plain rows never reach read()."""
    header = ["题型", "题目", "选项A", "选项B", "选项C", "答案", "分值"]
    rows = [(1, header)] + [
        (n, ["单选", f"第{n}题的题干", "甲", "乙", "丙", "ABC"[n % 3], 10.0])
        for n in range(2, 2 + 3 * normalize.BLOCK_ROWS)
    ]
    sheet = RawSheet("Sheet1", rows)
    calls, read = _counting_reads()
    monkeypatch.setattr(normalize._RowReader, "read", read)
    fast = parse(sheet, True)
    assert calls == []
    by_row = parse(sheet, False)
    assert len(calls) == 3 * normalize.BLOCK_ROWS
    assert len(fast["questions"]) == 3 * normalize.BLOCK_ROWS
    assert fast == by_row
    assert fast["questions"][1].answer == ["A"] and fast["questions"][1].points == 10


def test_a_row_the_fast_path_cannot_take_goes_to_the_definition(monkeypatch):
    """A problem row in a plain run is read by read(), and reported in its place."""
    header = ["题目", "选项A", "选项B", "选项C", "答案"]
    rows = [(1, header)] + [(n, [f"题{n}", "甲", "乙", "丙", "A"]) for n in range(2, 12)]
    rows[5] = (6, ["题6", "甲", "乙", "丙", "Z"])  # no option Z
    calls, read = _counting_reads()
    monkeypatch.setattr(normalize._RowReader, "read", read)
    out = parse(RawSheet("Sheet1", rows), True)
    assert calls == [6]
    assert [(p.row, p.column) for p in out["problems"]] == [(6, "E")]
    assert len(out["questions"]) == 9
