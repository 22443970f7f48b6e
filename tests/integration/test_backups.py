"""Backup copies of the SQLite database: made when a contest starts and while it runs (rotating),
listed and served to the organizer only, restored by one command."""
import json
import os
import sqlite3
import stat
import time

from quiz.record import backups
from tests.helpers import contest_spec
from tests.integration.live_clients import Client
from tests.serverproc import ServerProcess

SQLITE_HEADER = b"SQLite format 3\x00"


def contest_copies(instance, code):
    return sorted(p.name for p in (instance / "backups").glob(f"contest-{code}-*.sqlite3")) \
        if (instance / "backups").exists() else []


def wait_for(predicate, timeout=15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("not within the time allowed")


def test_the_rule_copies_at_start_every_interval_and_at_the_finish():
    running: set = set()
    assert backups.next_backup({"111111": "lobby"}, running, None, 0, 300) is None
    assert backups.next_backup({"111111": "round_intro"}, running, None, 1, 300) == "111111"
    assert backups.next_backup({"111111": "open"}, running, 1, 100, 300) is None
    assert backups.next_backup({"111111": "open"}, running, 1, 301, 300) == "111111"
    # a second contest starting is copied at once, whatever the interval
    assert backups.next_backup({"111111": "open", "222222": "reading"}, running, 301, 302,
                               300) == "222222"
    assert backups.next_backup({"111111": "finished", "222222": "reading"}, running, 302,
                               303, 300) == "111111"
    assert backups.next_backup({"111111": "finished", "222222": "finished"}, running, 303,
                               304, 300) == "222222"
    assert backups.next_backup({"111111": "finished", "222222": "finished"}, running, 304,
                               9999, 300) is None


def test_a_started_contest_is_copied_at_once_and_the_copies_rotate(tmp_path):
    instance = tmp_path / "instance"
    server = ServerProcess(instance, extra_env={"QUIZ_BACKUP_MINUTES": "0.01",  # 0.6 s
                                                "QUIZ_BACKUP_KEEP": "3"})
    made = server.create_contest(contest_spec(name="备份测试赛"), tmp_path)
    code = made["code"]
    server.start()
    host = None
    try:
        time.sleep(1.0)
        assert contest_copies(instance, code) == []          # nothing runs in the lobby
        host = Client(server.url, {"contest": code, "role": "host", "key": made["host_key"]})
        assert host.host("next")["ok"]                        # the contest starts
        first = wait_for(lambda: contest_copies(instance, code))[0]
        path = instance / "backups" / first
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE((instance / "backups").stat().st_mode) == 0o700
        with open(path, "rb") as fh:
            assert fh.read(16) == SQLITE_HEADER
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        assert conn.execute("SELECT name FROM contest WHERE code = ?", (code,)).fetchone() == (
            "备份测试赛",)
        commands = [json.loads(c)["type"] for (c,) in conn.execute(
            "SELECT command FROM contest_command ORDER BY seq")]
        assert commands == ["next"]
        conn.close()
        # while it runs, a copy every 0.6 s; only the newest 3 stay
        seen = set()

        def rotated():
            names = contest_copies(instance, code)
            assert len(names) <= 3, names
            seen.update(names)
            return len(seen) >= 6 and len(names) == 3

        wait_for(rotated, timeout=30)
        assert first not in contest_copies(instance, code)
    finally:
        if host is not None:
            host.close()
        server.stop()


def make_copies(app):
    with app.app_context():
        return [os.path.basename(backups.backup_now(app, label))
                for label in ("manual", "contest-123456")]


def test_the_backups_page_lists_and_serves_copies_to_the_organizer_only(
        app, client, organizer_client, make_contest):
    names = make_copies(app)
    c = make_contest()
    # a visitor, and the host of a contest (host key only), are sent to the sign-in page
    assert client.get(f"/host/{c['code']}?key={c['host_key']}").status_code == 302
    for url in ["/backups"] + [f"/backups/{n}" for n in names]:
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
    page = organizer_client.get("/backups?lang=en").get_data(as_text=True)
    assert "Backups" in page and "flask --app app backup restore" in page
    for name in names:
        assert name in page and f'href="/backups/{name}"' in page
    resp = organizer_client.get(f"/backups/{names[1]}")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert names[1] in resp.headers["Content-Disposition"]
    assert resp.data.startswith(SQLITE_HEADER)
    for bad in ("quiz.sqlite3", "secret_key", "admin_password", "..%2Ftest.sqlite3",
                "%2E%2E%2Finstance%2Fsecret_key", names[0] + ".part"):
        assert organizer_client.get(f"/backups/{bad}").status_code == 404, bad


def contest_codes(path) -> set:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT code FROM contest")}
    finally:
        conn.close()


def test_restore_brings_a_copy_back_and_keeps_the_database_as_it_was(
        app, runner, make_contest, tmp_path):
    first = make_contest()["code"]
    done = runner.invoke(args=["backup", "now"])
    assert done.exit_code == 0, done.output
    copy = os.path.basename(done.output.strip())
    second = make_contest()["code"]
    database = tmp_path / "test.sqlite3"
    assert contest_codes(database) == {first, second}
    done = runner.invoke(args=["backup", "restore", copy])
    assert done.exit_code == 0, done.output
    assert "restored" in done.output
    assert contest_codes(database) == {first}
    kept = [b for b in backups.list_backups(app) if b.name.startswith("pre-restore-")]
    assert len(kept) == 1 and contest_codes(kept[0].path) == {first, second}
    # the app goes on with the restored database
    from quiz.record.models import Contest

    with app.app_context():
        assert [c.code for c in Contest.query.all()] == [first]
    listed = runner.invoke(args=["backup", "list"])
    assert copy in listed.output and kept[0].name in listed.output


def test_restore_refuses_a_file_that_is_not_a_contest_database(app, runner, tmp_path):
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("not a database")
    done = runner.invoke(args=["backup", "restore", str(junk)])
    assert done.exit_code == 2 and "notes.sqlite3" in done.output
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    done = runner.invoke(args=["backup", "restore", str(other)])
    assert done.exit_code == 2 and "not a contest database" in done.output
    assert runner.invoke(args=["backup", "restore", "nothing-here"]).exit_code == 2


def test_restore_refuses_while_a_server_runs_on_the_database(tmp_path):
    instance = tmp_path / "instance"
    server = ServerProcess(instance)
    made = server.create_contest(contest_spec(), tmp_path)
    copy = server.flask("backup", "now")
    assert copy.returncode == 0, copy.stderr
    name = os.path.basename(copy.stdout.strip())
    server.start()
    try:
        refused = server.flask("backup", "restore", name)
        assert refused.returncode == 1 and "a server is running" in refused.stderr
    finally:
        server.stop()
    restored = server.flask("backup", "restore", name)
    assert restored.returncode == 0, restored.stderr
    assert contest_codes(instance / "quiz.sqlite3") == {made["code"]}
