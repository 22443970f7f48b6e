"""Picture and audio questions through the importer, the store, /media, export and the editor."""

from __future__ import annotations

import io
import json
import os
import zipfile

from question_bank import media_collect, media_types, service
from question_bank.models import Media, Question, QuestionMedia
from quiz.base.extensions import db
from tests.unit.test_media_sheet import (
    HEAD,
    PICTURE_ROWS,
    png,
    wav,
    with_anchored_pictures,
    workbook_bytes,
    wps_workbook,
    zip_bundle,
)

RED, BLUE, GREEN = png(rgb=(255, 0, 0)), png(rgb=(0, 0, 255)), png(rgb=(0, 160, 0))
SONG = wav(0.3)

MEDIA_ROWS = [
    HEAD + ["图片", "音频"],
    ["单选", "图中是哪里？", "长城", "故宫", "西湖", "黄山", "A", "media/great-wall.png", None],
    [
        "填空",
        "听音频，写出这首歌的名字：____",
        None,
        None,
        None,
        None,
        "茉莉花",
        None,
        "songs/茉莉花.wav",
    ],
    [
        "判断",
        "两张图片里都有红色。",
        None,
        None,
        None,
        None,
        "对",
        "media/great-wall.png|blue.png",
        None,
    ],
    ["单选", "没有媒体的题目", "甲", "乙", "丙", "丁", "B", None, None],
]


def bundle(extra=None, rows=MEDIA_ROWS):
    files = {
        "题库.xlsx": workbook_bytes(rows),
        "media/great-wall.png": RED,
        "media/blue.png": BLUE,
        "songs/茉莉花.wav": SONG,
    }
    files.update(extra or {})
    return zip_bundle(files)


def media_of(app, stem):
    with app.app_context():
        q = db.session.scalars(db.select(Question).where(Question.stem == stem)).one()
        return service.question_to_dict(q)["media"]


def test_zip_with_media_folder_dry_run_then_import(app):
    with app.app_context():
        dry = service.import_files([("题库.zip", bundle())], bank="media", dry_run=True)
        assert dry.ok and dry.imported == 4 and not dry.problems, dry.to_json("en")
        data = dry.to_json("en")
        assert data["media"] == {"questions": 3, "files": 3, "missing": []}
        assert not os.path.exists(os.path.join(app.instance_path, "media"))  # dry run: no files
        report = service.import_files([("题库.zip", bundle())], bank="media")
        assert report.ok and report.imported == 4 and report.media_files == 3
        assert db.session.scalar(db.select(db.func.count()).select_from(Media)) == 3
        again = service.import_files([("题库.zip", bundle())], bank="media")
        assert (again.imported, again.duplicates) == (0, 4)
    pics = media_of(app, "图中是哪里？")
    sha = media_types.check(RED, "x").sha256
    assert pics == [{"kind": "image", "url": f"/media/{sha}.png", "name": "great-wall.png"}]
    assert [m["kind"] for m in media_of(app, "听音频，写出这首歌的名字：____")] == ["audio"]
    assert len(media_of(app, "两张图片里都有红色。")) == 2
    assert media_of(app, "没有媒体的题目") == []
    # stored once by content, under the store only
    files = [f for _, _, fs in os.walk(os.path.join(app.instance_path, "media")) for f in fs]
    assert sorted(files) == sorted(
        f"{media_types.check(d, 'x').sha256}.{e}"
        for d, e in ((RED, "png"), (BLUE, "png"), (SONG, "wav"))
    )


def test_same_stem_with_another_picture_is_another_question(app):
    rows = [
        HEAD + ["图片"],
        ["判断", "这是红色吗？", None, None, None, None, "对", "a.png"],
        ["判断", "这是红色吗？", None, None, None, None, "错", "b.png"],
    ]
    data = zip_bundle({"q.xlsx": workbook_bytes(rows), "a.png": RED, "b.png": BLUE})
    with app.app_context():
        report = service.import_files([("q.zip", data)], bank="b")
        assert (report.imported, report.duplicates) == (2, 0)


