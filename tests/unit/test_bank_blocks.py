"""The fast paths of the import give what the straightforward definitions give.

- ``answers.fingerprints()`` (many questions normalized as one string) against the definition
  of a fingerprint and against fingerprints already stored in banks;
- ``answers.split_stems()`` against ``split_stem()`` one stem at a time;
- ``_RowReader.read_block()`` (rows taken column by column) against reading every row on its
  own with ``_RowReader.read()``, on sheets full of awkward cells.
"""

import datetime as dt
import hashlib
import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from question_bank import answers as a
from question_bank import normalize
from question_bank.headers import _STRONG, _header_key, match_header
from question_bank.sheets import RawSheet, Workbook


def definition(stem, options, points):
    """A fingerprint as it is defined (and as the banks' stored ones were computed)."""
    joined = "\x00".join([stem, *options, str(points or "")])
    key = "".join(unicodedata.normalize("NFKC", joined).casefold().split())
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


# computed by the code of commit 88b6691, before fingerprints() existed: stored banks hold these
STORED = [
    (("\u0301abc", ["\u0301", "e\u0301", ""], None), "f36673525a67d87073d3ad6bc22d740f"),
    (("ＡＢＣ 是？", ["x"], None), "915dc95e86e4f7a6af20fb8f24e2fe51"),
    (("Ｓtraße\u00a0ΣΑΣ\u3000İ", ["ǅ", "ﬁ", "😀"], 10), "d85a1e17aa6296a19e44e5843ddb546b"),
    (("第1题：（ ），？！；", ["", "", ""], 20), "404bd75843e2fb3ac65370a35f5bf2e4"),
    (("\u1100\u1161", ["\u11a8", "가"], 30), "2ad5c5bd0262c6a5732da48bd00a9d0e"),
    (("Å\u212b K\u212a Ⅻ ① ² ｶ", ["\u0345", "ŉ"], 0), "7477ad2ff081eef8149d8035142d3308"),
    (("", [], None), "7025e075d5e2f6cde3cc051a31f07660"),
]


def test_fingerprints_are_the_stored_ones():
    cases = [case for case, _ in STORED]
    stored = [fp for _, fp in STORED]
    assert [a.fingerprint(*case) for case in cases] == stored
    assert [definition(*case) for case in cases] == stored
    assert a.fingerprints([a.fingerprint_text(*case) for case in cases]) == stored
    assert a.fingerprints([]) == []


# characters that normalizing, case folding or white space removal treat specially; a text may
# start with a combining mark (the previous text's last character must not take it)
TRICKY = [
    "\u0301", "\u0345", "e", "a", "A", "Σ", "ς", "ß", "İ", "ǅ", "ŉ", "ﬁ", "Ｓ", "ｘ", "１", "ｶ", "ﾞ",
    "\u1100", "\u1161", "\u11a8", "가", "Å", "\u212b", "\u212a", "Ⅻ", "①", "²", "😀", "\U0001f3fb",
    "（", "）", "：", "，", "？", "！", "；", "\u00a0", "\u3000", "\u2003", " ", "\t", "\n", "\x1f",
    "\x85", "\u200b", "\ufeff", "\x00", "\x01", "安", "全", "题", "【", "】",
]  # fmt: skip
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(texts, st.lists(texts, max_size=4), st.sampled_from([None, 0, 10]))))
def test_fingerprints_match_the_definition(questions):
    got = a.fingerprints([a.fingerprint_text(*q) for q in questions])
    assert got == [definition(*q) for q in questions]
    assert got == [a.fingerprint(*q) for q in questions]


def test_fingerprints_across_rows_do_not_compose():
    # a combining mark or a jamo at the start of one question's text must not join the end of
    # the previous one's, and a case folding that depends on context must not see it
    questions = [
        ("e", [], None),
        ("\u0301", ["\u0301a"], None),
        ("\u1100", [], None),
        ("\u1161", ["\u11a8"], None),
        ("ΑΣ", [], None),
        ("\u0345Σ", ["ς"], None),
        ("x\x01y", ["\x01"], 10),  # U+0001 in a text: hashed on its own
    ]
    got = a.fingerprints([a.fingerprint_text(*q) for q in questions])
    assert got == [definition(*q) for q in questions]


