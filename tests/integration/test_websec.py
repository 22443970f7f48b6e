"""Issue 19, points 1, 5, 6 and the Host-header origin: each attack performed, each refused.

- `next` leads only to a path on this site (login, the bank's question page Cancel and save);
- every HTML page carries the strict Content-Security-Policy;
- the bank export writes formula-like text as plain text;
- a cookie saved before sign-out opens nothing after it; sessions end after QUIZ_SESSION_HOURS;
- the database and import previews are 0600, old previews are removed;
- a forged Host with a matching Origin is refused at the socket handshake (a real server).
"""
import io
import os
import re
import socket
import stat
import time

import pytest
from openpyxl import load_workbook

from quiz.base.extensions import db
from tests.conftest import ADMIN_PASSWORD
from tests.serverproc import ServerProcess

BANK_CSV = ("题型,题目,选项A,选项B,选项C,答案,解析\n"
            '单选,"=HYPERLINK(""http://evil.example"",""点我"")",甲,+1,-1,A,@SUM(A1:A2)\n'
            "填空,cmd|' /C calc'!A0,,,,答案,正常解析\n").encode("utf-8")


@pytest.fixture
def question_id(app, tmp_path):
    from question_bank import service
    from question_bank.models import Question

    path = tmp_path / "bank.csv"
    path.write_bytes(BANK_CSV)
    with app.app_context():
        report = service.import_files([str(path)], bank="测试题库")
        assert report.imported == 2, report
        return db.session.scalars(db.select(Question.id).order_by(Question.id)).first()


# --- 1. next: no javascript:, no other site -----------------------------------------------

EVIL_NEXTS = ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "//evil.example/x",
              "/\\evil.example", "\\\\evil.example", "https://evil.example/", "/\t/evil.example",
              " /bank/", "data:text/html,<script>alert(1)</script>", "/\r\nX: y", ""]


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_login_never_redirects_off_site(client, evil):
    resp = client.post("/login", query_string={"next": evil}, data={"password": ADMIN_PASSWORD})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


def test_login_keeps_a_local_next(client):
    resp = client.post("/login", query_string={"next": "/bank/?page=2"},
                       data={"password": ADMIN_PASSWORD})
    assert resp.headers["Location"] == "/bank/?page=2"


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_the_question_page_cancel_link_and_save_stay_on_site(organizer_client, question_id,
                                                             evil):
    page = organizer_client.get(f"/bank/question/{question_id}", query_string={"next": evil})
    html = page.get_data(as_text=True)
    cancel = re.search(r'<a [^>]*href="([^"]*)"[^>]*>(取消|Cancel)</a>', html)
    assert cancel and cancel.group(1) == "/bank/", cancel
    assert '<input type="hidden" name="next" value="/bank/">' in html
    assert "javascript:" not in html.lower()
    saved = organizer_client.post(f"/bank/question/{question_id}", data={
        "next": evil, "type": "fill_blank", "stem": "改过的题目", "answer": "答案"})
    assert saved.status_code == 302 and saved.headers["Location"] == "/bank/"


def test_the_question_page_keeps_a_local_next(organizer_client, question_id):
    page = organizer_client.get(f"/bank/question/{question_id}",
                                query_string={"next": "/bank/?page=2&q=x"})
    assert 'href="/bank/?page=2&amp;q=x"' in page.get_data(as_text=True)


# --- 2. the Content-Security-Policy on every HTML page -------------------------------------

def html_pages(app, code, qid):
    """Every GET route that answers with HTML, with real arguments."""
    args = {"code": code, "qid": qid}
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "media.serve"):
            continue
        if set(rule.arguments) - set(args):
            continue
        out.append(rule.build({k: args[k] for k in rule.arguments}, append_unknown=False)[1])
    return out


