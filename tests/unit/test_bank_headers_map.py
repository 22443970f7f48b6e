"""Sheet-level layouts (issue 15): headers as people type them, no header at all, CSV
dialects and encodings, Excel's row numbers, and the column map. Each fixture is built here;
the questions read from it are asserted exactly."""

from __future__ import annotations

import io

import openpyxl
import pytest

from question_bank import headers, normalize, sheets
from question_bank.headers import ColumnMap, MapChooser, MapError


def xlsx(rows, cells=None) -> bytes:
    """A workbook of ``rows`` from A1, or of {"B3": value} ``cells``."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows or []:
        sheet.append(row)
    for ref, value in (cells or {}).items():
        sheet[ref] = value
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def read(data: bytes, name="q.xlsx", chooser=None):
    return normalize.parse_workbook(sheets.read_bytes(data, name), chooser=chooser)


def questions(out):
    return [(q.row, q.type, q.stem, q.options, q.answer) for q in out.questions]


SKY = ["天空是什么颜色的", "红色", "蓝色", "绿色"]
GRASS = ["草是什么颜色的", "红色", "蓝色", "绿色"]
EXPECTED = [
    ("single", "天空是什么颜色的", ["红色", "蓝色", "绿色"], ["B"]),
    ("single", "草是什么颜色的", ["红色", "蓝色", "绿色"], ["C"]),
]


def plain(out):
    return [(t, s, o, a) for _, t, s, o, a in questions(out)]


# ---------------------------------------------------------------- 1. headers as people type them


@pytest.mark.parametrize(
    "header",
    [
        ["题目", "A项目", "B项目", "C项目", "正确答案"],
        ["题干", "选项A（必填）", "选项B（必填）", "选项C（选填）", "正确答案(多选用逗号)"],
        [
            "Question - max 120 characters",
            "Answer 1 - max 75 characters",
            "Answer 2 - max 75 characters",
            "Answer 3 - max 75 characters",
            "Correct answer",
        ],
        ["请填写题目", "选项A", "选项B", "选项C", "答按"],  # extra words, a typo
        ["Quesiton", "Option A", "Option B", "Option C", "Answer"],
    ],
)
def test_header_names_with_extra_words_and_typos(header):
    out = read(xlsx([header, [*SKY, "B"], [*GRASS, "C"]]))
    assert plain(out) == EXPECTED and not out.problems


def test_answer_column_before_the_options_and_an_empty_first_column():
    rows = [["", "答案", "题目", "A", "B", "C"], ["", "B", *SKY], ["", "C", *GRASS]]
    out = read(xlsx(rows))
    assert questions(out) == [(2, *EXPECTED[0]), (3, *EXPECTED[1])]


def test_title_and_instruction_rows_above_the_header():
    rows = [
        ["2026 年安全知识竞赛题库"],
        ["说明：答案填写选项字母，多选题不用分隔"],
        [],
        ["题目", "A", "B", "C", "答案"],
        [*SKY, "B"],
        [*GRASS, "C"],
    ]
    out = read(xlsx(rows))
    assert questions(out) == [(5, *EXPECTED[0]), (6, *EXPECTED[1])]
    assert out.layouts[0].how == "header" and out.layouts[0].header_row == 4


def test_a_repeated_header_further_down_is_skipped_not_imported():
    head = ["题目", "A", "B", "C", "答案"]
    out = read(xlsx([head, [*SKY, "B"], head, [*GRASS, "C"]]))
    assert questions(out) == [(2, *EXPECTED[0]), (4, *EXPECTED[1])]
    assert not out.problems


# ---------------------------------------------------------------- 2. no header at all


def test_no_header_letters_are_the_answer_short_texts_the_options():
    out = read(xlsx([[*SKY, "B"], [*GRASS, "C"], ["血是什么颜色的", "红色", "蓝色", "绿色", "A"]]))
    assert plain(out)[:2] == EXPECTED
    assert out.layouts[0].how == "inferred"
    assert out.layouts[0].map.text() == "A=stem,B=A,C=B,D=C,E=answer"


def test_no_header_with_a_type_column_and_the_answer_first():
    rows = [
        ["单选", "B", *SKY],
        ["多选", "AB", "哪些是暖色", "红色", "橙色", "蓝色"],
        ["判断", "对", "血是红色的", "", "", ""],
    ]
    out = read(xlsx(rows))
    assert plain(out) == [
        ("single", "天空是什么颜色的", ["红色", "蓝色", "绿色"], ["B"]),
        ("multiple", "哪些是暖色", ["红色", "橙色", "蓝色"], ["A", "B"]),
        ("true_false", "血是红色的", [], ["true"]),
    ]
    assert out.layouts[0].map.text() == "A=type,B=answer,C=stem,D=A,E=B,F=C"


def test_a_roster_without_header_is_still_skipped_with_its_reason():
    out = read(xlsx([["张三", "一班", "13800000000"], ["李四", "二班", "13900000000"]]))
    assert not out.questions and out.layouts[0].how == "none"
    assert out.skipped[0].code == "no_header_shape"


# ---------------------------------------------------------------- 3. CSV dialects and encodings

CSV_ROWS = [["题目", "A", "B", "C", "答案"], [*SKY, "B"], [*GRASS, "C"]]


def _csv(delimiter: str, quote: str = "") -> str:
    return "".join(delimiter.join(quote + c + quote for c in row) + "\n" for row in CSV_ROWS)


CSV_CASES = {
    "comma": _csv(","),
    "semicolon": _csv(";"),
    "tab": _csv("\t"),
    "double quotes": _csv(",", '"'),
    "single quotes": _csv(",", "'"),
}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
@pytest.mark.parametrize("case", list(CSV_CASES))
def test_csv_dialects_and_encodings(case, encoding):
    out = read(CSV_CASES[case].encode(encoding), "题库.csv")
    assert questions(out) == [(2, *EXPECTED[0]), (3, *EXPECTED[1])]


def test_csv_newlines_inside_quoted_cells_and_quoted_delimiters():
    text = '题目;A;B;C;答案\n"第一行\n天空是什么颜色的; 请选";红色;蓝色;绿色;B\n'
    out = read(text.encode("utf-8-sig"), "q.csv")
    assert plain(out) == [
        ("single", "第一行\n天空是什么颜色的; 请选", ["红色", "蓝色", "绿色"], ["B"])
    ]


# ---------------------------------------------------------------- 5. row numbers as Excel shows


def test_row_numbers_are_excels_when_the_top_rows_and_columns_are_blank():
    cells = {
        "B3": "题目",
        "C3": "A",
        "D3": "B",
        "E3": "答案",
        "B4": "天空是什么颜色的",
        "C4": "红色",
        "D4": "蓝色",
        "E4": "B",
        "B6": "草是什么颜色的",
        "C6": "红色",
        "D6": "蓝色",
        "E6": "Z",
    }
    out = read(xlsx(None, cells))
    assert [(q.row, q.stem) for q in out.questions] == [(4, "天空是什么颜色的")]
    (problem,) = out.problems
    assert (problem.row, problem.column, problem.value) == (6, "E", "Z")


# ---------------------------------------------------------------- the column map


def test_column_map_text_form_round_trip_and_errors():
    cmap = ColumnMap.parse("A=ignore, B=题目, C=A, D=选项B, E=答案, F=time, from=3")
    assert cmap.text() == "A=ignore,B=stem,C=A,D=B,E=answer,F=time_limit,from=3"
    assert ColumnMap.parse(cmap.text()) == cmap
    for text, code in [
        ("B=A", "map_no_stem"),
        ("A=stem,B=stem", "map_role_twice"),
        ("A=stem,A=B", "map_twice"),
        ("A=stem,B=what", "map_bad_role"),
        ("A=stem,from=x", "map_bad_row"),
        ("stem", "map_bad_part"),
    ]:
        with pytest.raises(MapError) as info:
            ColumnMap.parse(text)
        assert info.value.code == code


def test_a_given_map_reads_an_unknown_header_and_skips_it():
    rows = [["编号", "内容描述", "甲", "乙", "丙", "标答"], [1, *SKY, "B"], [2, *GRASS, "C"]]
    assert not read(xlsx(rows)).questions
    chooser = MapChooser({"*": ColumnMap.parse("B=stem,C=A,D=B,E=C,F=answer")})
    out = read(xlsx(rows), chooser=chooser)
    assert questions(out) == [(2, *EXPECTED[0]), (3, *EXPECTED[1])]
    assert out.layouts[0].how == "map" and out.layouts[0].header_row == 1


def test_a_map_remembered_for_a_header_is_used_for_that_header_only():
    rows = [["编号", "内容描述", "甲", "乙", "丙", "标答"], [1, *SKY, "B"], [2, *GRASS, "C"]]
    signature = headers.header_signature(rows[0])
    store = {signature: ColumnMap.parse("B=stem,C=A,D=B,E=C,F=answer")}
    out = read(xlsx(rows), chooser=MapChooser(remembered=store.get))
    assert questions(out) == [(2, *EXPECTED[0]), (3, *EXPECTED[1])]
    assert out.layouts[0].how == "remembered"
    other = [["序", "文字", "一", "二", "三", "对的"], *rows[1:]]
    assert not read(xlsx(other), chooser=MapChooser(remembered=store.get)).questions


def test_the_layout_shows_each_columns_first_values():
    out = read(xlsx([["题目", "A", "B", "C", "答案", "分值"], [*SKY, "B", 10], [*GRASS, "C", 20]]))
    layout = out.layouts[0]
    assert layout.samples["A"] == ["天空是什么颜色的", "草是什么颜色的"]
    assert layout.samples["F"] == ["10", "20"]
    assert layout.headers["E"] == "答案" and not layout.unsure


def test_the_map_and_fixes_modules_stay_pure():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "question_bank"
    for name in ("headers.py", "map_messages.py", "fixes.py", "sheets.py"):
        source = (root / name).read_text(encoding="utf-8")
        bad = re.findall(
            r"^\s*(?:from|import)\s+(flask\w*|sqlalchemy|socketio|quiz)\b", source, re.M
        )
        assert not bad, f"{name} imports {bad}"


def test_problem_rows_as_a_sheet_read_back_as_the_same_rows():
    from question_bank import fixes

    fields = {
        "type": "单选",
        "stem": "光年是什么单位",
        "options": ["时间", "长度"],
        "answer": "B",
        "points": "10",
        "difficulty": "",
        "category": "物理",
        "explanation": "",
        "time_limit": "",
    }
    data = fixes.problem_sheet([(fields, "答案有误")])
    out = read(data)
    (q,) = out.questions
    assert (q.type, q.stem, q.options, q.answer, q.points, q.category) == (
        "single",
        "光年是什么单位",
        ["时间", "长度"],
        ["B"],
        10,
        "物理",
    )
    assert out.layouts[0].how == "header"
