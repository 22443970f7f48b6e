"""`flask --app app upgrade` (the start-up upgrade as a command) and `flask --app app revision`
(write the next revision for the models as they now are)."""
import os
import re
import tempfile

import click
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext

from quiz.record import schema


@click.command("upgrade")
@with_appcontext
def upgrade_command():
    """Bring the database to the current schema: a backup copy first (SQLite), then the
    upgrade; what `python app.py` does on start. For several servers, run it once first."""
    try:
        done = schema.upgrade_on_start(current_app._get_current_object())
    except schema.SchemaError as err:
        raise click.ClickException(str(err)) from err
    click.echo(done or f"the database is at the current schema ({schema.head_revision()})")


def next_revision_id(script: ScriptDirectory) -> str:
    """Revisions are numbered 0001, 0002, ...: the next free number."""
    numbers = [int(r.revision) for r in script.walk_revisions() if re.fullmatch(r"\d+", r.revision)]
    return f"{max(numbers, default=0) + 1:04d}"


@click.command("revision")
@click.option("-m", "--message", required=True, help="What changed, e.g. 'team motto'.")
@with_appcontext
def revision_command(message):
    """Write quiz/record/migrations/versions/NNNN_<message>.py for what the models changed.

    Autogenerates against a scratch SQLite database built by the revisions so far (never the
    app's database, whose tables may already be made from the new models). Read the file.
    """
    config = schema._alembic_config()
    rev_id = next_revision_id(ScriptDirectory.from_config(config))
    with tempfile.TemporaryDirectory() as tmp:
        engine = sa.create_engine(f"sqlite:///{os.path.join(tmp, 'scratch.sqlite3')}")
        try:
            with engine.begin() as connection:
                command.upgrade(schema._alembic_config(connection), "head")
            with engine.begin() as connection:
                config = schema._alembic_config(connection)
                config.cmd_opts.autogenerate = True
                made = command.revision(config, message, autogenerate=True, rev_id=rev_id)
        finally:
            engine.dispose()
    if not made:
        click.echo("the models and the revisions agree: no revision written")
        return
    click.echo(made.path)


def init_app(app):
    app.cli.add_command(upgrade_command)
    app.cli.add_command(revision_command)