def test_every_html_page_sends_the_strict_policy(app, organizer_client, client, make_contest,
                                                 question_id):
    code = make_contest()["code"]
    seen = 0
    nonces = set()
    for who in (organizer_client, client):
        for url in html_pages(app, code, question_id) + ["/no-such-page", f"/host/{code}?x=1"]:
            resp = who.get(url)
            if not resp.mimetype == "text/html":
                continue
            seen += 1
            csp = resp.headers.get("Content-Security-Policy", "")
            for part in ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
                         "form-action 'self'", "style-src 'self'"):
                assert part in csp, (url, csp)
            # only the projector may be framed, and by our own host console only
            frames = "'self'" if url.startswith("/screen/") else "'none'"
            assert f"frame-ancestors {frames}" in csp, (url, csp)
            script = re.search(r"script-src ([^;]*)", csp).group(1).split()
            assert script[0] == "'self'" and len(script) == 2 and script[1].startswith("'nonce-")
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
            nonces.add(script[1])
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            assert resp.headers["Referrer-Policy"] == "same-origin"
            html = resp.get_data(as_text=True)
            # no inline code: every <script> is a file, a JSON data block or carries the nonce
            for tag in re.findall(r"<script\b[^>]*>", html):
                assert ("src=" in tag or 'type="application/json"' in tag
                        or script[1][7:-1] in tag), (url, tag)
            assert not re.search(r"\son[a-z]+=", html), url
            assert " style=" not in html, url
    assert seen >= 20
    assert len(nonces) == seen  # a fresh nonce per response


# --- 3. formulas in the bank export ---------------------------------------------------------

def test_the_bank_export_holds_formula_text_as_text(organizer_client, question_id):
    resp = organizer_client.get("/bank/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).worksheets[0]
    cells = {c.value: c for row in ws.iter_rows(min_row=3) for c in row if c.value is not None}
    for text in ('=HYPERLINK("http://evil.example","点我")', "+1", "-1", "@SUM(A1:A2)",
                 "cmd|' /C calc'!A0"):
        assert text in cells, (text, list(cells))
        assert cells[text].data_type == "s", text
    for text in ('=HYPERLINK("http://evil.example","点我")', "+1", "-1", "@SUM(A1:A2)"):
        assert cells[text].quotePrefix, text
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_the_exported_bank_imports_back_to_the_same_text(app, organizer_client, question_id,
                                                         tmp_path):
    from question_bank import service
    from question_bank.models import Question

    data = organizer_client.get("/bank/export.xlsx").data
    path = tmp_path / "again.xlsx"
    path.write_bytes(data)
    with app.app_context():
        report = service.import_files([str(path)], bank="再导入")
        assert report.ok and report.imported == 2
        stems = {q.stem for q in db.session.scalars(db.select(Question))}
    assert '=HYPERLINK("http://evil.example","点我")' in stems
    assert "cmd|' /C calc'!A0" in stems


# --- 4. sign-out ends the session for good; sessions are not 31 days ------------------------

def saved_cookie(c) -> str:
    cookie = c.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app, value):
    c = app.test_client()
    c.set_cookie("session", value)
    return c


def test_a_cookie_saved_before_sign_out_opens_nothing_after(app, organizer_client, make_contest,
                                                            question_id):
    code = make_contest()["code"]
    value = saved_cookie(organizer_client)
    assert replay(app, value).get("/bank/").status_code == 200          # the copy works...
    assert replay(app, value).get(f"/contests/{code}").status_code == 200
    organizer_client.post("/logout")
    for url in ("/bank/", f"/contests/{code}", f"/results/{code}",
                f"/bank/question/{question_id}"):
        resp = replay(app, value).get(url)
        assert resp.status_code in (302, 401, 403), (url, resp.status_code)
        assert "/login" in resp.headers.get("Location", "/login"), url
    host = replay(app, value).get(f"/host/{code}").get_data(as_text=True)
    assert 'id="app"' not in host            # the console is not served, only the sign-in
    assert make_contest and "host_key" not in host


def test_a_host_key_session_ends_with_sign_out_of_its_browser_only(app, make_contest):
    contest = make_contest()
    c = app.test_client()
    assert c.post(f"/host/{contest['code']}", data={"key": contest["host_key"]}).status_code == 302
    assert 'id="app"' in c.get(f"/host/{contest['code']}").get_data(as_text=True)
    other = app.test_client()
    other.post("/login", data={"password": ADMIN_PASSWORD})
    other.post("/logout")
    assert 'id="app"' in c.get(f"/host/{contest['code']}").get_data(as_text=True)


def test_a_replayed_cookie_is_refused_at_the_socket_too(app, organizer_client, make_contest):
    from quiz.base.extensions import socketio

    code = make_contest()["code"]
    value = saved_cookie(organizer_client)
    organizer_client.post("/logout")
    c = replay(app, value)
    sock = socketio.test_client(app, auth={"contest": code, "role": "host"},
                                flask_test_client=c)
    assert not sock.is_connected()


