"""The database schema: Alembic revisions (quiz/record/migrations/) brought to head at start.

What a start finds, and what it does (``upgrade_on_start``):

- an empty database: the tables are created at head and stamped (the same schema the
  revisions build; tests/integration/test_migrations.py proves they agree);
- the tables of the release before migrations (commit 526dc77) and no ``alembic_version``:
  a backup copy, then stamped ``0001`` and upgraded to head;
- an older revision: a backup copy (SQLite; on PostgreSQL the operator runs pg_dump first,
  docs/scaling.md), then upgraded to head;
- head: nothing; a revision this code does not know (a newer release's database): refused.

On PostgreSQL the whole decision runs under an advisory lock, so several processes starting
at once upgrade once. ``create_app`` never migrates (DESIGN.md): the start-up paths
(``python app.py``, ``flask run`` through app.py, ``flask upgrade``, every ``flask contest|bank``
command) call ``upgrade_on_start``; a request served by an app whose database is not at head gets a
page saying what to run (``guard``).
"""
import contextlib
import logging
import os
from dataclasses import dataclass

import click
import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app, request
from flask.cli import with_appcontext
from flask_babel import gettext as _

from quiz.base.extensions import db

log = logging.getLogger(__name__)

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")
BASELINE = "0001"
# The tables create_all() made in the release before migrations (commit 526dc77).
BASELINE_TABLES = frozenset({
    "bank", "bank_question", "bank_media", "bank_question_media", "contest", "team",
    "player", "contest_command", "contest_snapshot", "question_use",
})
# pg_advisory_lock key shared by every process of this app ("quiz" in ASCII).
ADVISORY_LOCK_KEY = 0x7175697A
_OK = "quiz_schema_at_head"
# CLI groups that must reach the database as it is: alembic's own, and backup (a restore
# replaces a database that may be damaged or of another revision).
NO_UPGRADE = frozenset({"db", "backup"})


class SchemaError(Exception):
    """The database cannot be brought to this code's schema automatically."""


@dataclass(frozen=True)
class Status:
    """Where a database stands: kind is empty, legacy, behind, current or unknown."""

    kind: str
    revision: str | None = None
    head: str | None = None


