"""Schema migrations: the revisions build the models exactly, and a database of the release
before migrations (526dc77, tests/fixtures/release_526dc77) is upgraded on start with every
bank, question, contest and score intact, on SQLite and (QUIZ_TEST_POSTGRES_URL) PostgreSQL.
"""
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
import requests
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from quiz.base.config import database_url
from quiz.base.extensions import db
from quiz.factory import create_app
from quiz.record import schema
from tests.fixtures import release_526dc77 as legacy
from tests.helpers import contest_spec
from tests.serverproc import ROOT, ServerProcess, free_port

PG = os.environ.get("QUIZ_TEST_POSTGRES_URL")
needs_pg = pytest.mark.skipif(not PG, reason="needs QUIZ_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=needs_pg)]
PASSWORD = "server-test-pw"  # tests.serverproc's organizer password


@pytest.fixture
def pg_database():
    """A fresh PostgreSQL database (its URL), dropped afterwards."""
    import psycopg

    name = f"quiz_mig_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    """(instance folder, DATABASE_URL or None for the instance's SQLite file)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    if request.param == "sqlite":
        return instance, None
    return instance, request.getfixturevalue("pg_database")


def engine_for(instance, url):
    return sa.create_engine(database_url(url) if url else f"sqlite:///{instance}/quiz.sqlite3")


def make_legacy_database(instance, url) -> dict:
    """Create 526dc77's tables and fill them with data.json's rows, as that release left them."""
    data = legacy.load_data()
    engine = engine_for(instance, url)
    legacy.metadata.create_all(engine)
    with engine.begin() as conn:
        for table in legacy.metadata.sorted_tables:
            rows = data["tables"][table.name]
            if rows:
                conn.execute(table.insert(), rows)
        if engine.dialect.name == "postgresql":  # the release's inserts advanced the serials
            for table in legacy.metadata.sorted_tables:
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"GREATEST((SELECT MAX(id) FROM {table.name}), 1))"))
    engine.dispose()
    return data


def app_on(instance, url, monkeypatch):
    """A production-like app (not TESTING) on this database."""
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(instance))
    uri = database_url(url) if url else f"sqlite:///{instance}/quiz.sqlite3"
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "QUIZ_DEMO": False,
                       "QUIZ_NO_TIMER": True, "SOCKETIO_ASYNC_MODE": "threading"})


def model_differences(engine) -> list:
    """What autogenerate would write for this database against the models (all imported)."""
    from quiz.factory import _import_models

    _import_models()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, db.metadata)


def revision_of(engine) -> list:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))]


def test_the_revisions_build_exactly_the_models(backend, monkeypatch):
    """Fails when a model changed without a revision: run
    `flask --app app revision -m "what changed"` (README, Upgrades)."""
    instance, url = backend
    app = app_on(instance, url, monkeypatch)
    with app.app_context():
        command.upgrade(schema._alembic_config(), "head")
        assert model_differences(db.engine) == []
        assert revision_of(db.engine) == [schema.head_revision()]


def assert_rows_intact(engine, data: dict) -> None:
    """Every row of every table of the old database is there with the same values."""
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for name, rows in data["tables"].items():
            table = meta.tables[name]
            key = [c.name for c in table.primary_key]
            found = {tuple(r[k] for k in key): dict(r) for r in
                     conn.execute(table.select()).mappings()}
            assert len(found) == len(rows), name
            for row in rows:
                got = found[tuple(row[k] for k in key)]
                for column, value in row.items():
                    if isinstance(table.c[column].type, sa.JSON) and isinstance(
                            got[column], str):
                        got[column] = json.loads(got[column])
                    assert got[column] == value, (name, column, row)


