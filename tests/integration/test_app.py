"""The foundation: configuration, database, pages, sign-in, the contest CLI."""
import json

from sqlalchemy import text

from quiz.base.extensions import db
from quiz.factory import create_app
from tests.conftest import ADMIN_PASSWORD


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORT", "not-a-number")  # bad values fall back, never raise
    cfg = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}", "QUIZ_DEMO": False}
    first = create_app(cfg)
    second = create_app(cfg)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").exists()
    assert first.config["PORT"] == 5000


def test_default_database_is_sqlite_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"QUIZ_DEMO": False})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("quiz.sqlite3")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    assert (tmp_path / "quiz.sqlite3").exists()


def test_screen_page_shows_contest_and_teams(client, make_contest):
    c = make_contest()
    page = client.get(f"/screen/{c['code']}").get_data(as_text=True)
    assert "测试竞赛" in page and "红队" in page and "蓝队" in page


def test_unknown_contest_is_404(client):
    assert client.get("/screen/000000").status_code == 404
    resp = client.get("/join?code=000000")
    assert resp.status_code == 404
    assert "000000" in resp.get_data(as_text=True)


def test_join_page_redirects_to_the_phone_page(client, make_contest):
    c = make_contest()
    resp = client.get(f"/join?code={c['code']}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/play/{c['code']}")


def test_host_console_needs_the_host_key(client, make_contest):
    c = make_contest()
    page = client.get(f"/host/{c['code']}").get_data(as_text=True)
    assert 'name="key"' in page  # the sign-in form, not the console
    assert client.post(f"/host/{c['code']}", data={"key": "wrong"}).status_code == 401
    resp = client.post(f"/host/{c['code']}", data={"key": c["host_key"]})
    assert resp.status_code == 302
    page = client.get(f"/host/{c['code']}").get_data(as_text=True)
    assert 'name="key"' not in page


def test_organizer_sign_in(client):
    assert client.post("/login", data={"password": "nope"}).status_code == 401
    resp = client.post("/login", data={"password": ADMIN_PASSWORD})
    assert resp.status_code == 302


def test_sign_in_is_throttled_after_repeated_failures(client):
    for _ in range(10):
        client.post("/login", data={"password": "guess"})
    resp = client.post("/login", data={"password": ADMIN_PASSWORD})
    assert resp.status_code == 401  # even the right password waits out the window


def test_qr_code_is_an_svg_of_the_join_url(client, make_contest):
    c = make_contest()
    resp = client.get(f"/qr/{c['code']}.svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    assert b"<svg" in resp.data
    team_qr = client.get(f"/qr/{c['code']}.svg?team={c['teams'][0]}").data
    assert team_qr != resp.data


def test_contest_create_cli_prints_code_key_and_urls(runner, tmp_path, app):
    from tests.helpers import contest_spec

    f = tmp_path / "c.json"
    f.write_text(json.dumps(contest_spec(), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["contest", "create", str(f)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"code", "host_key", "urls"}
    assert out["urls"]["play"].endswith(f"/play/{out['code']}")
    assert len(out["host_key"]) >= 22  # at least 128 bits


def test_contest_create_cli_refuses_bad_files(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["contest", "create", str(bad)])
    assert result.exit_code != 0 and "not valid JSON" in result.output
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"name": "x", "teams": [], "rounds": []}), encoding="utf-8")
    result = runner.invoke(args=["contest", "create", str(empty)])
    assert result.exit_code != 0 and "teams" in result.output
    missing = runner.invoke(args=["contest", "create", str(tmp_path / "none.json")])
    assert missing.exit_code != 0 and "cannot read" in missing.output


def test_scripts_are_sent_gzipped_to_browsers_that_accept_it(client):
    import gzip

    plain = client.get("/static/vendor/socket.io/socket.io.min.js")
    zipped = client.get("/static/vendor/socket.io/socket.io.min.js",
                        headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.data) < len(plain.data) / 2
    assert gzip.decompress(zipped.data) == plain.data
    assert "Content-Encoding" not in plain.headers


def test_projector_and_host_state_the_ranking_rule_and_host_links_the_record(client, make_contest):
    c = make_contest()
    screen = client.get(f"/screen/{c['code']}").get_data(as_text=True)
    assert "加赛获胜次数多者名次在前" in screen
    client.post(f"/host/{c['code']}", data={"key": c["host_key"]})
    host = client.get(f"/host/{c['code']}?lang=en").get_data(as_text=True)
    assert "tie-break" in host and f"/results/{c['code']}.xlsx" in host
