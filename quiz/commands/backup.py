"""`flask --app app backup list|now|restore FILE`: the SQLite database's backup copies."""
import os
import sqlite3
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from quiz.record import backups, serverlock

backup_cli = AppGroup("backup", help="List, make and restore backup copies of the database.")


@backup_cli.command("list")
def list_command():
    """List the copies in instance/backups/, newest first."""
    for b in backups.list_backups(current_app):
        click.echo(f"{b.name}\t{b.size}\t{b.made_at}")


@backup_cli.command("now")
def now_command():
    """Make a copy now (manual-<time>.sqlite3)."""
    made = backups.backup_now(current_app, "manual")
    if made is None:
        click.echo("error: the database is not an SQLite file; use pg_dump (docs/scaling.md)",
                   err=True)
        sys.exit(1)
    click.echo(made)


def _problem_with(path: str) -> str | None:
    """Why ``path`` is not a backup of this program's database, or None when it is one."""
    if not os.path.isfile(path):
        return f"{path}: no such file"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        return f"{path}: not an SQLite database ({err})"
    if ok != "ok":
        return f"{path}: the database is damaged ({ok})"
    missing = {"contest", "bank"} - tables
    if missing:
        return f"{path}: not a contest database (no table {', '.join(sorted(missing))})"
    return None


@backup_cli.command("restore")
@click.argument("file")
def restore_command(file):
    """Replace the database with FILE (a path, or a name listed by `backup list`).

    Refused while a server runs on this instance folder; the database as it was is kept
    first as backups/pre-restore-<time>.sqlite3. The next start upgrades an older copy.
    """
    app = current_app._get_current_object()
    found = None if os.path.exists(file) else backups.find(app, file)
    path = found.path if found is not None else file
    problem = _problem_with(path)
    if problem:
        click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    target = backups.sqlite_path(app)
    if target is None:
        click.echo("error: the database is not an SQLite file; restore a PostgreSQL dump with "
                   "pg_restore (docs/scaling.md)", err=True)
        sys.exit(1)
    try:
        with serverlock.exclusive(app.instance_path):
            kept = backups.backup_now(app, "pre-restore")
            backups.copy_into(path, target)
    except serverlock.ServerRunning:
        click.echo("error: a server is running on this database; stop it first, then restore",
                   err=True)
        sys.exit(1)
    click.echo(f"restored {path} into {target}")
    if kept:
        click.echo(f"the database as it was before: {kept}")


def init_app(app):
    app.cli.add_command(backup_cli)
