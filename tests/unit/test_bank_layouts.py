"""The cell-level layouts of real banks (question_bank/layouts.py, issue 15): one small sheet per
pattern, written with openpyxl and read through the importer's own reader, with the exact
questions expected; then one sheet mixing them, read in blocks and row by row."""

import openpyxl
import pytest

from question_bank import messages as m
from question_bank import normalize, sheets
from tests.unit.test_bank_blocks import read_block_row_by_row

HEAD = ["题目", "选项A", "选项B", "选项C", "选项D", "答案"]


def read(tmp_path, rows, formats=None):
    """The parse result of a one-sheet .xlsx holding ``rows``; ``formats``: {cell: format}."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "题库"
    for row in rows:
        sheet.append(row)
    for ref, fmt in (formats or {}).items():
        sheet[ref].number_format = fmt
    path = tmp_path / "bank.xlsx"
    book.save(path)
    return normalize.parse_workbook(sheets.read_path(str(path)))


def got(out):
    """(row, type, stem, options, answer, points) of every question read."""
    return [(q.row, q.type, q.stem, q.options, q.answer, q.points) for q in out.questions]


def clean(out):
    assert not out.problems and not out.warnings and not out.notes
    return got(out)


FOUR = ["上海", "北京", "广州", "深圳"]


# ------------------------------------------------------------------ all options in one cell


def test_options_in_one_cell_with_every_marker(tmp_path):
    out = read(
        tmp_path,
        [
            HEAD,
            ["中国的首都是？", "A.上海\nB.北京\nC.广州\nD.深圳", "", "", "", "B"],
            ["最大的海洋是？", "A、太平洋 B、大西洋 C、印度洋", "", "", "", "A"],
            ["水的沸点是？", "A:90度 B:100度", "", "", "", "B"],
            ["一年有几个月？", "(A)10 (B)12 （C）14", "", "", "", "B"],
            ["光比声音？", "A．慢\nB．快", "", "", "", "B"],
            ["哪个是水果？", "A)苹果 B)白菜", "", "", "", "A"],
            ["三原色不含？", "红\n黄\n绿", "", "", "", "C"],  # one per line, no markers
        ],
    )
    assert clean(out) == [
        (2, "single", "中国的首都是？", FOUR, ["B"], None),
        (3, "single", "最大的海洋是？", ["太平洋", "大西洋", "印度洋"], ["A"], None),
        (4, "single", "水的沸点是？", ["90度", "100度"], ["B"], None),
        (5, "single", "一年有几个月？", ["10", "12", "14"], ["B"], None),
        (6, "single", "光比声音？", ["慢", "快"], ["B"], None),
        (7, "single", "哪个是水果？", ["苹果", "白菜"], ["A"], None),
        (8, "single", "三原色不含？", ["红", "黄", "绿"], ["C"], None),
    ]


def test_stem_cell_carrying_its_options(tmp_path):
    out = read(
        tmp_path,
        [
            ["题目", "答案"],
            ["中国的首都是？A.上海 B.北京 C.广州 D.深圳", "B"],
            ["下列属于维生素A、维生素B的是？\nA.甲\nB.乙", "A"],  # 'A、' in the question stays
            ["1、属于水果的是（ ）\n(A)苹果 (B)白菜 (C)香蕉", "AC"],
        ],
    )
    assert clean(out) == [
        (2, "single", "中国的首都是？", FOUR, ["B"], None),
        (3, "single", "下列属于维生素A、维生素B的是？", ["甲", "乙"], ["A"], None),
        (4, "multiple", "属于水果的是（ ）", ["苹果", "白菜", "香蕉"], ["A", "C"], None),
    ]


# ------------------------------------------------------------------ options and answers as text


def test_option_cells_repeating_their_letter_and_answers_as_text(tmp_path):
    out = read(
        tmp_path,
        [
            HEAD,
            ["福建的简称是？", "A、闽", "B、赣", "C、粤", "D、湘", "A"],
            ["《史记》的作者是？", "班固", "司马迁", "C", "D", "B、司马迁"],  # placeholders C, D
            ["司马迁写了？", "《汉书》", "《史记》", "《后汉书》", "D", "《史记》"],
            ["选乙", "甲", "乙", "丙", "丁", " b "],
            ["选甲丙", "甲", "乙", "丙", "丁", "a c"],
        ],
    )
    assert clean(out) == [
        (2, "single", "福建的简称是？", ["闽", "赣", "粤", "湘"], ["A"], None),
        (3, "single", "《史记》的作者是？", ["班固", "司马迁"], ["B"], None),
        (4, "single", "司马迁写了？", ["《汉书》", "《史记》", "《后汉书》"], ["B"], None),
        (5, "single", "选乙", ["甲", "乙", "丙", "丁"], ["B"], None),
        (6, "multiple", "选甲丙", ["甲", "乙", "丙", "丁"], ["A", "C"], None),
    ]


def test_letter_and_text_that_disagree_is_a_problem(tmp_path):
    out = read(tmp_path, [HEAD, ["《史记》的作者是？", "班固", "司马迁", "", "", "A、司马迁"]])
    assert not out.questions
    (problem,) = out.problems
    assert (problem.code, problem.row, problem.column) == ("answer_unparsed", 2, "F")


def test_options_that_are_letters_are_kept(tmp_path):
    # every option its own letter: real options, not placeholders
    out = read(tmp_path, [HEAD, ["第一个字母是？", "A", "B", "C", "D", "A"]])
    assert clean(out) == [(2, "single", "第一个字母是？", ["A", "B", "C", "D"], ["A"], None)]


# ------------------------------------------------------------------ the answer inside the stem


def test_answer_inside_the_stem(tmp_path):
    out = read(
        tmp_path,
        [
            HEAD,
            ["中国的首都是（B）。", *FOUR, ""],
            ["属于直辖市的是( AC )", *FOUR, ""],
            ["地球是圆的。（√）", "", "", "", "", ""],
            ["太阳从西边升起(对)", "", "", "", "", ""],
            ["太阳是恒星（错）", "", "", "", "", ""],
        ],
    )
    assert clean(out) == [
        (2, "single", "中国的首都是（\u3000）。", FOUR, ["B"], None),
        (3, "multiple", "属于直辖市的是（\u3000）", FOUR, ["A", "C"], None),
        (4, "true_false", "地球是圆的。（\u3000）", [], ["true"], None),
        (5, "true_false", "太阳从西边升起（\u3000）", [], ["true"], None),
        (6, "true_false", "太阳是恒星（\u3000）", [], ["false"], None),
    ]


def test_stem_letters_without_options_or_with_an_answer_cell_stay(tmp_path):
    out = read(
        tmp_path,
        [
            ["题目", "答案"],
            ["维生素（C）缺乏会得什么病？", "坏血病"],  # no options: not an answer
            ["电流的单位是（A）吗？", "对"],  # the answer cell wins
        ],
    )
    assert clean(out) == [
        (2, "open", "维生素（C）缺乏会得什么病？", [], ["坏血病"], None),
        (3, "true_false", "电流的单位是（A）吗？", [], ["true"], None),
    ]


# ------------------------------------------------------------------ type and points in the stem


def test_type_and_points_inside_the_stem(tmp_path):
    out = read(
        tmp_path,
        [
            HEAD,
            ["1. (单选题, 1分) 中国的首都是？", *FOUR, "B"],
            ["【多选】属于直辖市的是？", *FOUR, "AC"],
            ["[判断题]地球是圆的。", "", "", "", "", "对"],
            ["2、（多选题，2分）哪些是南方城市", *FOUR, "CD"],
            ["【单选】北京是？", "首都", "省会", "", "", "AB"],  # a single choice, two answers
        ],
    )
    assert got(out) == [
        (2, "single", "中国的首都是？", FOUR, ["B"], 1),
        (3, "multiple", "属于直辖市的是？", FOUR, ["A", "C"], None),
        (4, "true_false", "地球是圆的。", [], ["true"], None),
        (5, "multiple", "哪些是南方城市", FOUR, ["C", "D"], 2),
    ]
    (problem,) = out.problems
    assert (problem.code, problem.row) == ("single_many_answers", 6)


def test_a_type_column_wins_over_the_stem_and_points_column_over_the_tag(tmp_path):
    out = read(
        tmp_path,
        [
            ["题型", "题目", "A", "B", "C", "D", "答案", "分值"],
            ["多选", "(单选题, 1分) 属于直辖市的是？", *FOUR, "A", 5],
        ],
    )
    assert clean(out) == [(2, "multiple", "属于直辖市的是？", FOUR, ["A"], 5)]


# ------------------------------------------------------------------ section rows


def test_section_rows_set_type_points_and_answer(tmp_path):
    out = read(
        tmp_path,
        [
            ["题目", "A", "B", "C", "D", "答案"],
            ["一、单选题（每题1分）"],
            ["中国的首都是？", *FOUR, "B"],
            ["二、多选题"],
            ["属于直辖市的是？", *FOUR, "AC"],
            ["三、判断题"],
            ["地球是圆的。", "", "", "", "", "对"],
            ["太阳是行星", "", "", "", "", "×"],
            ["判断题（正确）"],
            ["水是液体。"],
            ["冰是固体。"],
            ["判断题（错误）"],
            ["铁是气体。"],
            ["四、简答题"],
            ["简述安全的意义"],
        ],
    )
    assert clean(out) == [
        (3, "single", "中国的首都是？", FOUR, ["B"], 1),
        (5, "multiple", "属于直辖市的是？", FOUR, ["A", "C"], None),
        (7, "true_false", "地球是圆的。", [], ["true"], None),
        (8, "true_false", "太阳是行星", [], ["false"], None),
        (10, "true_false", "水是液体。", [], ["true"], None),
        (11, "true_false", "冰是固体。", [], ["true"], None),
        (13, "true_false", "铁是气体。", [], ["false"], None),
        (15, "open", "简述安全的意义", [], [], None),
    ]


def test_a_section_type_makes_a_missing_answer_a_problem(tmp_path):
    out = read(tmp_path, [["题目", "答案"], ["三、判断题"], ["地球是圆的。", ""]])
    assert not out.questions
    (problem,) = out.problems
    assert (problem.code, problem.row) == ("missing_answer", 3)


# ------------------------------------------------------------------ block layouts


def test_block_layout_option_rows_under_the_stem(tmp_path):
    out = read(
        tmp_path,
        [
            ["题目", "答案"],
            ["1、中国的首都是？", "B"],
            ["(A)上海  (B)北京"],
            ["(C)广州  (D)深圳"],
            ["2、属于直辖市的是（AC）"],  # the answer in the stem
            ["A.上海"],
            ["B.北京"],
            ["C.广州"],
            ["D.深圳"],
            ["3、最大的海洋？"],
            ["A.太平洋 B.大西洋", "A"],  # the answer on the option row
        ],
    )
    assert clean(out) == [
        (2, "single", "中国的首都是？", FOUR, ["B"], None),
        (5, "multiple", "属于直辖市的是（\u3000）", FOUR, ["A", "C"], None),
        (10, "single", "最大的海洋？", ["太平洋", "大西洋"], ["A"], None),
    ]


def test_block_layout_across_blocks_of_rows(tmp_path):
    # the questions' option rows fall on every side of the reader's 250-row blocks
    rows = [["题目", "答案"]]
    for i in range(200):
        rows += [[f"{i + 1}、第{i}问？", "C"], ["A.甲 B.乙"], ["C.丙"]]
    out = read(tmp_path, rows)
    assert len(out.questions) == 200 and not out.problems
    assert {(q.type, tuple(q.options), tuple(q.answer)) for q in out.questions} == {
        ("single", ("甲", "乙", "丙"), ("C",))
    }
    assert [q.row for q in out.questions] == list(range(2, 602, 3))


# ------------------------------------------------------------------ true/false in every spelling


TRUE_FALSE = ["对", "错", "正确", "错误", "√", "×", "✓", "✗", "T", "F", "Y", "N", "是", "否"]


def test_true_false_in_every_spelling(tmp_path):
    answers = [*TRUE_FALSE, "1", "0", 1, 0, "true", "FALSE"]
    rows = [["题型", "题目", "选项A", "选项B", "答案"]]
    rows += [["判断", f"说法{i}", "", "", t] for i, t in enumerate(answers)]
    rows += [
        ["", "两个选项对错", "对", "错", "A"],
        ["单选", "两个选项正确错误", "正确", "错误", "B"],
    ]
    out = read(tmp_path, rows)
    expected = [
        (i + 2, "true_false", f"说法{i}", [], ["true" if i % 2 == 0 else "false"], None)
        for i in range(len(answers))
    ]
    expected += [
        (len(answers) + 2, "true_false", "两个选项对错", [], ["true"], None),
        (len(answers) + 3, "true_false", "两个选项正确错误", [], ["false"], None),
    ]
    assert clean(out) == expected


def test_multiple_choice_answers_in_every_spelling(tmp_path):
    spellings = ["ABD", "A,B,D", "A、B、D", "A B D", "A|B|D", "abd", "A，B，D"]
    rows = [HEAD] + [[f"多选{i}", *FOUR, t] for i, t in enumerate(spellings)]
    out = read(tmp_path, rows)
    assert clean(out) == [
        (i + 2, "multiple", f"多选{i}", FOUR, ["A", "B", "D"], None) for i in range(len(spellings))
    ]


# ------------------------------------------------------------------ notes among the data


def test_notes_are_skipped_and_listed(tmp_path):
    out = read(
        tmp_path,
        [
            HEAD,
            ["中国的首都是？", *FOUR, "B"],
            ["以下为新题"],
            ["重复题"],  # no options, no answer, asks nothing, among choice questions
            ["最大的海洋？", "太平洋", "大西洋", "PS：此题来自课本", "", "A"],
            ["以下是重复题"],
        ],
    )
    assert got(out) == [
        (2, "single", "中国的首都是？", FOUR, ["B"], None),
        (5, "single", "最大的海洋？", ["太平洋", "大西洋"], ["A"], None),
    ]
    assert out.questions[1].explanation == "PS：此题来自课本"  # the remark, not an option
    assert not out.problems and not out.warnings
    assert [(n.code, n.row, n.column, n.value) for n in out.notes] == [
        ("skipped_note", 3, "A", "以下为新题"),
        ("skipped_note", 4, "A", "重复题"),
        ("skipped_note", 6, "A", "以下是重复题"),
    ]
    assert out.notes[0].reason("zh") == "说明文字“以下为新题”不是题目（没有选项和答案），已跳过。"
    assert out.notes[0].reason("en") == (
        "The note '以下为新题' is not a question (no options, no answer); skipped."
    )
    assert "skipped_note" in m.MESSAGES


def test_text_outside_choices_is_still_an_open_question(tmp_path):
    out = read(tmp_path, [["题目", "答案"], ["简述安全第一的含义", ""], ["以下为新题", ""]])
    assert got(out) == [(2, "open", "简述安全第一的含义", [], [], None)]
    assert [n.row for n in out.notes] == [3]


# ------------------------------------------------------------------ numbers and codes


def test_question_numbers_stripped_however_typed(tmp_path):
    numbered = [
        "1、",
        "1.",
        "(1)",
        "（2）",
        "第1题 ",
        "1.、",
        "第 12 题：",
        "1 、",
        "1．",
        "3)",
        "第三题：",
    ]
    rows = [HEAD] + [[f"{n}问{i}", *FOUR, "A"] for i, n in enumerate(numbered)]
    rows += [["1.5 是小数吗", *FOUR, "A"], ["3:2 是比例吗", *FOUR, "A"]]
    out = read(tmp_path, rows)
    stems = [f"问{i}" for i in range(len(numbered))] + ["1.5 是小数吗", "3:2 是比例吗"]
    assert [q.stem for q in out.questions] == stems


def test_number_cells_read_as_shown(tmp_path):
    out = read(
        tmp_path,
        [HEAD, ["一半是多少？", 0.5, 1, 3.5, 2, "A"], [2024, 2023, 2024, "", "", "B"]],
        formats={"D2": "0.00", "B2": "0%"},
    )
    assert clean(out) == [
        (2, "single", "一半是多少？", ["50%", "1", "3.50", "2"], ["A"], None),
        (3, "single", "2024", ["2023", "2024"], ["B"], None),
    ]


# ------------------------------------------------------------------ a sheet mixing them


MIXED = [
    ["说明：本题库共三部分"],
    ["题号", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析"],
    ["", "一、单选题（每题2分）"],
    [1, "1、中国的首都是（B）", "A、上海", "B、北京", "C、广州", "D、深圳", "", ""],
    [2, "2. 最大的海洋是？", "A.太平洋\nB.大西洋\nC.印度洋", "", "", "", "太平洋", ""],
    [3, "《史记》的作者是？", "班固", "司马迁", "C", "D", "B、司马迁", "西汉"],
    ["", "以下为新题"],
    [4, "(4) 【多选】属于直辖市的是？", "上海", "北京", "广州", "深圳", "A|B", ""],
    ["", "二、多选题"],
    [5, "第5题 属于南方的是？A.上海 B.北京 C.广州 D.深圳", "", "", "", "", "A、C、D", ""],
    [6, "6、属于北方的是", "", "", "", "", "B", ""],
    ["", "(A)上海 (B)北京"],
    ["", "(C)广州 (D)深圳"],
    ["", "三、判断题"],
    [7, "地球是圆的（√）", "", "", "", "", "", ""],
    [8, "太阳是行星", "", "", "", "", "F", ""],
    [9, "北京是首都", "对", "错", "PS：送分题", "", "A", ""],
    ["", "判断题（错误）"],
    [10, "铁是气体"],
]


def test_a_sheet_mixing_the_patterns(tmp_path):
    out = read(tmp_path, MIXED)
    assert got(out) == [
        (4, "single", "中国的首都是（\u3000）", FOUR, ["B"], 2),
        (5, "single", "最大的海洋是？", ["太平洋", "大西洋", "印度洋"], ["A"], 2),
        (6, "single", "《史记》的作者是？", ["班固", "司马迁"], ["B"], 2),
        (8, "multiple", "属于直辖市的是？", FOUR, ["A", "B"], 2),
        (10, "multiple", "属于南方的是？", FOUR, ["A", "C", "D"], None),
        (11, "multiple", "属于北方的是", FOUR, ["B"], None),
        (15, "true_false", "地球是圆的（\u3000）", [], ["true"], None),
        (16, "true_false", "太阳是行星", [], ["false"], None),
        (17, "true_false", "北京是首都", [], ["true"], None),
        (19, "true_false", "铁是气体", [], ["false"], None),
    ]
    assert [q.explanation for q in out.questions][2] == "西汉"
    assert out.questions[8].explanation == "PS：送分题"
    assert [(n.row, n.value) for n in out.notes] == [(7, "以下为新题")]
    assert not out.problems and not out.warnings


@pytest.mark.parametrize("copies", [1, 40])
def test_mixed_sheet_in_blocks_reads_as_row_by_row(tmp_path, monkeypatch, copies):
    # many plain rows around the patterns: the column-by-column fast path must defer each
    # awkward row (and everything under a section) to the per-row reader
    plain = [
        [i, f"第{i}题：普通题目？", "甲", "乙", "丙", "丁", "ABCD"[i % 4], ""] for i in range(300)
    ]
    rows = MIXED[:2] + plain + (MIXED[2:] + [["", "四、单选题"]] + plain[:50]) * copies
    out = read(tmp_path, rows)

    def parse():
        result = normalize.parse_workbook(sheets.read_path(str(tmp_path / "bank.xlsx")))
        return [repr(q) for q in result.questions], result.problems, result.notes

    fast = parse()
    monkeypatch.setattr(normalize._RowReader, "read_block", read_block_row_by_row)
    assert fast == parse()
    assert len(out.questions) == 300 + copies * (10 + 50)