def test_missing_unreadable_and_oversized_media_are_row_problems(app):
    rows = MEDIA_ROWS + [
        ["判断", "缺图的题目", None, None, None, None, "对", "media/nowhere.png", None],
        ["判断", "坏图的题目", None, None, None, None, "对", "media/fake.png", None],
        ["判断", "网址图片", None, None, None, None, "对", "https://example.com/a.png", None],
        ["判断", "太大的音频", None, None, None, None, "对", None, "big.wav"],
    ]
    extra = {"media/fake.png": b"this is text, not a picture", "big.wav": wav(3.0)}
    with app.app_context():
        report = service.import_files(
            [("q.zip", bundle(extra, rows))],
            bank="p",
            dry_run=True,
            media_limits=media_types.MediaLimits(max_av=20_000),
        )
        data = report.to_json("en")
    assert report.ok and report.imported == 4
    problems = {p["value"]: p for p in data["problems"]}
    assert (
        problems["media/nowhere.png"]["row"] == 6 and problems["media/nowhere.png"]["column"] == "H"
    )
    assert "not found" in problems["media/nowhere.png"]["reason"]
    assert "not a picture" in problems["media/fake.png"]["reason"]
    assert "web address" in problems["https://example.com/a.png"]["reason"]
    assert "over the limit" in problems["big.wav"]["reason"]
    assert data["media"]["missing"] == [
        {"file": "题库.xlsx", "sheet": "Sheet", "row": 6, "name": "media/nowhere.png"}
    ]
    zh = report.to_json("zh")["problems"]
    assert any("找不到媒体文件" in p["reason"] for p in zh)


def test_a_sheet_naming_files_without_the_zip(app):
    with app.app_context():
        report = service.import_files([("q.xlsx", workbook_bytes(MEDIA_ROWS))], dry_run=True)
    assert report.imported == 1  # only the question without media
    reasons = [p["reason"] for p in report.to_json("en")["problems"]]
    assert len(reasons) == 3 and all("one .zip" in r for r in reasons)