STEMS = [
    "12、题目",
    "12 、 题目",
    "1.5 是数字",
    "3. 题目",
    "3.",
    "（3）题目",
    "(4) 题目",
    "第5题：题目",
    "第12题",
    "12、",
    "",
    "１２、全角数字",
    "٣、 Arabic-Indic digit",
    "题目【出题：张三】",
    "12、题目 【来源: 书】 ",
    "【出处：x】",
    "题目【出题：张三】尾巴",
    "题目\n【出题：张三】\n",
    "12345、五位数字",
    "1、\u3000\u00a0题目",
    "\u0301第1题",
    "x\x00y",
]


def test_split_stems_match_split_stem():
    rng = random.Random(7)
    for _ in range(200):
        stems = [rng.choice(STEMS) for _ in range(rng.randint(0, 12))]
        got = a.split_stems(stems)
        pairs = [a.split_stem(s) for s in stems]
        notes = [note for _, note in pairs]
        assert got == ([s for s, _ in pairs], notes if any(notes) else None), stems


# ---------------------------------------------------------------------- blocks against rows


def read_block_row_by_row(self, block):
    """The definition: every row on its own, a repeated header looked for in each."""
    for number, cells in block:
        again = None
        for col in self.cols.quick:
            if col < len(cells):
                value = cells[col]
                if type(value) is str and 0 < len(value) <= 24 and _header_key(value) in _STRONG:
                    again = match_header(cells)
                    if again:
                        break
        if again:
            self.use(again)
            continue
        if "stem" not in self.cols.fields:
            continue
        question = self.read(number, cells)
        if question is not None:
            self.out.questions.append(question)


HEADERS = [
    ["题型", "题目", "选项A", "选项B", "选项C", "选项D"]
    + ["答案", "分值", "难度", "分类", "解析", "时限"],
    ["序号", "题干", "A", "B", "C", "D", "E", "正确答案", "解析", "备注"],
    ["question", "answer", "points"],
    ["题目", "A选项", "B选项", "答案", "提示", "图片"],
    ["类型", "问题", "选项1", "选项2", "选项3", "选项4", "选项5", "答案", "知识点", "时间"],
    ["分类", "难度", "解析"],  # no stem column
]  # fmt: skip
WORDS = [
    "安全", "消防", "ＡＢＣ", "é", "e\u0301", "\u0301", "ﬁ", "Ｓtraße", "ΣΑΣ", "😀", "（ ）", "？",
    "：", "A.", "B、", "(C)", "D．", "（A）", "【出题：张三】", "12、", "（3）", "第5题：", "1.5",
    "①", "가", "\u1100\u1161", "İ", "x", "1", "|", "、", "['a', 'b']", "__", "\x1f", "\x00",
    "\x01", "\r", "\u200b", "\x85", "a\u00a0b", "c\u3000d",
]  # fmt: skip
SPACES = [" ", "\u00a0", "\u3000", "\n", "\t", "\r", "\u200b", "\ufeff", "\u2003", "\x85"]
KINDS = [
    "单选",
    "多选",
    "判断",
    "",
    "选择",
    "填空",
    "简答",
    " 单选题 ",
    "\u3000多选",
    "unknown",
    "ＴＦ",
]
ANSWERS = {
    "单选": ["A", "Ｂ", " c", "2", "A。", "E", "AB"],
    " 单选题 ": ["B", "b"],
    "\u3000多选": ["A、B"],
    "ＴＦ": ["√", "?"],
    "选择": ["A", "AB", "1,2", "安全", "Z"],
    "多选": ["AB", "A、C", "a,b", "ＡＢ", "1,2", "H", "A"],
    "判断": ["对", "错", "√", "×", "T", "F", "true", "是", "正确。", "x?", "B"],
    "": ["A", "AB", "对", "北京", "", "['x', 'y']", "[]"],
}
LITERAL = "['a\\x1fb', 'c']"  # a list literal whose answer holds U+001F (the packing separator)
ODD = [None, 1.0, 12.5, 3, True, False, 0.0, -2.5, 1e16, float("nan"), 10**16]
ODD += [dt.date(2020, 5, 6), dt.datetime(2021, 1, 2, 3, 4), dt.time(8, 30)]
NUMBERS = [10.0, 20.0, "", "10", "30分", " ２０ ", "abc", 1.5, -1.0, 2e6, 1e16, 5, True, None]
NUMBERS += [dt.date(2024, 1, 2), "2分钟", float("nan")]