def init_app(app) -> None:
    """Bind Flask-Migrate (`flask db ...`), the request guard, and the CLI start-up hook.

    Call after every CLI group is registered: each of the app's command groups (except `db`)
    first brings the database to head, as ``python app.py`` does.
    """
    from flask_migrate import Migrate

    Migrate(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    app.before_request(guard)
    for name, group in app.cli.commands.items():
        if name not in NO_UPGRADE and isinstance(group, click.Group) and group.callback is None:
            group.callback = with_appcontext(_cli_upgrade)


def _cli_upgrade() -> None:
    try:
        done = upgrade_on_start(current_app)
    except SchemaError as err:
        raise click.ClickException(str(err)) from err
    if done:
        click.echo(done, err=True)


def _alembic_config(connection=None):
    config = current_app.extensions["migrate"].migrate.get_config()
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def status(connection) -> Status:
    """What this database holds, compared with the revisions in quiz/record/migrations/."""
    head = head_revision()
    tables = set(sa.inspect(connection).get_table_names())
    revision = None
    if "alembic_version" in tables:
        revision = MigrationContext.configure(connection).get_current_revision()
    tables.discard("alembic_version")
    if revision is None:
        if not tables:
            return Status("empty", None, head)
        missing = BASELINE_TABLES - tables
        if missing:
            raise SchemaError(
                f"数据库有表但没有结构版本，且缺少 {', '.join(sorted(missing))}：不是本程序的数据库"
                " / the database has tables but no schema revision, and lacks "
                f"{', '.join(sorted(missing))}: it is not a database of this program"
            )
        return Status("legacy", None, head)
    if revision == head:
        return Status("current", revision, head)
    script = ScriptDirectory.from_config(_alembic_config())
    try:
        script.get_revision(revision)
    except Exception:
        return Status("unknown", revision, head)
    return Status("behind", revision, head)


@contextlib.contextmanager
def _start_lock(connection):
    """PostgreSQL: one process at a time decides and upgrades; other databases: no lock."""
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
    connection.commit()
    try:
        yield
    finally:
        connection.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
        connection.commit()


def create_at_head(connection) -> None:
    """Create every table of the models and stamp head (an empty database only)."""
    db.metadata.create_all(connection)
    MigrationContext.configure(connection).stamp(
        ScriptDirectory.from_config(_alembic_config()), "head"
    )


def upgrade_on_start(app, serve: bool = False) -> str | None:
    """Bring the app's database to head (see the module docstring); None when already there.

    Returns a one-line account of what was done, naming the backup copy when one was made,
    after any warning about other processes. Raises SchemaError for a database this code
    cannot upgrade, or one that a process of another release serves (quiz/record/processes.py);
    a ``serve`` start then registers this process and keeps its heartbeat.
    """
    from quiz.record import processes

    mine = processes.release()
    with app.app_context():
        try:
            with db.engine.connect() as connection, _start_lock(connection):
                found = status(connection)
                connection.rollback()
                try:
                    warnings = processes.decide(found.kind, found.head, mine,
                                                processes.live(connection))
                except processes.TwoReleases as err:
                    raise SchemaError(str(err)) from None
                done = _bring_to_head(app, connection, found)
                row = processes.register(connection, found.head, mine) if serve else None
        finally:
            db.session.remove()
        app.extensions[_OK] = True
        if row is not None:
            processes.keep_alive(db.engine, row)
        for line in warnings:
            log.warning(line)
        if done:
            log.info(done)
        return "\n".join([*warnings, done] if done else warnings) or None


def _bring_to_head(app, connection, found: Status) -> str | None:
    if found.kind == "current":
        return None
    if found.kind == "unknown":
        raise SchemaError(
            f"数据库的结构版本是 {found.revision}，本版本不认识（最新为 {found.head}）：它由更新的"
            f"版本创建 / the database is at schema revision {found.revision}, which this "
            f"version does not know (its newest is {found.head}): it was made by a newer release"
        )
    if found.kind == "empty":
        with connection.begin():
            create_at_head(connection)
        return (f"已创建数据库，结构版本 {found.head} / "
                f"database created at schema revision {found.head}")
    from quiz.record import backups

    copy = backups.before_upgrade(app, found.revision or "none")
    with connection.begin():
        if found.kind == "legacy":
            MigrationContext.configure(connection).stamp(
                ScriptDirectory.from_config(_alembic_config()), BASELINE
            )
        command.upgrade(_alembic_config(connection), "head")
    if copy:
        zh_copy, en_copy = f"，升级前的备份：{copy}", f"; backup copy {copy}"
    else:
        zh_copy = "，未备份（不是 SQLite 文件：升级前请用 pg_dump，见 docs/scaling.md）"
        en_copy = "; no copy made (not an SQLite file: pg_dump before upgrading, docs/scaling.md)"
    old_zh = found.revision or "迁移之前的版本"
    old_en = found.revision or "the release before migrations"
    return (f"数据库已从 {old_zh} 升级到结构版本 {found.head}{zh_copy} / "
            f"database upgraded from {old_en} to schema revision {found.head}{en_copy}")


def mark_current(app) -> None:
    """An app whose database was just made at head (tests) skips the request guard."""
    app.extensions[_OK] = True


def is_current(app) -> bool:
    """Whether this app's database is at head (asked once, then remembered)."""
    return current_detail(app) is None


def current_detail(app) -> str | None:
    """None when the database is at head, else what it is (``behind 0001``, an error)."""
    if app.extensions.get(_OK):
        return None
    try:
        with db.engine.connect() as connection:
            found = status(connection)
    except SchemaError as err:
        return str(err)
    if found.kind == "current":
        app.extensions[_OK] = True
        return None
    return f"{found.kind} {found.revision or ''}".strip()


def guard():
    """Before a request: refuse (503, what to run) while the database is not at head
    (/healthz and /metrics still answer: they say so)."""
    if request.blueprint == "ops":
        return None
    detail = current_detail(current_app._get_current_object())
    if detail is None:
        return None
    message = _("The database needs a schema upgrade (%(detail)s). Stop the server and run "
                "“flask --app app upgrade”, or start the server with “python app.py”: "
                "both make a backup copy first, then upgrade.", detail=detail)
    return message, 503, {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "60"}
