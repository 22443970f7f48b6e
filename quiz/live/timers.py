"""Deadlines: one scheduler task per app applies expiry when a contest's deadline passes.

Clients count down locally from the server deadline; this task only makes sure the state
moves on (time up, buzzers open by themselves) even when no command arrives. It also
stores the periodic snapshots of each contest's state, off the command path, and starts the
backup copies of the database (quiz/record/backups.py) when they are due.
"""
import logging

from quiz import engine
from quiz.base.extensions import socketio
from quiz.live import runtime

log = logging.getLogger(__name__)
POLL_S = 0.05


def run_due() -> int:
    """Apply every due deadline of the loaded contests now; returns how many moved on."""
    moved = 0
    for rt in runtime.loaded():
        due = engine.next_deadline(rt.state)
        if due is None or due > runtime.now_ms():
            continue
        events = runtime.tick(rt)
        if events is not None:
            moved += 1
            runtime.publish_safely(rt, events)
    return moved


def save_snapshots() -> int:
    """Store a snapshot of every loaded contest that is due one; returns how many."""
    saved = 0
    for rt in runtime.loaded():
        try:
            saved += runtime.snapshot_if_due(rt)
        except Exception:  # a snapshot only shortens a reload: the next pass tries again
            log.exception("snapshot of contest %s", rt.code)
            runtime.rollback_session()
    return saved


def start_backups(app) -> None:
    """Hand the loaded contests' phases to the backup scheduler (it copies off the loop)."""
    from quiz.record import backups

    backups.scheduler(app).poll({rt.code: rt.state.get("phase") for rt in runtime.loaded()})


def _loop(app) -> None:
    while True:
        socketio.sleep(POLL_S)
        try:
            with app.app_context():
                run_due()
                save_snapshots()
                start_backups(app)
        except Exception:  # pragma: no cover - the timer must outlive any one failure
            log.exception("timer loop")


def ensure_started(app) -> None:
    """Start the scheduler once per app (lazily, so create_app starts nothing)."""
    if app.extensions.get("quiz_timer_started") or app.config.get("QUIZ_NO_TIMER"):
        return
    app.extensions["quiz_timer_started"] = True
    socketio.start_background_task(_loop, app)
