"""Upgrades across processes: two releases never serve one database at once unseen (issue 20).

Every serving process keeps a row in ``server_process`` (host, pid, release, the schema head
its code expects, a heartbeat every ``BEAT_S`` seconds; the row goes when the process exits,
and a row not seen for ``LIVE_S`` seconds counts as gone: a killed process). A start checks
the live rows under the schema's start lock (quiz/record/schema.py), before it upgrades:

- the database is older than this code and another process serves it: refused (upgrading
  would change the tables under that process); stop every process of the old release first;
- a live process expects another schema than this code: refused (two releases writing);
- a live process of the same schema but another release: a warning, the start goes on.

A row whose process is gone is ignored: at once when it ran on this machine (its pid no longer
exists), after LIVE_S seconds otherwise (SIGTERM and SIGKILL leave the row behind).

A database newer than the code is refused earlier (schema.py: a revision it does not know).
Processes of releases before this table cannot be seen: the rule holds from this release on.
The release is ``QUIZ_RELEASE``, else the git commit of the code, else "unknown".
"""
from __future__ import annotations

import atexit
import os
import socket
import subprocess
import threading
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

BEAT_S = 10
LIVE_S = 30
TABLE = "server_process"


class TwoReleases(Exception):
    """Another live process of a different release or schema serves this database."""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def release() -> str:
    """This code's release: QUIZ_RELEASE, else its git commit, else "unknown"."""
    given = os.environ.get("QUIZ_RELEASE")
    if given:
        return given[:64]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        out = subprocess.run(["git", "-C", root, "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def _table(connection) -> sa.Table | None:
    if TABLE not in sa.inspect(connection).get_table_names():
        return None
    return sa.Table(TABLE, sa.MetaData(), autoload_with=connection)


def _gone(row: dict) -> bool:
    """A process of this machine that no longer exists (stopped: its row stays a while)."""
    if row["host"] != socket.gethostname()[:255]:
        return False
    try:
        os.kill(row["pid"], 0)
    except ProcessLookupError:
        return True
    except OSError:    # exists, another user's
        return False
    return False


def live(connection) -> list[dict]:
    """The rows of processes seen within LIVE_S seconds and not known to be gone (the other
    rows are deleted)."""
    table = _table(connection)
    if table is None:
        connection.rollback()   # the inspection began a transaction
        return []
    cutoff = _now() - timedelta(seconds=LIVE_S)
    connection.execute(table.delete().where(table.c.seen_at < cutoff))
    rows = [dict(r) for r in connection.execute(table.select()).mappings().all()]
    gone = [r["id"] for r in rows if _gone(r)]
    if gone:
        connection.execute(table.delete().where(table.c.id.in_(gone)))
    connection.commit()
    return [r for r in rows if r["id"] not in gone]


def _who(row: dict) -> str:
    return (f"pid {row['pid']} @ {row['host']} (release {row['release']}, "
            f"schema {row['schema']})")


def decide(kind: str, head: str, mine: str, rows: list[dict]) -> list[str]:
    """Raise TwoReleases when this start must not go on; else the warnings to print.

    ``kind`` is the database's schema status (schema.Status.kind), ``head`` this code's head
    revision, ``mine`` its release, ``rows`` the live processes.
    """
    if rows and kind in ("behind", "legacy"):
        raise TwoReleases(
            f"数据库需要升级，但另一版本的进程正在使用它：{_who(rows[0])}。"
            "请先停止旧版本的所有进程 / "
            f"the database needs an upgrade but another process serves it: {_who(rows[0])}. "
            "Stop every process of the old release first, then start this one")
    other = [r for r in rows if r["schema"] != head]
    if other:
        raise TwoReleases(
            f"另一版本（结构版本 {other[0]['schema']}，本版本 {head}）的进程正在使用此数据库："
            f"{_who(other[0])}。两个版本不能同时写入 / a process of another release serves this "
            f"database: {_who(other[0])}, this code is at schema {head}. Two releases must "
            "not write to one database: stop it first")
    return [f"警告：另一发布版本的进程也在使用此数据库（结构版本相同）：{_who(r)} / warning: a "
            f"process of another release (same schema) serves this database too: {_who(r)}"
            for r in rows if r["release"] != mine]


def register(connection, head: str, mine: str) -> int:
    """Add this process's row; its id."""
    table = _table(connection)
    now = _now()
    result = connection.execute(table.insert().values(
        host=socket.gethostname()[:255], pid=os.getpid(), release=mine, schema=head,
        started_at=now, seen_at=now))
    connection.commit()
    return result.inserted_primary_key[0]


def keep_alive(engine, row_id: int) -> threading.Thread:
    """Beat every BEAT_S seconds until the process ends; the row is deleted at exit."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(BEAT_S):
            _touch(engine, row_id)

    def leave() -> None:
        stop.set()
        try:
            with engine.begin() as connection:
                table = _table(connection)
                connection.execute(table.delete().where(table.c.id == row_id))
        except Exception:   # the database is gone: the row goes stale by itself
            pass

    thread = threading.Thread(target=beat, name="quiz-heartbeat", daemon=True)
    thread.start()
    atexit.register(leave)
    return thread


def _touch(engine, row_id: int) -> None:
    try:
        with engine.begin() as connection:
            table = _table(connection)
            connection.execute(table.update().where(table.c.id == row_id).values(
                seen_at=_now()))
    except Exception:   # a database hiccup: the next beat tries again
        pass
