"""`flask --app app contest export CODE FILE [--lang zh|en]`: write results.xlsx."""
import os
import sys
import tempfile

import click
from flask.cli import with_appcontext

from quiz.commands.contest import contest_cli


@click.command("export")
@click.argument("code")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the sheet names and headers.")
@with_appcontext
def export_command(code, file, lang):
    """Write the results of contest CODE to FILE (.xlsx): standings, round scores, questions,
    score changes and buzzes (docs/results.md)."""
    from quiz.record.export_xlsx import xlsx_bytes
    from quiz.record.models import Contest
    from quiz.record.results import load_record

    contest = Contest.query.filter_by(code=code.strip()).one_or_none()
    if contest is None:
        click.echo(f"error: no contest with the code {code!r} "
                   "(`flask --app app contest list` shows the codes)", err=True)
        sys.exit(1)
    data = xlsx_bytes(load_record(contest), lang)
    target = os.path.abspath(file)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".xlsx",
                                   dir=os.path.dirname(target))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as err:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        click.echo(f"error: cannot write {file}: {err.strerror or err}", err=True)
        sys.exit(2)
    click.echo(f"wrote {target} ({len(data)} bytes, contest {contest.code} {contest.name})")


def init_app(app):
    """Add `export` to the `contest` command group (idempotent)."""
    contest_cli.add_command(export_command)
