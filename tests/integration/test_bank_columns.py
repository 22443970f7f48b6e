"""The column map through the CLI (--columns, --json's "columns") and the service: a given map,
a map remembered for the same header, sheets without answers, problem rows corrected or left
out in one transaction."""

import io
import json

from sqlalchemy import func, select

from question_bank import service
from question_bank.headers import ColumnMap
from question_bank.models import Question
from quiz.base.extensions import db
from tests.unit.test_bank_sheets import xlsx_bytes

HEADERLESS = [  # answer letters first, then the question, then its options: no header
    ["B", "天空是什么颜色的", "红色", "蓝色", "绿色"],
    ["A", "血是什么颜色的", "红色", "蓝色", "绿色"],
    ["C", "草是什么颜色的", "红色", "蓝色", "绿色"],
]
ODD_HEADER = [
    ["编号", "内容描述", "甲", "乙", "丙", "标答"],
    *[[i + 1, row[1], *row[2:], row[0]] for i, row in enumerate(HEADERLESS)],
]


def cli(runner, *args):
    result = runner.invoke(args=["bank", "import", *args, "--json", "--lang", "en"])
    return result.exit_code, json.loads(result.output)


def stems(app):
    with app.app_context():
        rows = db.session.execute(
            select(Question.stem, Question.options, Question.answer).order_by(Question.id)
        )
        return [(s, list(o), list(a)) for s, o, a in rows]


def test_cli_columns_reads_a_sheet_as_told_and_json_reports_the_map(runner, app, tmp_path):
    path = tmp_path / "odd.xlsx"
    path.write_bytes(xlsx_bytes(ODD_HEADER))
    code, out = cli(runner, str(path), "--dry-run")
    assert code == 1 and out["imported"] == 0  # the header is not one the importer knows
    code, out = cli(
        runner,
        str(path),
        "--columns",
        "A=ignore,B=stem,C=A,D=B,E=C,F=answer,from=2",
        "--bank",
        "颜色",
    )
    assert code == 0 and out["imported"] == 3
    (layout,) = out["columns"]
    assert layout["how"] == "map" and layout["sheet"] == "Sheet1"
    assert layout["columns"] == "A=ignore,B=stem,C=A,D=B,E=C,F=answer,from=2"
    assert stems(app)[0] == ("天空是什么颜色的", ["红色", "蓝色", "绿色"], ["B"])


def test_cli_columns_for_one_sheet_and_a_bad_map(runner, tmp_path):
    path = tmp_path / "odd.xlsx"
    path.write_bytes(xlsx_bytes(ODD_HEADER, title="题库"))
    code, out = cli(runner, str(path), "--dry-run", "--columns", "题库!B=stem,C=A,D=B,E=C,F=answer")
    assert code == 0 and out["imported"] == 3 and out["by_type"]["single"] == 3
    result = runner.invoke(
        args=["bank", "import", str(path), "--columns", "B=stem,C=Q", "--lang", "en"]
    )
    assert result.exit_code == 2 and "Column C: unknown role 'Q'" in result.output


def test_json_reports_the_map_the_reader_chose(runner, tmp_path):
    path = tmp_path / "plain.xlsx"
    path.write_bytes(xlsx_bytes(HEADERLESS))
    code, out = cli(runner, str(path), "--dry-run")
    assert code == 0 and out["imported"] == 3
    assert out["columns"][0]["how"] == "inferred"
    assert out["columns"][0]["columns"] == "A=answer,B=stem,C=A,D=B,E=C"


def test_a_map_is_remembered_for_sheets_with_the_same_header(app):
    mapping = {"*": ColumnMap.parse("B=stem,C=A,D=B,E=C,F=answer")}
    with app.app_context():
        first = service.import_files(
            [("a.xlsx", xlsx_bytes(ODD_HEADER))], bank="甲", columns=mapping
        )
        assert first.imported == 3
        again = service.import_files([("b.xlsx", xlsx_bytes(ODD_HEADER))], bank="乙", dry_run=True)
    assert again.imported == 3 and again.layouts[0].how == "remembered"


def test_a_sheet_without_answers_is_one_problem_or_open_questions(app):
    rows = [
        ["题目", "A", "B", "C"],
        ["天空是什么颜色的", "红色", "蓝色", "绿色"],
        ["血是什么颜色的", "红色", "蓝色", "绿色"],
    ]
    with app.app_context():
        report = service.import_files([("q.xlsx", xlsx_bytes(rows))], dry_run=True)
        assert not report.ok and report.no_answer == [
            {"file": "q.xlsx", "sheet": "Sheet1", "count": 2}
        ]
        (problem,) = report.problems
        assert problem.row is None and problem.reason("en").startswith(
            "This sheet has no answer column (2 questions have no answer)."
        )
        report = service.import_files([("q.xlsx", xlsx_bytes(rows))], bank="口答", no_answer="open")
        assert report.ok and report.imported == 2 and report.by_type["open"] == 2
    assert stems(app)[0] == ("天空是什么颜色的\nA. 红色\nB. 蓝色\nC. 绿色", [], [])


