"""The application factory: configuration, extensions, blueprints, CLI, socket handlers."""
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from quiz.base import config as config_module
from quiz.base.extensions import BUSY_TIMEOUT_MS, db, socketio
from quiz.web.origins import OriginChecker


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL lets the projector read while a buzz is written; the busy timeout rides out bursts
    (the loop's command writes wait cooperatively instead: quiz/record/store.py)."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints off the loop: quiz/base/wal.py
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _choose_async_mode(app: Flask) -> str:
    """gevent when the process was monkey-patched for it (``python app.py``), else threading.

    docs/performance.md holds the measurement behind gevent as the served mode.
    """
    if app.config.get("SOCKETIO_ASYNC_MODE"):
        return app.config["SOCKETIO_ASYNC_MODE"]
    try:
        from gevent import monkey

        if monkey.is_module_patched("socket"):
            return "gevent"
    except ImportError:  # pragma: no cover - gevent is a pinned dependency
        pass
    return "threading"


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the quiz app; ``test_config`` overrides everything else."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("QUIZ_INSTANCE_PATH")
        or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance"),
        template_folder="../templates",
        static_folder="../static",
    )
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    _private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

    db.init_app(app)
    from quiz.base import limits

    limits.init_app(app)  # every rate limit, in Redis when REDIS_URL is set
    # Handlers must be declared before the first init_app: Flask-SocketIO keeps them for
    # every later server only if they were registered while no server existed.
    from quiz.live import handlers  # noqa: F401

    _init_socketio(app)
    from quiz.web import proxy

    proxy.init_app(app)  # outermost: the socket layer sees the client's address too

    from quiz.base import i18n

    i18n.init_app(app)

    from flask_wtf.csrf import CSRFProtect

    CSRFProtect(app)

    from quiz.base import auth
    from quiz.web import compress, headers, setup_views, views

    headers.init_app(app)
    compress.init_app(app)

    auth.init_app(app)
    views.init_app(app)
    setup_views.init_app(app)
    from quiz.commands import results as results_cli
    from quiz.web import results_views
    results_views.init_app(app)
    results_cli.init_app(app)
    from quiz.web import review_views
    review_views.init_app(app)
    from quiz.web import ops
    ops.init_app(app)  # /healthz, /metrics

    import question_bank
    from quiz.setup import bank_usage

    question_bank.init_app(app)  # the bank's pages, /media and ``flask bank``
    bank_usage.init_app(app)  # the bank asks which contests use its questions

    from quiz.commands import contest as contest_cli

    contest_cli.init_app(app)

    from quiz.commands import backup as backup_cli
    from quiz.commands import schema as schema_cli
    from quiz.record import schema
    from quiz.web import backup_views

    backup_cli.init_app(app)
    schema_cli.init_app(app)
    backup_views.init_app(app)
    with app.app_context():
        _import_models()
    schema.init_app(app)  # after every CLI group: each brings the database to head first
    if app.config.get("TESTING"):
        _create_test_database(app)
    return app


def _create_test_database(app: Flask) -> None:
    """A test's new, empty database is made at head at once (no migrations run: fast).

    Never in production: there the start-up paths upgrade (quiz/record/schema.py), not create_app.
    """
    from quiz.record import schema

    with app.app_context():
        with db.engine.begin() as connection:
            if schema.status(connection).kind == "empty":
                schema.create_at_head(connection)
                schema.mark_current(app)


def _private_sqlite_file(uri: str) -> None:
    """Create the SQLite file 0600 before SQLite does (its -wal and -shm files take the
    database file's mode), and make an existing one 0600: the bank holds every answer."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix) or uri == prefix or ":memory:" in uri:
        return
    path = uri[len(prefix):].split("?", 1)[0]
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, path + "-wal", path + "-shm"):
        try:
            if os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)
        except (FileNotFoundError, PermissionError):
            continue


def _import_models() -> None:
    from question_bank import models as bank_models  # noqa: F401
    from quiz.record import models  # noqa: F401


def _apply_transport(async_mode: str) -> None:
    """quiz/live/transport.py's library changes, on the versions they were checked against
    (else TransportVersionError: the server does not start); changes 2-4, and the allocator's
    count of ended connections, only under gevent: they need its sockets and its hub."""
    from quiz.live import allocator, transport

    transport.check_versions()
    gevent = async_mode == "gevent"
    transport.apply(gevent=gevent)
    if gevent:
        transport.after_release = allocator.trimmer().note_closed


def _init_socketio(app: Flask) -> None:
    from quiz.live import handlers

    async_mode = _choose_async_mode(app)
    _apply_transport(async_mode)
    socketio.init_app(
        app,
        async_mode=async_mode,
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        # our own addresses and the public URL, never the request's Host (quiz/web/origins.py)
        cors_allowed_origins=OriginChecker(app.config["ALLOWED_ORIGINS"], app.config["HOST"],
                                           app.config["PORT"]),
        max_http_buffer_size=app.config["SOCKETIO_MAX_MESSAGE_BYTES"],
        ping_interval=app.config["SOCKETIO_PING_INTERVAL"],
        ping_timeout=app.config["SOCKETIO_PING_TIMEOUT"],
        # Handlers run in the connection's own reader greenlet, in the order the messages came:
        # no greenlet spawned per message, and the first buzz of a hall is handled (and its
        # frame to the projector written) before the other connections' messages are.
        async_handlers=False,
    )
    handlers.register_bare(socketio.server)  # init_app made a new server