def test_sessions_last_twelve_hours_not_a_month(app, organizer_client, monkeypatch):
    resp = app.test_client().post("/login", data={"password": ADMIN_PASSWORD})
    cookie = resp.headers["Set-Cookie"]
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    from email.utils import parsedate_to_datetime

    left = parsedate_to_datetime(expires).timestamp() - time.time()
    assert 11.9 * 3600 < left <= 12 * 3600 + 5
    value = saved_cookie(organizer_client)
    assert replay(app, value).get("/bank/").status_code == 200
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 12 * 3600 + 60)
    assert replay(app, value).get("/bank/").status_code == 302   # signed cookie still, too old


def test_the_session_length_is_configurable(tmp_path, monkeypatch):
    from quiz.factory import create_app

    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "i"))
    monkeypatch.setenv("QUIZ_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("QUIZ_SESSION_HOURS", "2")
    app = create_app({"TESTING": True, "QUIZ_DEMO": False, "SOCKETIO_ASYNC_MODE": "threading",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 's.sqlite3'}"})
    try:
        assert app.permanent_session_lifetime.total_seconds() == 2 * 3600
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- 5. private files, old previews removed ---------------------------------------------------

def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_database_is_private(app, tmp_path):
    with app.app_context():
        db.session.execute(db.text("select 1"))
    path = tmp_path / "test.sqlite3"
    assert mode(path) == 0o600
    for extra in ("-wal", "-shm"):
        if os.path.exists(str(path) + extra):
            assert mode(str(path) + extra) & 0o077 == 0, extra
    assert mode(app.instance_path) == 0o700


def test_an_old_world_readable_database_is_made_private(tmp_path, monkeypatch):
    from quiz.factory import create_app

    path = tmp_path / "old.sqlite3"
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "i"))
    app = create_app({"TESTING": True, "QUIZ_DEMO": False, "SOCKETIO_ASYNC_MODE": "threading",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    try:
        assert mode(path) == 0o600
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def upload(c, data=BANK_CSV):
    return c.post("/bank/upload", data={"files": (io.BytesIO(data), "题库.csv"), "bank": "预览"},
                  content_type="multipart/form-data")


def test_an_upload_preview_is_private_and_goes_after_an_hour(app, organizer_client):
    from question_bank import previews

    assert upload(organizer_client).status_code == 200
    root = previews.root(app.instance_path)
    (token,) = os.listdir(root)
    folder = os.path.join(root, token)
    assert mode(folder) == 0o700
    assert os.listdir(folder) and all(mode(os.path.join(folder, f)) == 0o600
                                      for f in os.listdir(folder))
    assert previews.sweep(app.instance_path) == 0            # a fresh one stays
    old = time.time() - previews.MAX_AGE_S - 60
    os.utime(folder, (old, old))
    assert upload(organizer_client).status_code == 200       # the next upload sweeps first
    assert token not in os.listdir(root) and len(os.listdir(root)) == 1
    resp = organizer_client.post("/bank/confirm", data={"token": token, "bank": "预览"})
    assert resp.status_code == 302                            # "that upload has expired"


def test_the_server_sweeps_old_previews_at_start(tmp_path):
    instance = tmp_path / "instance"
    stale = instance / "bank_uploads" / ("a" * 32)
    stale.mkdir(parents=True)
    (stale / "00.bin").write_bytes(b"x")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = instance / "bank_uploads" / ("b" * 32)
    fresh.mkdir()
    srv = ServerProcess(str(instance))
    srv.start()
    try:
        assert not stale.exists() and fresh.exists()
        assert mode(instance / "quiz.sqlite3") == 0o600
    finally:
        srv.stop()


# --- 6. a forged Host with a matching Origin ------------------------------------------------

def raw_handshake(port: int, host: str, origin: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: {host}\r\n"
                   f"Origin: {origin}\r\nConnection: close\r\n\r\n").encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    srv = ServerProcess(str(tmp_path_factory.mktemp("origin")))
    srv.start()
    yield srv
    srv.stop()


def test_a_forged_host_with_a_matching_origin_is_refused(real_server):
    resp = raw_handshake(real_server.port, "evil.example", "http://evil.example")
    assert resp.startswith(b"HTTP/1.1 400"), resp[:200]
    resp = raw_handshake(real_server.port, "evil.example:80", "http://evil.example:80")
    assert resp.startswith(b"HTTP/1.1 400"), resp[:200]


def test_our_own_origin_still_opens_a_socket(real_server):
    port = real_server.port
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        resp = raw_handshake(port, "evil.example", origin)   # whatever Host says
        assert resp.startswith(b"HTTP/1.1 200"), (origin, resp[:200])