def test_hostile_zips_are_refused_and_nothing_is_written(app, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("q.xlsx", workbook_bytes(MEDIA_ROWS))
        zf.writestr("../../escape.png", RED)
    with app.app_context():
        report = service.import_files([("evil.zip", buf.getvalue())], bank="x")
    assert not report.ok and "unsafe path" in report.error("en")
    assert report.refused_file == "evil.zip"
    assert not os.path.exists(os.path.join(app.instance_path, "media"))
    assert not (tmp_path / "escape.png").exists() and not os.path.exists(
        os.path.join(os.path.dirname(app.instance_path), "escape.png")
    )


def test_anchored_and_wps_pictures_import(app):
    anchored = with_anchored_pictures(workbook_bytes(PICTURE_ROWS), [(1, 7, RED), (2, 7, BLUE)])
    rows = [HEAD + ["图片"]] + [r + [None] for r in PICTURE_ROWS[1:]]
    rows[1][-1] = '=_xlfn.DISPIMG("ID_4F1B2C3D",1)'
    wps = wps_workbook(rows, {"ID_4F1B2C3D": GREEN})
    with app.app_context():
        dry = service.import_files([("excel.xlsx", anchored), ("wps.xlsx", wps)], dry_run=True)
        assert dry.ok and dry.media_questions == 3, dry.to_json("en")
        report = service.import_files([("excel.xlsx", anchored)], bank="excel")
        assert report.imported == 3 and report.media_questions == 2
        report = service.import_files([("wps.xlsx", wps)], bank="wps")
        assert report.imported == 3 and report.media_questions == 1
        q = db.session.scalars(
            db.select(Question).where(Question.bank.has(name="wps"), Question.stem.like("图中%"))
        ).one()
        assert q.media_links[0].sha256 == media_types.check(GREEN, "x").sha256


def test_wps_cell_with_a_missing_picture_is_a_problem(app):
    rows = [
        HEAD + ["图片"],
        PICTURE_ROWS[1] + ['=_xlfn.DISPIMG("ID_GONE",1)'],
        PICTURE_ROWS[3] + [None],
    ]
    data = wps_workbook(rows, {"ID_OTHER": GREEN})
    with app.app_context():
        report = service.import_files([("wps.xlsx", data)], dry_run=True)
    assert report.imported == 1 and report.problems[0].code == "media_missing"


def test_media_route_headers(app, client):
    with app.app_context():
        service.import_files([("q.zip", bundle())], bank="m")
    sha = media_types.check(RED, "x").sha256
    resp = client.get(f"/media/{sha}.png")
    assert resp.status_code == 200 and resp.data == RED
    assert resp.headers["Content-Type"] == "image/png"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert (
        "immutable" in resp.headers["Cache-Control"]
        and "max-age=31536000" in resp.headers["Cache-Control"]
    )
    assert resp.headers["ETag"] == f'"{sha}"'
    assert client.get(f"/media/{sha}.png", headers={"If-None-Match": f'"{sha}"'}).status_code == 304
    song = media_types.check(SONG, "x").sha256
    part = client.get(f"/media/{song}.wav", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100
    assert part.headers["Content-Type"] == "audio/wav"
    for bad in (
        f"/media/{sha}.wav",
        f"/media/{sha}.svg",
        "/media/..%2f..%2fapp.py",
        f"/media/{sha[:-1]}.png",
    ):
        assert client.get(bad).status_code == 404


def test_export_zip_round_trip(app, runner, tmp_path):
    with app.app_context():
        service.import_files([("q.zip", bundle())], bank="src")
    out = str(tmp_path / "export.zip")
    result = runner.invoke(args=["bank", "export", out, "--bank", "src"])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert "题库 questions.xlsx" in names and sum(n.startswith("media/") for n in names) == 3
    xlsx = str(tmp_path / "export.xlsx")
    result = runner.invoke(args=["bank", "export", xlsx, "--bank", "src"])
    assert result.exit_code == 0 and ".zip" in result.output
    result = runner.invoke(args=["bank", "import", out, "--bank", "copy", "--json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["media"]["questions"] == 3
    with app.app_context():

        def snapshot(bank):
            qs = db.session.scalars(db.select(Question).where(Question.bank.has(name=bank))).all()
            return sorted(
                (q.fingerprint, q.stem, tuple(ln.sha256 for ln in q.media_links)) for q in qs
            )

        assert snapshot("src") == snapshot("copy") and len(snapshot("copy")) == 4


def test_editor_upload_and_remove(app, organizer_client):
    with app.app_context():
        service.import_files([("q.xlsx", workbook_bytes(PICTURE_ROWS))], bank="e")
        q = db.session.scalars(db.select(Question).where(Question.stem.like("图中%"))).one()
        qid, plain = q.id, q.fingerprint
    resp = organizer_client.post(
        f"/bank/question/{qid}/media",
        data={"file": (io.BytesIO(RED), "长城.png")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    with app.app_context():
        q = db.session.get(Question, qid)
        assert [ln.name for ln in q.media_links] == ["长城.png"] and q.fingerprint != plain
        sha = q.media_links[0].sha256
    page = organizer_client.get(f"/bank/question/{qid}").get_data(as_text=True)
    assert f"/media/{sha}.png" in page
    bad = organizer_client.post(
        f"/bank/question/{qid}/media",
        data={"file": (io.BytesIO(b"MZ\x90\x00 not media"), "virus.png")},
        content_type="multipart/form-data",
    )
    assert (
        bad.status_code == 422
        and "not a picture" in bad.get_data(as_text=True).lower()
        or "不是" in bad.get_data(as_text=True)
    )
    # the edited text keeps the media in the fingerprint
    organizer_client.post(
        f"/bank/question/{qid}",
        data={
            "type": "single",
            "stem": "图中是哪座城市的地标？",
            "answer": "A",
            "options": ["北京", "上海", "广州", "深圳"],
        },
    )
    with app.app_context():
        assert db.session.get(Question, qid).fingerprint == media_collect.fingerprint(
            "图中是哪座城市的地标？", ["北京", "上海", "广州", "深圳"], None, [sha]
        )
    resp = organizer_client.post(f"/bank/question/{qid}/media/{sha}/delete")
    assert resp.status_code == 302
    with app.app_context():
        q = db.session.get(Question, qid)
        assert q.media_links == [] and q.fingerprint == plain
        assert db.session.scalar(db.select(db.func.count()).select_from(QuestionMedia)) == 0
    assert organizer_client.post(f"/bank/question/{qid}/media").status_code in (302, 400, 422)


def test_web_upload_of_a_zip_over_the_sheet_limit(app, organizer_client):
    app.config["BANK_MAX_UPLOAD_BYTES"] = 8000  # the sheet limit; a zip may be larger
    data = bundle({"media/unused.bin": os.urandom(20000)})
    assert len(data) > 8000
    resp = organizer_client.post(
        "/bank/upload",
        data={"files": (io.BytesIO(data), "题库.zip"), "bank": "web"},
        content_type="multipart/form-data",
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page[:2000]
    assert "media" in page.lower() or "媒体" in page