def text(rng, most=4, least=0):
    words = "".join(rng.choice(rng.words) for _ in range(rng.randint(least, most)))
    if rng.random() < 0.2:
        words = rng.choice(SPACES) + words
    if rng.random() < 0.2:
        words += rng.choice(SPACES)
    return words


def make_row(rng, header, odd):
    kind = rng.choice(KINDS)
    row = []
    for h in header:
        if rng.random() < odd:
            row.append(rng.choice(ODD + [""]))
        elif h in ("题型", "类型"):
            row.append(kind)
        elif h in ("题目", "题干", "question", "问题"):
            stem = text(rng, 6, 1) if rng.random() < 0.97 else rng.choice(["", "12、", " "])
            row.append(
                stem + rng.choice(["【来源：书】", " 【出题: 张三】 "])
                if rng.random() < 0.05
                else stem
            )
        elif h in ("答案", "正确答案", "answer"):
            row.append(rng.choice(ANSWERS.get(kind, ["北京|Beijing", "x", "", LITERAL])))
        elif h in ("分值", "时限", "points", "时间"):
            row.append(rng.choice(NUMBERS) if rng.random() < odd * 5 else rng.choice([10.0, ""]))
        elif h == "难度":
            row.append(rng.choice(["简单", "困难", "", "ＥＡＳＹ", "？", 3.0]))
        elif h == "序号":
            row.append(float(rng.randint(1, 99)))
        elif h == "图片":
            row.append(rng.choice(["", "a.png", 3.0]))
        elif kind == "判断" and rng.random() < 0.8:
            row.append("")
        else:
            row.append(text(rng, 3, 1) if rng.random() < 0.95 else "")
    if rng.random() < odd:
        row = row[: rng.randint(0, len(row))]  # a short row
    return row


def make_sheet(seed):
    rng = random.Random(seed)
    rng.words = WORDS if seed % 4 else [w for w in WORDS if w != "\x1f"]
    odd = [0.0, 0.003, 0.03][seed % 3]
    header = rng.choice(HEADERS[:5] if seed % 4 else [h for h in HEADERS if "图片" not in h])
    rows = [["说明"], header] if rng.random() < 0.5 else [header]
    block = normalize.BLOCK_ROWS
    size = rng.choice([3, 40, block - 1, block, block + 1, 4 * block + 3])
    # repeated headers, also on a block's first and last rows
    repeats = {rng.randrange(size) for _ in range(rng.randint(0, 3))}
    repeats |= {block - 2, block - 1, block, 2 * block - 1, 3 * block}
    for i in range(size):
        if i in repeats and rng.random() < 0.5:
            header = rng.choice(HEADERS)
            rows.append(list(header))
        else:
            rows.append(make_row(rng, header, odd))
    numbered = [(i, r) for i, r in enumerate(rows, 1) if any(c not in ("", None) for c in r)]
    formats = {}  # (row, column) -> number format, for some cells holding numbers
    if seed % 5 == 0:
        for number, cells in numbered:
            for col, value in enumerate(cells):
                if type(value) in (float, int) and rng.random() < 0.3:
                    formats[number, col + seed % 2] = rng.choice(["0.00", "0%", "yyyy/m/d"])
    return numbered, formats


@pytest.mark.parametrize("seed", range(24))
def test_blocks_read_as_rows_one_by_one(seed, monkeypatch):
    rows, formats = make_sheet(seed)
    name = ["Sheet1", "10分", "题库"][seed % 3]

    def parse():
        book = Workbook("t.xlsx", "xlsx", [RawSheet(name, list(rows), seed % 2, formats)])
        out = normalize.parse_workbook(book)
        return (
            [repr(q) for q in out.questions],
            out.problems,
            out.warnings,
            out.skipped,
            out.sheets,
        )

    fast = parse()
    monkeypatch.setattr(normalize._RowReader, "read_block", read_block_row_by_row)
    assert fast == parse()
