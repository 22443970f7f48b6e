"""Entry point: ``python app.py`` (gevent server) or ``flask --app app run`` (dev server).

``app`` is built by the factory in quiz.factory; ``socketio`` is the Flask-SocketIO object.
Both ways of serving first bring the database to the current schema (quiz/startup.py).
"""
import os
import sys

SOCKETIO_GEVENT = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent") == "gevent"

if __name__ == "__main__" and SOCKETIO_GEVENT:
    # gevent is the measured best server mode (docs/performance.md); patch before imports.
    from gevent import monkey

    monkey.patch_all()

from quiz.base import offloop  # noqa: E402
from quiz.base.extensions import socketio  # noqa: E402
from quiz.factory import create_app  # noqa: E402
from quiz.live.transport import TransportVersionError  # noqa: E402
from quiz.startup import served_by_flask_run, start_serving  # noqa: E402

try:
    app = create_app()  # applies quiz/live/transport.py, for every way of serving
except TransportVersionError as err:
    sys.exit(str(err))
offloop.use_processes(create_app)  # big imports are read in a child process made like this
if served_by_flask_run():
    start_serving(app)


def main() -> None:
    from quiz.live import allocator
    from quiz.startup import prepare, print_banner, tune_gc

    start_serving(app)
    prepare(app)
    tune_gc()
    allocator.tune_malloc()
    options = {}
    if SOCKETIO_GEVENT:
        from quiz.live import guard

        guard.raise_descriptor_limit()
        options["handler_class"] = guard.configure(app.config)
    host, port = app.config["HOST"], app.config["PORT"]
    print_banner(app)
    sys.stdout.flush()
    socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True,
                 **options)


if __name__ == "__main__":
    main()
