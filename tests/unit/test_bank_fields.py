"""The question fields are listed once (question_bank/fields.py); the others agree with it."""
from __future__ import annotations

import datetime as dt
import json

from question_bank import fields, normalize, service, template
from question_bank.headers import match_header
from question_bank.models import Question


def test_the_table_holds_every_field_an_import_writes():
    columns = {c.name for c in Question.__table__.columns}
    assert set(fields.INSERT_COLUMNS) == columns - {"id"}


def test_an_import_row_puts_each_value_in_its_column():
    parsed = normalize.ParsedQuestion(
        "single", "长城有多长？", ["一万里", "两万里"], ["B"], 10, "hard", "历史", "约两万公里",
        30, "题库.xlsx", "第一页", 7, "f" * 32)
    now = dt.datetime(2026, 1, 2)
    row = dict(zip(service._COLUMNS, service._row(parsed, 3, now), strict=True))
    assert row["bank_id"] == 3 and row["created_at"] == now
    assert row["stem"] == "长城有多长？" and json.loads(row["options"]) == ["一万里", "两万里"]
    assert json.loads(row["answer"]) == ["B"] and row["points"] == 10
    assert row["difficulty"] == "hard" and row["category"] == "历史"
    assert row["explanation"] == "约两万公里"
    assert (row["time_limit"], row["fingerprint"]) == (30, "f" * 32)
    assert row["source_file"] == "题库.xlsx" and row["source_sheet"] == "第一页"
    assert row["source_row"] == 7


def test_a_parsed_question_has_every_stored_field():
    parsed, problems = normalize.parse_fields(
        {"type": "单选", "stem": "1+1=?", "answer": "B", "options": ["1", "2", "3"]})
    assert problems == []
    for name in fields.STORED_FIELDS:
        assert hasattr(parsed, name), name


def test_the_template_has_a_column_per_field_and_option_and_the_importer_knows_them():
    zh = [z for z, _ in template.COLUMNS]
    en = [e for _, e in template.COLUMNS]
    assert zh[:2] == ["题型", "题目"] and zh[-1] == "时限（秒）"
    assert len(zh) == len(fields.QUESTION_FIELDS) - 1 + template.MAX_OPTIONS
    for header in (zh, en):
        found = match_header(header)
        assert found and set(fields.TEMPLATE_HEADERS) <= set(found.fields), header
        assert len(found.options) == template.MAX_OPTIONS


def test_the_editor_reads_its_fields_as_a_row_in_their_order():
    assert fields.EDIT_FIELDS[:3] == ("type", "stem", "answer")
    assert "options" not in fields.EDIT_FIELDS
    assert normalize.EDIT_FIELDS == fields.EDIT_FIELDS
