"""`flask --app app contest ...`: create a contest from a file, list contests, load the demo."""
import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from quiz.base import net
from quiz.record.models import Contest

contest_cli = AppGroup("contest", help="Create, list and export contests.")


def contest_urls(contest: Contest) -> dict:
    base = net.public_base_url(current_app.config["PORT"])
    return {
        "host": f"{base}/host/{contest.code}",
        "screen": f"{base}/screen/{contest.code}",
        "play": f"{base}/play/{contest.code}",
    }


@contest_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False))
def create_command(file):
    """Create a contest from a JSON contest file (docs/contest-file.md); print code, key, URLs."""
    from quiz.setup.contests import SetupError, create_contest

    try:
        with open(file, encoding="utf-8-sig") as fh:
            spec = json.load(fh)
    except OSError as err:
        click.echo(f"error: cannot read {file}: {err.strerror}", err=True)
        sys.exit(2)
    except json.JSONDecodeError as err:
        click.echo(f"error: {file} is not valid JSON (line {err.lineno}: {err.msg})", err=True)
        sys.exit(2)
    try:
        contest = create_contest(spec)
    except SetupError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(1)
    click.echo(json.dumps({"code": contest.code, "host_key": contest.host_key,
                           "urls": contest_urls(contest)}, ensure_ascii=False))


@contest_cli.command("list")
def list_command():
    """List contests with their join codes."""
    for c in Contest.query.order_by(Contest.created_at).all():
        click.echo(f"{c.code}\t{c.name}\t{len(c.teams)} teams")


def init_app(app):
    app.cli.add_command(contest_cli)
