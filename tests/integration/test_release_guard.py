"""Upgrades across processes (quiz/record/processes.py): real server processes on one
database, each registering its release; a start that finds a live process of another schema
refuses with the reason, another release of the same schema is warned about."""
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from quiz.record.processes import LIVE_S
from tests.serverproc import ServerProcess


def rows(db_file):
    with sqlite3.connect(db_file) as conn:
        return conn.execute("SELECT pid, release, schema FROM server_process").fetchall()


def add_row(db_file, pid, schema, seen_ago_s=0):
    at = (datetime.now(timezone.utc) - timedelta(seconds=seen_ago_s)).replace(tzinfo=None)
    with sqlite3.connect(db_file) as conn:
        conn.execute("INSERT INTO server_process (host, pid, release, schema, started_at, "
                     "seen_at) VALUES ('elsewhere', ?, 'old', ?, ?, ?)", (pid, schema, at, at))


def beat(db_file):
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with sqlite3.connect(db_file) as conn:
        conn.execute("UPDATE server_process SET seen_at = ?", (now,))


@pytest.fixture
def shared(tmp_path):
    db_file = tmp_path / "shared.sqlite3"

    def server(name, release):
        return ServerProcess(tmp_path / name, extra_env={
            "DATABASE_URL": f"sqlite:///{db_file}", "QUIZ_RELEASE": release})

    made = []
    yield db_file, lambda name, release: made.append(server(name, release)) or made[-1]
    for s in made:
        s.stop()


def test_each_process_registers_and_another_release_is_warned_about(shared):
    db_file, server = shared
    a = server("a", "r1").start()
    assert rows(db_file) == [(a.proc.pid, "r1", rows(db_file)[0][2])]
    b = server("b", "r2").start()
    assert "another release (same schema)" in b.output() and f"pid {a.proc.pid}" in b.output()
    assert sorted(r[1] for r in rows(db_file)) == ["r1", "r2"]
    a_pid = a.proc.pid
    a.stop()
    c = server("c", "r1").start()
    # c (r1) is warned about b (r2); a's row may outlive its SIGTERM, but its pid is gone
    assert f"pid {b.proc.pid}" in c.output() and f"pid {a_pid} " not in c.output()
    assert a_pid not in [r[0] for r in rows(db_file)]


def test_a_live_process_of_another_schema_stops_the_start_and_the_cli(shared):
    db_file, server = shared
    a = server("a", "r1").start()
    a.stop()
    add_row(db_file, 31337, "0002")
    refused = server("b", "r2")
    with pytest.raises(RuntimeError) as err:
        refused.start()
    assert "pid 31337 @ elsewhere (release old, schema 0002)" in str(err.value)
    assert "Two releases must not write to one database" in str(err.value)
    beat(db_file)    # its heartbeat (a loaded machine may take LIVE_S to get here)
    cli = refused.flask("contest", "list")
    assert cli.returncode != 0 and "pid 31337 @ elsewhere" in cli.stderr


def test_a_process_not_seen_for_a_while_counts_as_gone(shared):
    db_file, server = shared
    server("a", "r1").start().stop()
    add_row(db_file, 31337, "0002", seen_ago_s=LIVE_S + 5)
    b = server("b", "r1").start()
    assert [r[0] for r in rows(db_file)] == [b.proc.pid]     # the stale row was deleted
