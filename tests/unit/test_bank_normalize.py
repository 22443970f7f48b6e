"""Normalizing: headers found anywhere, answers in every form, cells shown as typed."""

import datetime as dt
import pathlib
import re

import pytest

from question_bank import answers as a
from question_bank import cellformat, normalize
from question_bank.sheets import RawSheet, Workbook

PURE = (
    "sheets.py",
    "normalize.py",
    "headers.py",
    "messages.py",
    "answers.py",
    "cellformat.py",
    "layouts.py",
)


def parse(rows, name="Sheet1", formats=None, offset=0):
    numbered = [(i, r) for i, r in enumerate(rows, 1) if any(c not in ("", None) for c in r)]
    book = Workbook("t.xlsx", "xlsx", [RawSheet(name, numbered, offset, formats or {})])
    return normalize.parse_workbook(book)


def test_pure_core_imports_no_framework():
    root = pathlib.Path(__file__).resolve().parents[2] / "question_bank"
    for name in PURE:
        source = (root / name).read_text(encoding="utf-8")
        bad = re.findall(
            r"^\s*(?:from|import)\s+(flask\w*|sqlalchemy|socketio|flask_socketio|quiz)\b",
            source,
            re.M,
        )
        assert not bad, f"{name} imports {bad}"


def test_header_below_instructions_with_english_aliases():
    rows = [
        ["Quiz template", ""],
        ["Add questions…", ""],
        [],
        [
            "",
            "Question - max 120 characters",
            "Answer 1 - max 75",
            "Answer 2 - max 75",
            "Answer 3 - max 75",
            "Time limit (sec) – 5, 10, 20",
            "Correct answer(s) - choose",
        ],
        [1, "Which are fruits?", "Apple", "Pear", "Stone", 30, "1,2"],
        [2],
    ]
    out = parse(rows)
    (q,) = out.questions
    assert (q.type, q.answer, q.time_limit, q.row) == ("multiple", ["A", "B"], 30, 5)
    assert not out.problems


def test_chinese_header_types_and_answer_forms():
    rows = [
        ["题型", "题目", "A", "B", "C", "D", "正确答案", "分值", "难度", "解析"],
        ["单选题", "１+１=？", "A. 1", "B. 2", "C. 3", "", "Ｂ", "10分", "简单", "基础"],
        ["多选", "哪些是偶数", "2", "3", "4", "6", "A、C、D", "", "困难", ""],
        ["判断题", "地球是圆的", "", "", "", "", "√", "", "", ""],
        ["判断", "太阳从西边升起", "正确", "错误", "", "", "B", "", "", ""],
        ["填空题", "中国的首都是____", "", "", "", "", "北京|Beijing", "", "", ""],
        ["简答题", "谈谈你对安全的理解", "", "", "", "", "", "", "", ""],
    ]
    out = parse(rows)
    got = [(q.type, q.answer) for q in out.questions]
    assert got == [
        ("single", ["B"]),
        ("multiple", ["A", "C", "D"]),
        ("true_false", ["true"]),
        ("true_false", ["false"]),
        ("fill_blank", ["北京", "Beijing"]),
        ("open", []),
    ]
    first = out.questions[0]
    assert first.stem == "1+1=？" and first.options == ["1", "2", "3"] and first.points == 10
    assert first.difficulty == "easy" and first.explanation == "基础"


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("ABD", [0, 1, 3]),
        ("A,B,D", [0, 1, 3]),
        ("A、B、D", [0, 1, 3]),
        ("A|B", [0, 1]),
        ("abd", [0, 1, 3]),
        ("ＡＢ", [0, 1]),
        ("1,2,3", [0, 1, 2]),
        ("Pear", [1]),
        ("apple|pear", [0, 1]),
        ("A B", [0, 1]),
        ("E", "answer_out_of_range"),
        ("7", "answer_out_of_range"),
        ("maybe", "answer_unparsed"),
    ],
)
def test_choice_answers(answer, expected):
    assert a.choice_answer(answer, ["Apple", "Pear", "Plum", "Fig"]) == expected


def test_option_text_wins_over_option_number():
    assert a.choice_answer("3", ["2", "3", "4", "5"]) == [1]


@pytest.mark.parametrize(
    "word, value",
    [
        ("正确", True),
        ("错误", False),
        ("对", True),
        ("错", False),
        ("√", True),
        ("×", False),
        ("T", True),
        ("f", False),
        ("TRUE", True),
        ("false", False),
        ("是", True),
        ("否", False),
        ("maybe", None),
    ],
)
def test_true_false_words(word, value):
    assert a.truth(word) is value


def test_every_white_space_and_full_width():
    assert a.clean("\u3000\xa0ＡＢＣ１２３\u2003文字\u200b\r\n") == "ABC123 文字"


def test_option_prefixes_removed_only_when_they_are_prefixes():
    assert a.strip_option_prefixes(["A、北京", "B、雅典", "C、悉尼", "C、印度"]) == [
        "北京",
        "雅典",
        "悉尼",
        "印度",
    ]
    assert a.strip_option_prefixes(["x", "y", "C.  时间", "D.  动压力"]) == [
        "x",
        "y",
        "时间",
        "动压力",
    ]
    assert a.strip_option_prefixes(["x", "y", "z", "A、B都对"]) == ["x", "y", "z", "A、B都对"]


def test_headerless_choice_sheet_and_empty_answer_is_one_problem():
    rows = [[f"问题{i}是什么？", "甲", "乙", "C.  丙", "丁", "ABCD"[i % 4]] for i in range(20)]
    rows[5][5] = ""
    out = parse(rows)
    assert len(out.questions) == 19 and {q.type for q in out.questions} == {"single"}
    (p,) = out.problems
    assert (p.row, p.column, p.code) == (6, "F", "missing_answer")
    assert out.questions[0].options[2] == "丙"


