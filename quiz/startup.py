"""What `make run` does before serving: the schema, demo data on first start, the banner."""
import gc
import json
import os
import sys

from quiz.base import config as config_module
from quiz.base import net
from quiz.base.extensions import db
from quiz.record.models import Contest

DEMO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo")
DEMO_BANK = "演示题库"


def load_demo() -> Contest | None:
    """Load the demo bank and the demo contest (quiz/demo/) into an empty database."""
    if Contest.query.count():
        return None
    from question_bank import service

    report = service.import_files([os.path.join(DEMO_DIR, "demo_bank.csv")], bank=DEMO_BANK)
    if report.refused is not None:
        raise RuntimeError(f"the demo bank did not import: {report.refused}")
    with open(os.path.join(DEMO_DIR, "contest.json"), encoding="utf-8") as fh:
        spec = json.load(fh)
    from quiz.setup.contests import create_contest

    return create_contest(spec)


def served_by_flask_run() -> bool:
    """Whether this process is `flask run` loading app.py (not `flask db ...` and the like)."""
    import click

    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.info_name == "run"


def start_serving(app) -> None:
    """Before a server serves: bring the database to head (a backup copy first when it
    upgrades, quiz/record/schema.py) and mark the instance folder as served
    (quiz/record/serverlock.py), and register this process's release (quiz/record/processes.py).
    A database this release cannot upgrade, or one a process of another release serves, stops
    the start with the reason."""
    from quiz.record import schema, serverlock

    serverlock.hold(app.instance_path)
    try:
        done = schema.upgrade_on_start(app, serve=True)
    except schema.SchemaError as err:
        sys.exit(f"错误 / error: {err}")
    if done:
        print(done, flush=True)


def compile_templates(app) -> None:
    """Compile every page's template before serving: the import preview's first render took
    ~0.2 s on the loop, and a host's ack waited that long (docs/performance.md)."""
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)


def prepare(app) -> None:
    # The server's files (backups, media, previews, logs) are for this account only.
    os.umask(0o077)
    from question_bank import service

    with app.app_context():
        service.finish_interrupted_imports()  # a crash mid-import: it completes or leaves nothing
        if app.config.get("QUIZ_DEMO"):
            load_demo()
        db.session.remove()
    compile_templates(app)
    from quiz.base.extensions import socketio

    service.start_preview_sweeper(app, socketio)  # unconfirmed import previews go after an hour
    from quiz.base import wal

    wal.start(app, socketio)  # the write-ahead log copied into the database off the loop


# Python's cyclic collector, tuned for a server holding thousands of long-lived connections.
# With the defaults, a full collection walks every connection's objects: at 2000 phones,
# nine of them during one bench/load.py run took 94-282 ms of CPU each, every one a pause in
# which no buzz is handled. Freezing what start-up built and making full collections rare
# (threshold2 1000: after ~7 million net allocations, and only when a quarter of the old
# generation is new) left one full collection and a longest pause of 71 ms in the same run.
# Cyclic garbage is still collected, by the young collections and the rare full ones.
GC_THRESHOLDS = (700, 10, 1000)


def tune_gc() -> None:
    """For the server process only (``python app.py``), after start-up."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def print_banner(app) -> None:
    port = app.config["PORT"]
    base = net.public_base_url(port)
    with app.app_context():
        contests = Contest.query.order_by(Contest.created_at.desc()).limit(5).all()
        lines = ["", "=" * 64, "  知识竞赛 Knowledge contest server", "=" * 64]
        lines.append(f"  Organizer / 组织者:      {base}/")
        for c in contests:
            lines.append(f"  [{c.code}] {c.name}")
            lines.append(f"    Host console / 主持台:  {base}/host/{c.code}")
            lines.append(f"    Projector / 投影屏:     {base}/screen/{c.code}")
            lines.append(f"    Phones join / 手机加入: {base}/play/{c.code}   (or {base}/join)")
            lines.append(f"    Host key / 主持人密钥:  {c.host_key}")
        if os.environ.get("QUIZ_ADMIN_PASSWORD"):
            how = "the password in QUIZ_ADMIN_PASSWORD"
        else:
            pw = config_module.admin_password(app.instance_path)
            how = f"password {pw}  (kept in instance/admin_password; set QUIZ_ADMIN_PASSWORD)"
        lines.append(f"  Host sign-in / 主持人登录: {how}, or the contest's host key")
        other = net.lan_addresses()[1:]
        if other:
            lines.append("  Other addresses of this laptop: " + ", ".join(other))
        lines.append("=" * 64)
        db.session.remove()
    print("\n".join(lines), flush=True)
