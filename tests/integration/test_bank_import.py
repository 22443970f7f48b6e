"""Import into the bank: one transaction, lenient vs strict, dedupe, round trip, draw."""

import io
import json
import pathlib

import openpyxl
import pytest
from sqlalchemy import func, select

from question_bank import export, service, template
from question_bank.models import Bank, Question
from quiz.base.extensions import db
from tests.unit.test_bank_sheets import (
    encrypted_workbook,
    entity_bomb,
    million_rows,
    xlsx_bytes,
    zip_bomb,
)

SAMPLES = pathlib.Path("/work/shared/samples")
GOOD = [
    ["题型", "题目", "A", "B", "C", "D", "答案", "分值", "分类"],
    ["单选", "1+1=?", "1", "2", "3", "4", "B", "10", "数学"],
    ["多选", "哪些是偶数？", "2", "3", "4", "5", "AC", "20", "数学"],
    ["判断", "地球是圆的", "", "", "", "", "对", "10", "地理"],
    ["填空", "中国的首都是____", "", "", "", "", "北京", "10", "地理"],
]
BAD_ROW = ["单选", "坏题", "1", "2", "", "", "Z", "", ""]


def count():
    return db.session.scalar(select(func.count(Question.id)))


def imp(app, rows_or_bytes, **kw):
    data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else xlsx_bytes(rows_or_bytes)
    with app.app_context():
        return service.import_files([("q.xlsx", data)], **kw)


def test_lenient_takes_valid_rows_and_lists_the_rest(app):
    report = imp(app, GOOD + [BAD_ROW])
    assert report.ok and report.imported == 4
    assert report.by_type == {
        "single": 1,
        "multiple": 1,
        "true_false": 1,
        "fill_blank": 1,
        "open": 0,
    }
    (p,) = report.to_json("en")["problems"]
    assert (p["row"], p["column"], p["value"]) == (6, "G", "Z")
    with app.app_context():
        assert count() == 4


def test_strict_takes_nothing_unless_all_valid(app):
    report = imp(app, GOOD + [BAD_ROW], strict=True)
    assert not report.ok and report.imported == 0 and "Strict" in report.error("en")
    with app.app_context():
        assert count() == 0
    assert imp(app, GOOD, strict=True).imported == 4


def test_dry_run_changes_nothing(app):
    report = imp(app, GOOD, dry_run=True)
    assert report.imported == 4
    with app.app_context():
        assert count() == 0 and not db.session.scalar(select(func.count(Bank.id)))


def test_reimport_adds_nothing_and_overlap_adds_only_new(app):
    assert imp(app, GOOD).imported == 4
    again = imp(app, GOOD)
    assert (again.ok, again.imported, again.duplicates) == (True, 0, 4)
    more = imp(app, GOOD + [["单选", "新题？", "甲", "乙", "", "", "A", "", ""]])
    assert (more.imported, more.duplicates) == (1, 4)
    within = imp(app, GOOD[:2] + [GOOD[1]], bank="other")
    assert (within.imported, within.duplicates) == (1, 1)
    with app.app_context():
        assert count() == 6


def test_failure_midway_leaves_the_bank_as_it_was(app, monkeypatch):
    imp(app, GOOD[:2])
    original = service._row

    def explode(q, bank_id, now):
        if q.stem == "中国的首都是____":
            raise RuntimeError("disk full")
        return original(q, bank_id, now)

    monkeypatch.setattr(service, "_row", explode)
    report = imp(app, GOOD, bank="new bank")
    assert not report.ok and "disk full" in report.error("en")
    with app.app_context():
        assert count() == 1
        assert service.find_bank("new bank") is None


@pytest.mark.parametrize(
    "maker, code",
    [
        (lambda: b"", "empty_file"),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image_file"),
        (lambda: xlsx_bytes(GOOD)[:900], "corrupt_zip"),
        (encrypted_workbook, "encrypted"),
        (entity_bomb, "xml_entities"),
        (zip_bomb, "zip_bomb"),
        (million_rows, "too_many_rows"),
        (lambda: xlsx_bytes([["班级", "姓名"], ["一班", 1]]), "no_questions"),
    ],
)
def test_bad_files_are_refused_and_the_bank_unchanged(app, maker, code):
    imp(app, GOOD)
    report = imp(app, maker())
    assert not report.ok and report.refused.code == code
    assert report.error("zh") and report.error("en")
    with app.app_context():
        assert count() == 4