PROBLEMS = [
    ["题目", "A", "B", "C", "答案"],
    ["天空是什么颜色的", "红色", "蓝色", "绿色", "B"],
    ["血是什么颜色的", "红色", "蓝色", "绿色", "Z"],
    ["", "红色", "蓝色", "绿色", "C"],
    ["草是什么颜色的", "红色", "蓝色", "绿色", "C"],
]


def test_problem_rows_are_corrected_or_left_out_in_one_transaction(app):
    src = [("p.xlsx", xlsx_bytes(PROBLEMS))]
    with app.app_context():
        dry = service.import_files(src, dry_run=True)
        rows = service.problem_rows(src, dry)
        assert [(r["row"], r["fields"]["answer"]) for r in rows] == [(3, "Z"), (4, "C")]
        assert rows[0]["fields"]["options"] == ["红色", "蓝色", "绿色"]
        bad = dict(rows[0]["fields"], answer="Q")
        refused = service.import_files(
            src, bank="修改", fixes={("p.xlsx", "Sheet1", 3): bad, ("p.xlsx", "Sheet1", 4): None}
        )
        assert not refused.ok and refused.refused.code == "fixes_invalid"
        assert db.session.scalar(select(func.count(Question.id))) == 0
        good = dict(rows[0]["fields"], answer="A")
        done = service.import_files(
            src,
            bank="修改",
            strict=True,
            fixes={("p.xlsx", "Sheet1", 3): good, ("p.xlsx", "Sheet1", 4): None},
        )
        assert done.ok and done.imported == 3 and (done.rows_fixed, done.rows_skipped) == (1, 1)
    assert ("血是什么颜色的", ["红色", "蓝色", "绿色"], ["A"]) in stems(app)


def test_skipped_notes_are_listed_apart_on_the_preview(organizer_client):
    """Notes among the data (the cell-level reader's ``ParseResult.notes``): listed under
    'skipped notes', not as problems. Skipped until that reader lands."""
    import io

    from question_bank import normalize

    if not hasattr(normalize.ParseResult(), "notes"):
        import pytest

        pytest.skip("the reader does not report notes yet (ParseResult.notes)")
    rows = [
        ["题目", "A", "B", "C", "答案"],
        ["天空是什么颜色的", "红色", "蓝色", "绿色", "B"],
        ["以下为新题", "", "", "", ""],
        ["草是什么颜色的", "红色", "蓝色", "绿色", "C"],
    ]
    resp = organizer_client.post(
        "/bank/upload?lang=en",
        data={"bank": "notes", "files": (io.BytesIO(xlsx_bytes(rows)), "n.xlsx")},
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    notes = html.split('class="card bank-notes"')[1].split("</section>")[0]
    assert "以下为新题" in notes and 'class="fix-row' not in html


def test_a_wrong_column_map_is_named_at_the_map_and_nothing_is_lost(organizer_client):
    import io
    import re
    from html import unescape

    c = organizer_client
    resp = c.post(
        "/bank/upload?lang=en",
        data={"bank": "maps", "files": (io.BytesIO(xlsx_bytes(HEADERLESS)), "h.xlsx")},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="token" value="(\w+)"', resp.get_data(as_text=True)).group(1)
    form = {
        "token": token,
        "bank": "maps",
        "map-0-sheet": "Sheet1",
        "map-0-orig": "",
        "map-0-col-B": "stem",
        "map-0-col-C": "stem",
    }
    bad = c.post("/bank/preview?lang=en", data=form)
    html = unescape(bad.get_data(as_text=True))
    assert bad.status_code == 422
    assert "The role 'stem' is given to two columns: B, C." in html
    assert '<option value="stem" selected>' in html.split('name="map-0-col-C"')[1]  # as chosen
    assert 'class="colmap-role error"' in html
    form.update(
        {
            "map-0-col-A": "answer",
            "map-0-col-C": "opt0",
            "map-0-col-D": "opt1",
            "map-0-col-E": "opt2",
        }
    )
    good = c.post("/bank/preview?lang=en", data=form)
    assert good.status_code == 200 and "3 questions can be imported into maps" in good.get_data(
        as_text=True
    )
    expired = c.post("/bank/preview", data={"token": "0" * 32, "bank": "maps"})
    assert expired.status_code == 302


def test_the_demo_bank_is_never_the_default_target(organizer_client, app):
    from question_bank import import_views

    rows = [["题目", "A", "B", "答案"], ["天空是什么颜色的", "红色", "蓝色", "B"]]
    with app.app_context():
        service.import_files([("d.xlsx", xlsx_bytes(rows))], bank=import_views.DEMO_BANK)
    page = organizer_client.get("/bank/").get_data(as_text=True)
    form = page.split('id="import-bank"')[1].split("</select>")[0]
    assert import_views.DEMO_BANK not in form
    assert '<option value="__new__" selected>' in form  # no other bank: a new one, named
    resp = organizer_client.post(
        "/bank/upload?lang=en",
        data={"bank": "__new__", "new_bank": "", "files": (io.BytesIO(xlsx_bytes(rows)), "q.xlsx")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    assert "name a new one" in organizer_client.get("/bank/?lang=en").get_data(as_text=True)