def test_two_column_sheet_named_after_points():
    out = parse([[f"1+{i}=？", i + 1] for i in range(1, 6)], name="20")
    assert [(q.type, q.answer, q.points) for q in out.questions][:2] == [
        ("open", ["2"], 20),
        ("open", ["3"], 20),
    ]


def test_list_literal_answers():
    out = parse(
        [
            ["（    ）是党的创始人之一【出题：武汉大学】", "['李大钊', '陈独秀']"],
            ["谁？（  ）", "[]"],
        ]
        * 3
    )
    first = out.questions[0]
    assert first.type == "fill_blank" and first.answer == ["李大钊", "陈独秀"]
    assert first.stem == "（    ）是党的创始人之一" and "武汉大学" in first.explanation
    assert out.questions[1].type == "open" and out.questions[1].answer == []


def test_repeated_header_starts_a_new_block():
    rows = [
        ["题目", "A", "B", "答案"],
        ["天空是什么颜色？", "蓝", "红", "A"],
        ["题目", "答案", "解析"],
        ["简述安全第一的含义", "", "略"],
        ["水的化学式是____", "H2O", ""],
    ]
    out = parse(rows)
    assert [(q.type, q.answer) for q in out.questions] == [
        ("single", ["A"]),
        ("open", []),
        ("fill_blank", ["H2O"]),
    ]


def test_sheets_without_questions_are_skipped_with_a_reason():
    out = parse([["班级", "姓名"], ["一班", 1], ["二班", 2]], name="名单")
    assert not out.questions and out.skipped[0].code == "no_header_shape"
    out = parse([["选项A", "选项B", "正确答案"], ["1", "2", "B"]])
    assert out.skipped[0].code == "header_without_stem"
    assert "选项A" in out.skipped[0].to_dict("zh")["reason"]


def test_row_problems_name_the_column_and_value():
    rows = [
        ["题型", "题目", "A", "B", "答案"],
        ["单选", "x?", "1", "2", "AB"],
        ["魔法", "y?", "1", "2", "A"],
        ["单选", "z?", "1", "2", "C"],
        ["", "", "1", "2", "A"],
    ]
    codes = [(p.row, p.column, p.code, p.value) for p in parse(rows).problems]
    assert codes == [
        (2, "E", "single_many_answers", "AB"),
        (3, "A", "unknown_type", "魔法"),
        (4, "E", "answer_out_of_range", "C"),
        (5, "B", "missing_stem", ""),
    ]


def test_numbers_and_dates_shown_as_typed():
    assert cellformat.cell_text(0.5, "0%") == ("50%", False)
    assert cellformat.cell_text(5e-05, "0.00%") == ("0.005%", False)
    assert cellformat.cell_text(3.0) == ("3", False)
    assert cellformat.cell_text(0.1 + 0.2) == ("0.3", False)
    assert cellformat.cell_text(3.5, "0.00") == ("3.50", False)
    assert cellformat.cell_text(dt.datetime(2024, 1, 2), "m-d") == ("1-2", True)
    assert cellformat.cell_text(dt.time(1, 30), "h:mm") == ("1:30", True)
    assert cellformat.cell_text(dt.datetime(2024, 3, 4), 'm"月"d"日"') == ("3月4日", True)
    assert cellformat.cell_text(dt.date(2024, 3, 4)) == ("2024-3-4", True)


def test_date_cells_are_flagged_not_dropped():
    rows = [["题目", "A", "B", "答案"], ["比赛几点开始？", dt.time(9, 30), dt.time(10, 0), "A"]]
    out = parse(rows, formats={(2, 1): "h:mm", (2, 2): "h:mm"})
    assert out.questions[0].options == ["9:30", "10:00"]
    assert [w.code for w in out.warnings] == ["date_cell", "date_cell"]


def test_fingerprint_ignores_spacing_width_and_case():
    assert a.fingerprint("ＡＢＣ 是？", ["x"], None) == a.fingerprint("abc是?", ["X "], None)
    assert a.fingerprint("q", [], 10) != a.fingerprint("q", [], 20)


def test_type_words():
    assert [
        a.parse_type(t) for t in ("单选题", "Multiple Choice", "judge", "填空", "问答题", "??")
    ] == ["single", "multiple", "true_false", "fill_blank", "open", None]


def test_a_parsed_question_keeps_its_texts_packed_and_gives_them_back():
    args = dict(points=10, difficulty="easy", time_limit=None, file="f", sheet="s", row=2)
    q = normalize.ParsedQuestion("single", "1+1=?", ["1", "2"], ["B"], category=None,
                                 explanation="因为", **args)
    assert type(q._text) is str
    assert (q.stem, q.options, q.answer, q.category, q.explanation) == (
        "1+1=?", ["1", "2"], ["B"], None, "因为")
    q.options.append("3")  # a copy: the question is unchanged
    assert q.options == ["1", "2"]
    q.options, q.category = ["x", "y", "z"], "数学"
    assert q.options == ["x", "y", "z"] and q.category == "数学" and q.answer == ["B"]
    # a separator inside a text: the parts are kept as they are
    odd = normalize.ParsedQuestion("open", "a\x1fb", [], ["c\x1f"], category="", explanation=None,
                                   **args)
    assert type(odd._text) is tuple
    assert (odd.stem, odd.options, odd.answer, odd.category) == ("a\x1fb", [], ["c\x1f"], None)
    assert odd != q and odd == normalize.ParsedQuestion(
        "open", "a\x1fb", [], ["c\x1f"], category=None, explanation=None, **args)
    assert "stem='a\\x1fb'" in repr(odd)
