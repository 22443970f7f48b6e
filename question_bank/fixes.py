"""Problem rows, corrected or left out: a row's cells as the editor's fields (read with the
sheet's columns), sheets without answers as open questions, and the problem rows as a sheet
to fix in Excel. Pure (openpyxl only writes the sheet)."""

from __future__ import annotations

import io

from . import answers as a
from .headers import Columns

# the fields of a problem row the preview lets the organizer correct, and the header of the
# problem-rows sheet (names the importer reads back)
SHEET_HEADER = (
    ("type", "题型"),
    ("stem", "题目"),
    *((f"opt{i}", f"选项{L}") for i, L in enumerate(a.LETTERS)),
    ("answer", "答案"),
    ("points", "分值"),
    ("difficulty", "难度"),
    ("category", "分类"),
    ("explanation", "解析"),
    ("time_limit", "时限"),
)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def row_fields(cells: list, cols: Columns) -> dict:
    """The row's fields as ``normalize.parse_fields`` takes them (options a list)."""

    def get(col):
        return _text(cells[col]) if col is not None and col < len(cells) else ""

    fields = {
        k: get(cols.fields.get(k))
        for k in ("type", "stem", "answer", "points", "difficulty", "category", "time_limit")
    }
    fields["explanation"] = get(cols.fields.get("explanation")) or get(cols.fields.get("hint"))
    options = [get(c) for c in cols.options]
    while options and not options[-1]:
        options.pop()
    fields["options"] = options
    return fields


def as_open(fields: dict) -> dict:
    """A question of a sheet without answers, as a host-judged open question without an
    answer: its options stay readable, one a line under the stem."""
    out = dict(fields, type="open", answer="")
    options = [o for o in fields.get("options") or [] if o]
    if options:
        lines = [f"{a.LETTERS[i]}. {o}" for i, o in enumerate(options)]
        out["stem"] = "\n".join([fields.get("stem", ""), *lines])
    out["options"] = []
    return out


def problem_sheet(rows: list[tuple[dict, str]], write_cell=None) -> bytes:
    """An .xlsx of the problem rows, (fields, reason) each: the importer's own header, the
    reason in a last column (ignored on re-import), ready to fix and import alone.
    ``write_cell(cell, text)`` writes each text (the web passes quiz.base.safety's, which keeps a
    formula typed in a stem as text)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "问题行 problems"
    sheet.append([name for _, name in SHEET_HEADER] + ["未导入原因 why"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for fields, reason in rows:
        options = list(fields.get("options") or [])
        values = []
        for key, _ in SHEET_HEADER:
            if key.startswith("opt"):
                i = int(key[3:])
                values.append(options[i] if i < len(options) else "")
            else:
                values.append(fields.get(key, ""))
        sheet.append([None] * (len(values) + 1))
        for cell, value in zip(sheet[sheet.max_row], values + [reason], strict=True):
            if value == "":
                continue
            if write_cell:
                write_cell(cell, str(value))
            else:
                cell.value = value
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