def test_a_previous_release_database_is_upgraded_on_start_with_everything_intact(
        backend, tmp_path):
    instance, url = backend
    data = make_legacy_database(instance, url)
    assert {r["name"] for r in data["tables"]["bank"]} == {"演示题库"}
    assert len(data["tables"]["bank_question"]) >= 40
    assert data["tables"]["player"] and data["tables"]["contest_command"]
    server = ServerProcess(instance, extra_env={"DATABASE_URL": url} if url else {})
    server.start()
    try:
        assert "database upgraded from the release before migrations" in server.output()
        engine = engine_for(instance, url)
        assert revision_of(engine) == [_head()]
        assert model_differences(engine) == []
        assert_rows_intact(engine, data)
        engine.dispose()
        contest = data["tables"]["contest"][0]
        web = signed_in(server.url)
        bank_page = web.get(f"{server.url}/bank/")
        assert bank_page.status_code == 200 and "演示题库" in bank_page.text
        first_stem = data["tables"]["bank_question"][0]["stem"]
        assert first_stem in web.get(f"{server.url}/bank/", params={"q": first_stem[:8]}).text
        results = web.get(f"{server.url}/results/{contest['code']}")
        assert results.status_code == 200
        for team, score in data["standings"].items():
            assert team in results.text
            assert f'<td class="num strong">{score}</td>' in results.text
        standings = web.get(f"{server.url}/api/contests/{contest['code']}/standings").json()
        assert {s["name"]: s["score"] for s in standings["standings"]} == data["standings"]
        # and the upgraded database takes new work: a new contest beside the old one
        made = server.create_contest(contest_spec(), tmp_path)
        assert made["code"] != contest["code"]
    finally:
        server.stop()
    if url is None:  # SQLite: the copy taken before the upgrade holds the old database
        copies = sorted((instance / "backups").glob("pre-upgrade-none-*.sqlite3"))
        assert len(copies) == 1
        assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
        conn = sqlite3.connect(copies[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "alembic_version" not in tables
        assert conn.execute("SELECT COUNT(*) FROM bank_question").fetchone()[0] == len(
            data["tables"]["bank_question"])
        conn.close()


def signed_in(base: str) -> requests.Session:
    """An HTTP session signed in as the organizer through the sign-in form (CSRF token too)."""
    web = requests.Session()
    form = web.get(f"{base}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    resp = web.post(f"{base}/login", data={"password": PASSWORD, "csrf_token": token},
                    allow_redirects=False)
    assert resp.status_code == 302, resp.text
    return web


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", schema.MIGRATIONS_DIR)
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_create_app_does_not_migrate_and_pages_say_what_to_run(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    make_legacy_database(instance, None)
    app = app_on(instance, None, monkeypatch)
    with app.app_context():
        assert "alembic_version" not in sa.inspect(db.engine).get_table_names()
    resp = app.test_client().get("/join?lang=en")
    assert resp.status_code == 503
    assert "flask --app app upgrade" in resp.get_data(as_text=True)
    assert "python app.py" in resp.get_data(as_text=True)
    assert "数据库" in app.test_client().get("/join?lang=zh_CN").get_data(as_text=True)
    assert "upgraded" in schema.upgrade_on_start(app)
    assert app.test_client().get("/join").status_code == 200


def test_a_database_of_a_newer_release_is_refused_with_the_reason(tmp_path):
    instance = tmp_path / "instance"
    server = ServerProcess(instance)
    assert server.flask("contest", "list").returncode == 0  # creates it at head
    conn = sqlite3.connect(instance / "quiz.sqlite3")
    conn.execute("UPDATE alembic_version SET version_num = 'f00d'")
    conn.commit()
    conn.close()
    listed = server.flask("contest", "list")
    assert listed.returncode != 0 and "newer release" in listed.stderr
    with pytest.raises(RuntimeError, match="made by a newer release"):
        server.start(timeout=20)
    server.stop()


def test_flask_run_upgrades_before_it_serves(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    make_legacy_database(instance, None)
    port = free_port()
    env = dict(os.environ, QUIZ_INSTANCE_PATH=str(instance), QUIZ_DEMO="0")
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run", "--port",
                             str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        status = None
        for _ in range(100):
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/join", timeout=1).status
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200
    finally:
        proc.terminate()
        out = proc.communicate(timeout=10)[0]
    assert "database upgraded" in out
    assert revision_of(engine_for(instance, None)) == [_head()]


@needs_pg
def test_processes_starting_at_once_on_postgresql_upgrade_once(tmp_path, pg_database):
    instance = tmp_path / "instance"
    instance.mkdir()
    data = make_legacy_database(instance, pg_database)
    env = dict(os.environ, QUIZ_INSTANCE_PATH=str(instance), DATABASE_URL=pg_database)
    procs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "contest",
                               "list"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    done = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], done
    assert sum("database upgraded" in err for _out, err in done) == 1
    assert all(data["tables"]["contest"][0]["code"] in out for out, _err in done)
    engine = engine_for(instance, pg_database)
    assert revision_of(engine) == [_head()]
    assert_rows_intact(engine, data)
    engine.dispose()


NEXT_REVISION = '''"""A test revision after this release's head: one new column."""
import sqlalchemy as sa
from alembic import op

revision = "{next}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("team") as batch_op:
        batch_op.add_column(sa.Column("motto", sa.String(80), nullable=True))


def downgrade():
    with op.batch_alter_table("team") as batch_op:
        batch_op.drop_column("motto")
'''


def _head_and_next() -> tuple[str, str]:
    """This release's head revision and the number after it."""
    versions = os.path.join(schema.MIGRATIONS_DIR, "versions")
    newest = max(n for n in os.listdir(versions) if n[:4].isdigit() and n.endswith(".py"))
    with open(os.path.join(versions, newest), encoding="utf-8") as fh:  # "0004" or "0004_name"
        head = re.search(r"^revision = ['\"]([^'\"]+)", fh.read(), re.M).group(1)
    return head, f"{int(head[:4]) + 1:04d}"


def test_an_older_revision_is_copied_then_upgraded(tmp_path, monkeypatch):
    """A database at this release's head meets a release with one revision more (a copy of
    quiz/record/migrations): the copy is taken first, then the revision runs (SQLite batch mode)."""
    import shutil

    head, nxt = _head_and_next()

    instance = tmp_path / "instance"
    instance.mkdir()
    data = make_legacy_database(instance, None)
    assert "upgraded" in schema.upgrade_on_start(app_on(instance, None, monkeypatch))  # head
    newer = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, newer,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / f"{nxt}_team_motto.py").write_text(
        NEXT_REVISION.replace("{next}", nxt).replace("{head}", head), encoding="utf-8")
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", str(newer))
    app = app_on(instance, None, monkeypatch)
    assert app.test_client().get("/join").status_code == 503   # behind: not served as is
    done = schema.upgrade_on_start(app)
    assert f"upgraded from {head} to schema revision {nxt}" in done
    copies = list((instance / "backups").glob(f"pre-upgrade-{head}-*.sqlite3"))
    assert len(copies) == 1 and copies[0].name in done
    conn = sqlite3.connect(copies[0])
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
    conn.close()
    engine = engine_for(instance, None)
    assert revision_of(engine) == [nxt]
    assert "motto" in {c["name"] for c in sa.inspect(engine).get_columns("team")}
    assert_rows_intact(engine, data)
    engine.dispose()
    assert app.test_client().get("/join").status_code == 200


def test_the_revision_command_writes_the_next_revision_for_what_changed(
        tmp_path, monkeypatch):
    import shutil

    head, nxt = _head_and_next()
    after = f"{int(nxt) + 1:04d}"
    newer = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS_DIR, newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / f"{nxt}_team_motto.py").write_text(
        NEXT_REVISION.replace("{next}", nxt).replace("{head}", head), encoding="utf-8")
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", str(newer))
    instance = tmp_path / "instance"
    instance.mkdir()
    app = app_on(instance, None, monkeypatch)
    from alembic.script import ScriptDirectory

    from quiz.commands.schema import next_revision_id

    with app.app_context():
        assert next_revision_id(ScriptDirectory.from_config(schema._alembic_config())) == after
    # the models lack the test revision's column: the scratch database built up to it has it
    done = app.test_cli_runner().invoke(args=["revision", "-m", "drop the motto"])
    assert done.exit_code == 0, done.output
    written = list((newer / "versions").glob(f"{after}_drop_the_motto.py"))
    assert len(written) == 1
    text = written[0].read_text(encoding="utf-8")
    assert f"down_revision = '{nxt}'" in text and "drop_column('motto')" in text
