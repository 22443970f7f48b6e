"""The `flask bank` commands and the /bank pages."""

import io
import json
import os
import pathlib
import time

import pytest

from tests.unit.test_bank_sheets import entity_bomb, million_rows, xlsx_bytes

from .test_bank_import import BAD_ROW, GOOD

SAMPLES = pathlib.Path("/work/shared/samples")


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def run_json(runner, *args):
    result = runner.invoke(args=["bank", "import", *args, "--json", "--lang", "en"])
    return result.exit_code, json.loads(result.output)


def test_cli_import_json_and_reimport(runner, tmp_path):
    path = write(tmp_path, "q.xlsx", xlsx_bytes(GOOD + [BAD_ROW]))
    code, data = run_json(runner, path, "--dry-run")
    assert code == 0 and data["imported"] == 4 and len(data["problems"]) == 1
    assert set(data["by_type"]) == {"single", "multiple", "true_false", "fill_blank", "open"}
    code, data = run_json(runner, path, "--bank", "demo")
    assert code == 0 and data["imported"] == 4
    code, data = run_json(runner, path, "--bank", "demo")
    assert code == 0 and (data["imported"], data["duplicates"]) == (0, 4)
    code, data = run_json(runner, path, "--strict", "--bank", "s")
    assert code != 0 and data["imported"] == 0