def test_upload_over_the_cap(app):
    from question_bank.sheets import Limits

    report = imp(app, xlsx_bytes(GOOD), limits=Limits(max_bytes=1000))
    assert report.refused.code == "too_large"


def test_export_round_trips(app):
    imp(app, GOOD)
    with app.app_context():
        before = sorted((q.fingerprint, q.type, tuple(q.answer)) for q in Question.query.all())
        data = export.export_bytes()
        report = service.import_files([("export.xlsx", data)], bank="copy")
        assert report.imported == 4
        copy = service.find_bank("copy")
        after = sorted(
            (q.fingerprint, q.type, tuple(q.answer))
            for q in Question.query.filter_by(bank_id=copy.id)
        )
    assert before == after


def test_export_of_a_filtered_part(app):
    imp(app, GOOD)
    with app.app_context():
        data = export.export_bytes(category="地理")
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [r[1] for r in ws.iter_rows(min_row=3, values_only=True)] == [
        "地球是圆的",
        "中国的首都是____",
    ]


def test_template_has_dropdowns_examples_and_instructions(app):
    wb = openpyxl.load_workbook(io.BytesIO(template.template_bytes()))
    ws = wb.worksheets[0]
    assert ws["A1"].value == "题型" and ws["A2"].value == "type"
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"单选,多选,判断,填空,简答"' in lists and '"简单,中等,困难"' in lists
    assert len(wb.sheetnames) == 2 and "Instructions" in wb.sheetnames[1]
    report = imp(app, template.template_bytes(), dry_run=True)
    assert report.by_type == dict.fromkeys(service.TYPES, 1)


def test_draw_and_question_to_dict(app):
    imp(app, GOOD)
    with app.app_context():
        all_ids = {q.id for q in service.draw(count=10)}
        assert len(all_ids) == 4
        geo = service.draw(category="地理", count=5, order="sheet")
        assert [q.type for q in geo] == ["true_false", "fill_blank"]
        first = service.draw(count=2, seed=7)
        assert [q.id for q in first] == [q.id for q in service.draw(count=2, seed=7)]
        rest = service.draw(count=10, exclude_ids=[q.id for q in first])
        assert len(rest) == 2 and not {q.id for q in rest} & {q.id for q in first}
        d = service.question_to_dict(service.draw(type="multiple")[0])
        assert d["answer"] == ["A", "C"] and d["points"] == d["level"] == 20
        assert set(d) >= {
            "bank_id",
            "type",
            "stem",
            "options",
            "answer",
            "points",
            "explanation",
            "time_limit",
            "category",
            "difficulty",
            "level",
        }
        tf = service.question_to_dict(service.draw(type="true_false")[0])
        assert tf["answer"] == ["true"] and tf["options"] == []
        assert service.draw(bank="no such bank") == []


def test_edit_revalidates_with_the_import_rules(app):
    imp(app, GOOD)
    with app.app_context():
        q = service.draw(type="single")[0]
        _, problems = service.update_question(
            q.id, {"type": "single", "stem": "1+2=?", "options": ["1", "3"], "answer": "Z"}
        )
        assert problems and problems[0].code == "answer_unparsed"
        q2, problems = service.update_question(
            q.id,
            {
                "type": "single",
                "stem": "1+2=?",
                "options": ["1", "3"],
                "answer": "B",
                "points": "10",
            },
        )
        assert not problems and q2.stem == "1+2=?" and q2.answer == ["B"]


def test_json_report_shape(app):
    report = imp(app, GOOD + [BAD_ROW], dry_run=True)
    data = json.loads(json.dumps(report.to_json("en"), ensure_ascii=False))
    assert set(data) >= {"imported", "duplicates", "by_type", "skipped_sheets", "problems"}
    assert set(data["problems"][0]) == {"file", "sheet", "row", "column", "value", "reason"}
