"""The official import template, and the layout exports share with it (written with openpyxl:
calamine only reads, and openpyxl writes the data validations and styles we need)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from quiz.base.safety import write_text_cell

from .answers import DIFFICULTY_ZH, LETTERS, MAX_OPTIONS
from .fields import QUESTION_FIELDS, TEMPLATE_HEADERS

# (Chinese header, English alias), one column a field (fields.py), one an option letter
COLUMNS = [
    column
    for name in QUESTION_FIELDS
    for column in (
        [(f"选项{L}", f"option_{L.lower()}") for L in LETTERS[:MAX_OPTIONS]]
        if name == "options"
        else [TEMPLATE_HEADERS[name]]
    )
]
TYPE_ZH = {
    "single": "单选",
    "multiple": "多选",
    "true_false": "判断",
    "fill_blank": "填空",
    "open": "简答",
}
SHEET_TITLE = "题库 Questions"
WIDTHS = {1: 8, 2: 48, 11: 10, 12: 7, 13: 7, 14: 14, 15: 30, 16: 10}

EXAMPLES = [
    {
        "type": "single",
        "stem": "我国的安全生产月是每年的（ ）月份。",
        "options": ["3", "6", "9", "12"],
        "answer": ["B"],
        "points": 10,
        "difficulty": "easy",
        "category": "安全生产",
        "explanation": "每年 6 月是全国安全生产月。",
        "time_limit": 30,
    },
    {
        "type": "multiple",
        "stem": "下列哪些属于我国规定的安全色？",
        "options": ["红", "黄", "白", "绿"],
        "answer": ["A", "B", "D"],
        "points": 20,
        "difficulty": "medium",
        "category": "安全生产",
        "explanation": "安全色为红、蓝、黄、绿四种。",
        "time_limit": 30,
    },
    {
        "type": "true_false",
        "stem": "发现火灾应立即拨打 119。",
        "options": [],
        "answer": ["true"],
        "points": 10,
        "difficulty": "easy",
        "category": "消防",
        "explanation": "",
        "time_limit": 20,
    },
    {
        "type": "fill_blank",
        "stem": "我国的火警电话是____。",
        "options": [],
        "answer": ["119"],
        "points": 10,
        "difficulty": "easy",
        "category": "消防",
        "explanation": "",
        "time_limit": 20,
    },
    {
        "type": "open",
        "stem": "简述“三违”指的是什么。",
        "options": [],
        "answer": ["违章指挥、违章操作、违反劳动纪律"],
        "points": 30,
        "difficulty": "hard",
        "category": "安全生产",
        "explanation": "由评委判定。",
        "time_limit": 60,
    },
]

INSTRUCTIONS = [
    ("如何填写", "How to fill it in"),
    (
        "每行一道题；第 1 行为中文表头，第 2 行为英文别名，两行都可保留。",
        "One question per row; row 1 holds the Chinese headers, row 2 their English aliases.",
    ),
    (
        "题型：单选、多选、判断、填空、简答（下拉选择）。留空时按选项和答案自动判断。",
        "Type: 单选 single, 多选 multiple, 判断 true/false, 填空 fill-in, 简答 open (dropdown). "
        "Left empty, it is inferred from the options and the answer.",
    ),
    (
        "选项：选项A 至 选项H，最多 8 个，可带或不带“A.”前缀。",
        "Options: option_a to option_h, up to 8, with or without an 'A.' prefix.",
    ),
    (
        "答案：选择题写字母，如 B 或 ABD、A,B,D、A、B、D；也可写选项序号 1,2 或选项内容。",
        "Answer: letters for choice questions (B, ABD, A,B,D); option numbers 1,2 or the option "
        "text also work.",
    ),
    (
        "判断题答案：正确/错误、对/错、√/×、T/F、true/false。",
        "True/false answers: 正确/错误, 对/错, √/×, T/F, true/false.",
    ),
    (
        "填空题答案：可接受的答案，多个用 | 分隔，如 北京|Beijing。"
        "简答题可不填答案（由评委判定）。",
        "Fill-in answers: the accepted texts separated by |, e.g. 北京|Beijing. Open questions may "
        "leave the answer empty (the judges decide).",
    ),
    (
        "分值、时限（秒）填整数；难度：简单、中等、困难。",
        "Points and time limit (seconds) are whole numbers; difficulty: 简单 easy, 中等 medium, "
        "困难 hard.",
    ),
    (
        "示例行可直接覆盖。同一道题重复导入不会重复入库。",
        "Overwrite the example rows. Importing the same question again adds nothing.",
    ),
]


def question_cells(q: dict) -> list:
    """One row of the template layout for a question given as a dict (question_to_dict form)."""
    options = list(q.get("options") or [])[:MAX_OPTIONS]
    qtype = q["type"]
    answer = list(q.get("answer") or [])
    if qtype in ("single", "multiple"):
        answer_text = "".join(answer)
    elif qtype == "true_false":
        answer_text = "正确" if answer[:1] == ["true"] else "错误"
    else:
        answer_text = "|".join(answer)
    return (
        [TYPE_ZH.get(qtype, qtype), q["stem"]]
        + options
        + [None] * (MAX_OPTIONS - len(options))
        + [
            answer_text,
            q.get("points"),
            DIFFICULTY_ZH.get(q.get("difficulty") or "", None),
            q.get("category") or None,
            q.get("explanation") or None,
            q.get("time_limit"),
        ]
    )


def put(ws, row: int, col: int, value):
    """Write one cell; text always as a string, never as a live formula (quiz.base.safety)."""
    if isinstance(value, str):
        return write_text_cell(ws.cell(row, col), value)
    return ws.cell(row, col, value)


def append_row(ws, row: int, values: list) -> None:
    for col, value in enumerate(values, start=1):
        if value is not None:
            put(ws, row, col, value)


def new_workbook(rows: list[dict], instructions: bool = True) -> Workbook:
    """A workbook in the template layout holding ``rows`` (dicts as from question_to_dict)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append([zh for zh, _ in COLUMNS])
    ws.append([en for _, en in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFE8EEF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for cell in ws[2]:
        cell.font = Font(italic=True, color="FF5B6470")
    ws["A1"].comment = Comment(
        "第 2 行是英文别名，导入时两行都能识别。\n"
        "Row 2 holds English aliases; both rows are recognised.",
        "quiz",
    )
    ws.freeze_panes = "C3"
    for col in range(1, len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(col, 14)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, q in enumerate(rows, start=3):
        append_row(ws, r, question_cells(q))
        ws.cell(r, 2).alignment = wrap
    last = max(ws.max_row, 2) + 1000
    type_col = "A"
    level_col = get_column_letter(13)
    types = DataValidation(
        type="list",
        formula1='"单选,多选,判断,填空,简答"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="题型 type",
        error="请选择：单选、多选、判断、填空、简答",
    )
    levels = DataValidation(
        type="list",
        formula1='"简单,中等,困难"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="难度 difficulty",
        error="请选择：简单、中等、困难",
    )
    types.add(f"{type_col}3:{type_col}{last}")
    levels.add(f"{level_col}3:{level_col}{last}")
    ws.add_data_validation(types)
    ws.add_data_validation(levels)
    if instructions:
        notes = wb.create_sheet("说明 Instructions")
        notes.column_dimensions["A"].width = 70
        notes.column_dimensions["B"].width = 80
        for zh, en in INSTRUCTIONS:
            notes.append([zh, en])
            notes.cell(notes.max_row, 1).alignment = wrap
            notes.cell(notes.max_row, 2).alignment = wrap
        notes["A1"].font = notes["B1"].font = bold
    return wb


def template_bytes() -> bytes:
    """The official template: headers, dropdowns, one example per type, instructions."""
    return save(new_workbook(EXAMPLES))


def save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