@pytest.mark.parametrize(
    "name, maker",
    [
        ("bomb.xlsx", entity_bomb),
        ("big.xlsx", million_rows),
        ("pic.xlsx", lambda: b"GIF89a" + b"0" * 9),
    ],
)
def test_cli_refuses_bad_files_quickly_without_traceback(runner, tmp_path, name, maker):
    path = write(tmp_path, name, maker())
    started = time.perf_counter()
    result = runner.invoke(args=["bank", "import", path, "--lang", "en"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert time.perf_counter() - started < 10
    assert "Not imported" in result.output


def test_cli_template_and_export(runner, tmp_path):
    tpl = str(tmp_path / "t.xlsx")
    assert runner.invoke(args=["bank", "template", tpl]).exit_code == 0
    code, data = run_json(runner, tpl, "--bank", "demo")
    assert code == 0 and data["imported"] == 5
    out = str(tmp_path / "e.xlsx")
    assert runner.invoke(args=["bank", "export", out, "--bank", "demo"]).exit_code == 0
    code, data = run_json(runner, out, "--bank", "demo")
    assert (code, data["imported"], data["duplicates"]) == (0, 0, 5)
    assert runner.invoke(args=["bank", "export", out, "--bank", "nope"]).exit_code != 0


def test_pages_need_the_organizer(client):
    assert client.get("/bank/").status_code == 302


def test_upload_report_confirm_edit_delete(organizer_client, app):
    c = organizer_client
    page = c.get("/bank/")
    assert page.status_code == 200 and b"bank-drop" in page.data
    resp = c.post(
        "/bank/upload",
        data={"bank": "web", "files": (io.BytesIO(xlsx_bytes(GOOD + [BAD_ROW])), "q.xlsx")},
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'class="fix-row' in html
    assert 'name="token"' in html
    token = html.split('name="token" value="')[1].split('"')[0]
    # kept with the workbook's extension: calamine reads it from the file (sheets.py)
    kept = os.path.join(app.instance_path, "bank_uploads", token)
    assert sorted(os.listdir(kept)) == ["00.name", "00.xlsx"] and "q.xlsx" in html
    resp = c.post("/bank/confirm", data={"token": token, "bank": "web"})
    assert resp.status_code == 302
    listing = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "哪些是偶数？" in listing
    from question_bank import service

    with app.app_context():
        q = service.draw(type="single")[0]
        qid = q.id
    edit = c.post(
        f"/bank/question/{qid}",
        data={"type": "single", "stem": "改过的题？", "options": ["甲", "乙"], "answer": "B"},
    )
    assert edit.status_code == 302
    assert "改过的题？" in c.get("/bank/?q=改过").get_data(as_text=True)
    bad = c.post(
        f"/bank/question/{qid}",
        data={"type": "single", "stem": "x", "options": ["甲", "乙"], "answer": "Q"},
    )
    assert bad.status_code == 422 and 'class="error"' in bad.get_data(as_text=True)
    asked = c.post("/bank/delete", data={"ids": [str(qid)]}).get_data(as_text=True)
    assert "改过的题？" in c.get("/bank/").get_data(as_text=True) and 'id="confirm-yes"' in asked
    c.post("/bank/delete", data={"ids": [str(qid)], "confirm": "1"})
    assert "改过的题？" not in c.get("/bank/").get_data(as_text=True)
    assert c.get("/bank/template.xlsx").data[:2] == b"PK"
    assert c.get("/bank/export.xlsx?category=地理").data[:2] == b"PK"


@pytest.mark.parametrize(
    "data, needle",
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "image"),
        (b"", "empty"),
    ],
)
def test_bad_upload_gives_a_page_with_the_message(organizer_client, data, needle):
    resp = organizer_client.post(
        "/bank/upload?lang=en",
        data={"files": (io.BytesIO(data), "a.xlsx")},
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and needle in html and "Traceback" not in html
    assert organizer_client.get("/bank/").status_code == 200  # still serving


def test_upload_over_the_cap_gives_a_page(organizer_client, app):
    app.config["BANK_MAX_UPLOAD_BYTES"] = 1000
    resp = organizer_client.post(
        "/bank/upload?lang=en",
        data={"files": (io.BytesIO(b"x" * 5000), "big.xlsx")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 413 and "too large" in resp.get_data(as_text=True)


def test_report_in_chinese(organizer_client):
    resp = organizer_client.post(
        "/bank/upload?lang=zh_CN",
        data={"files": (io.BytesIO(xlsx_bytes(GOOD + [BAD_ROW])), "q.xlsx")},
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    assert "无法识别答案" in html  # the reasons come from messages.py in the page language


# ---------------------------------------------------------------- the real sample sheets


def sample(name):
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample {name} not present")
    return str(path)


@pytest.mark.parametrize(
    "name, imported, by_type, problems",
    [
        (
            "alune1212_internal-exam__安全知识竞赛题库_标准化题库.xlsx",
            612,
            {"single": 415, "multiple": 137, "true_false": 60},
            0,
        ),
        (
            "FYHC1_online-exam__试题导入模板.xlsx",
            10,
            {"single": 3, "multiple": 2, "true_false": 2, "fill_blank": 2, "open": 1},
            0,
        ),
        ("netcan_baike_contest__题库.xlsx", 299, {"single": 299}, 1),
        ("tangzhenyu2013_Yanan__资料.xls", 6, {"single": 4, "multiple": 2}, 0),
        ("2berius_Qahoot__KahootQuizTemplate.xlsx", 1, {"multiple": 1}, 0),
        ("zhang35_ppt-vba__题库.xlsx", 178, {"open": 178}, 0),
    ],
)
def test_sample_imports_with_its_counts(runner, name, imported, by_type, problems):
    code, data = run_json(runner, sample(name))
    assert code == 0 and data["imported"] == imported
    assert {k: v for k, v in data["by_type"].items() if v} == by_type
    assert len(data["problems"]) == problems


def test_sample_alune_skips_three_sheets(runner):
    _, data = run_json(runner, sample("alune1212_internal-exam__安全知识竞赛题库_标准化题库.xlsx"))
    assert sorted(s["sheet"] for s in data["skipped_sheets"]) == [
        "summary",
        "unsupported_raw",
        "字段说明",
    ]


def test_sample_halfye_csv(runner):
    """1060 questions read; 5 repeat another row (same stem once the 【出题】 note is off)."""
    code, data = run_json(runner, sample("halfye_sishi__题库.csv"))
    assert code == 0 and data["imported"] + data["duplicates"] == 1060
    assert (data["imported"], data["duplicates"]) == (1055, 5)
    assert data["by_type"]["fill_blank"] == 1055 and not data["problems"]


def test_sample_roster_is_refused(runner):
    code, data = run_json(runner, sample("zhang35_ppt-vba__选手名单.xlsx"))
    assert code != 0 and data["imported"] == 0 and "No questions" in data["error"]
