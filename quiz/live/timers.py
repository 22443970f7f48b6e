"""Deadlines: one scheduler task per app applies expiry when a contest's deadline passes.

Clients count down locally from the server deadline; this task only makes sure the state
moves on (time up, buzzers open by themselves) even when no command arrives.
"""
import logging

from quiz import engine
from quiz.extensions import socketio
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


def _loop(app) -> None:
    while True:
        socketio.sleep(POLL_S)
        try:
            with app.app_context():
                run_due()
        except Exception:  # pragma: no cover - the timer must outlive any one failure
            log.exception("timer loop")


def ensure_started(app) -> None:
    """Start the scheduler once per app (lazily, so create_app starts nothing)."""
    if app.extensions.get("quiz_timer_started") or app.config.get("QUIZ_NO_TIMER"):
        return
    app.extensions["quiz_timer_started"] = True
    socketio.start_background_task(_loop, app)
