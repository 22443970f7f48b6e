"""The messages of the column map and of sheets without answers (zh, en), registered into
``messages.MESSAGES`` on import (one place for every message of the importer). Pure."""

from __future__ import annotations

from . import messages as m

MAP_MESSAGES: dict[str, tuple[str, str]] = {
    "map_bad_part": (
        "列对应“{value}”无法识别（应写成 列字母=用途，如 A=题目、B=A、E=答案）。",
        "Cannot read '{value}' in the column map (write column=role, e.g. A=stem, B=A, E=answer).",
    ),
    "map_bad_role": (
        "第 {column} 列的用途“{value}”无法识别。",
        "Column {column}: unknown role '{value}'.",
    ),
    "map_bad_row": (
        "“{value}”不是有效的起始行（应为 from=行号）。",
        "'{value}' is not a valid first row (write from=ROW).",
    ),
    "map_twice": ("第 {column} 列指定了两次。", "Column {column} is given twice."),
    "map_role_twice": (
        "“{role}”同时指定给了 {columns} 两列。",
        "The role '{role}' is given to two columns: {columns}.",
    ),
    "map_no_stem": (
        "列对应中没有“题目”列。",
        "The column map has no question (stem) column.",
    ),
    "no_answer_column": (
        "该工作表没有答案列（{count} 道题没有答案）。可以在“列对应”中指定答案列，"
        "或作为“无答案”的主观题导入（只能用于主持人口头判定的轮次）。",
        "This sheet has no answer column ({count} questions have no answer). Choose the answer "
        "column in the column map, or import them as open questions marked 'no answer' (usable "
        "only in rounds the host judges aloud).",
    ),
    "fix_row_gone": (
        "要修改的第 {value} 行已不在问题行中。",
        "Row {value}, to be corrected, is no longer among the problem rows.",
    ),
    "fixes_invalid": (
        "有 {count} 处修改仍有问题，未导入任何题目；请查看下列问题。",
        "{count} corrected rows still have problems, so nothing was imported; see below.",
    ),
}
m.MESSAGES.update(MAP_MESSAGES)
