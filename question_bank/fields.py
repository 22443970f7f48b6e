"""The fields of a bank question, listed once; the reader, the editor, the store and the
template derive theirs from here. Pure.

A new field: add it to ``QUESTION_FIELDS`` (and ``TEMPLATE_HEADERS`` when the template has a
column for it), then give it a column in models.Question, a migration, a value in
``ParsedQuestion`` and in ``service._row`` (whose order ``INSERT_COLUMNS`` gives; a test checks).
"""

from __future__ import annotations

# what a question is, in the order of the template's columns
QUESTION_FIELDS = (
    "type",
    "stem",
    "options",
    "answer",
    "points",
    "difficulty",
    "category",
    "explanation",
    "time_limit",
)
# what the importer and the editor store of a parsed question (its identity with it)
STORED_FIELDS = (*QUESTION_FIELDS, "fingerprint")
# where an imported question came from
SOURCE_FIELDS = ("source_file", "source_sheet", "source_row")
# the columns an import writes, in the order of service._row's tuples
INSERT_COLUMNS = ("created_at", "bank_id", *STORED_FIELDS, *SOURCE_FIELDS)
# the fields of one question as the editor sends them, in order; the options come after them
# (normalize.parse_fields reads the form as a row: A = type, B = stem, C = answer, ...)
EDIT_FIELDS = tuple(f for f in QUESTION_FIELDS if f != "options")

# the template's two header rows: (Chinese header, English alias), both recognised by the
# importer; "options" is one column per option letter (template.COLUMNS)
TEMPLATE_HEADERS = {
    "type": ("题型", "type"),
    "stem": ("题目", "question"),
    "answer": ("答案", "answer"),
    "points": ("分值", "points"),
    "difficulty": ("难度", "difficulty"),
    "category": ("分类", "category"),
    "explanation": ("解析", "explanation"),
    "time_limit": ("时限（秒）", "time_limit"),
}
