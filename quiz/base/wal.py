"""SQLite's write-ahead log, checkpointed off the live loop (issue 19; docs/performance.md).

By default the connection whose commit takes the log past 1000 pages copies it into the
database file (and syncs it) inside that commit: on the loop's thread that was a contest
command's commit, and while an import writes its chunks (megabytes of log) it stopped the loop.
So no connection checkpoints by itself (``PRAGMA wal_autocheckpoint=0``, quiz/factory.py):
``checkpoint`` does it, from a worker thread (``offloop``): every CHECKPOINT_EVERY_S in the
server (``start``), and every few chunks of an import. The last connection to close
checkpoints too (SQLite), so a command-line run leaves no long log behind.
"""

from quiz.base import offloop
from quiz.base.extensions import db

CHECKPOINT_EVERY_S = 2.0


def is_sqlite_file() -> bool:
    url = db.engine.url
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def checkpoint() -> None:
    """Copy the log into the database file as far as no reader still needs it (PASSIVE: it
    waits for no one and blocks no writer); off the loop when serving."""
    if is_sqlite_file():
        offloop.run(_checkpoint, db.engine)


def _checkpoint(engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def start(app, socketio) -> None:
    """In the server: a checkpoint every CHECKPOINT_EVERY_S, in a background task."""
    every = app.config.get("QUIZ_WAL_CHECKPOINT_S", CHECKPOINT_EVERY_S)

    def loop():
        while True:
            socketio.sleep(every)
            try:
                with app.app_context():
                    checkpoint()
            except Exception:  # a locked or full disk: again next time
                import logging

                logging.getLogger(__name__).exception("WAL checkpoint failed")

    socketio.start_background_task(loop)
