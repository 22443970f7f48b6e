"""Per-process cache of live contests and the command path: lock, apply, commit, publish.

The database is the source of truth; ``Runtime.state`` is a cache of it. Every command
that changes the state is committed (``store.append``) before its ack, and a failed
commit drops the cache so the next command starts from what the database holds.
"""
import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field

from flask import current_app

from quiz import engine
from quiz.base import metrics, offloop
from quiz.base.extensions import db, socketio
from quiz.record import store
from quiz.record.models import Contest

log = logging.getLogger(__name__)
# Tries of a command whose number another process took first (each after a reload), before
# it is refused ``busy``; from the third on, after a random wait (``_back_off``).
CONFLICT_ATTEMPTS = 8


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Runtime:
    contest_id: int
    code: str
    state: dict
    seq: int
    lock: threading.RLock = field(default_factory=threading.RLock)
    # presence: sid -> {"player", "team", "name", "rtt"}; hosts and screens by sid
    phones: dict = field(default_factory=dict)
    hosts: set = field(default_factory=set)
    screens: set = field(default_factory=set)
    throttles: dict = field(default_factory=dict)  # publish: per-role coalescing
    joined: dict | None = None  # publish: phones joined per team (cached)
    joined_at: float = 0.0
    snapshot_seq: int = 0  # the last command a stored snapshot covers (as far as we know)
    personal: dict = field(default_factory=dict)  # quiz/live/personal.py: {key: (version, x)}

    def reload(self) -> None:
        metrics.RELOADS.inc()
        self.state, self.seq = store.load(self.contest_id)


class Refused(Exception):
    """A command the rules or the edge refused; carries the ack's code and texts."""

    def __init__(self, code: str, message: str, message_zh: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh or message

    def ack(self) -> dict:
        return {"ok": False, "error": self.code, "message": self.message,
                "message_zh": self.message_zh}


_registry_lock = threading.Lock()


def _registry() -> dict[str, Runtime]:
    """The runtimes of this app (one app per process in production, many in tests)."""
    return current_app.extensions.setdefault("quiz_runtimes", {})


def get(code: str) -> Runtime | None:
    """The live runtime of contest ``code``, loading it from the database on first use."""
    runtimes = _registry()
    rt = runtimes.get(code)
    if rt is not None:
        return rt
    with _registry_lock:
        rt = runtimes.get(code)
        if rt is None:
            contest = Contest.query.filter_by(code=code).one_or_none()
            if contest is None:
                db.session.rollback()
                return None
            state, seq = store.load(contest.id)
            rt = Runtime(contest_id=contest.id, code=code, state=state, seq=seq,
                         snapshot_seq=seq)
            runtimes[code] = rt
    return rt


def fresh(code: str) -> Runtime | None:
    """Like get(), but first catches up with commands another process committed.

    Used when a client connects, so its first snapshot is never behind the database.
    """
    rt = get(code)
    if rt is not None and store.last_seq(rt.contest_id) != rt.seq:
        with rt.lock:
            rt.reload()
    return rt


def forget(code: str) -> None:
    """Drop the cached runtime of a contest whose setup was replaced or that was deleted."""
    with _registry_lock:
        _registry().pop(code, None)


def loaded() -> list[Runtime]:
    return list(_registry().values())


def _commit(rt: Runtime, command: dict, at: int) -> list[dict]:
    """Apply ``command`` at ``at`` and append it; returns the events. Caller holds the lock."""
    before = rt.state.get("version")
    events = engine.apply(rt.state, command, at)
    if rt.state.get("version") == before:
        return events
    try:
        store.append(rt.contest_id, rt.seq + 1, command, at)
    except BaseException:
        # Conflict or a failed write: the cache may hold an uncommitted change.
        rt.reload()
        raise
    rt.seq += 1
    return events


def execute(code: str, command: dict) -> tuple[Runtime, list[dict]]:
    """Run one command for contest ``code``: expire due deadlines, apply, commit.

    Raises Refused for a rule violation. When another process appended first (a conflict
    on the command number) or the cache turns out to be behind the database when the rules
    refuse, it reloads and tries again, so the command is judged against the state that won.
    """
    rt = get(code)
    if rt is None:
        raise Refused("unknown_contest", "No such contest.", "没有这场比赛。")
    metrics.COMMANDS.labels((command.get("actor") or {}).get("role", "?")).inc()
    with metrics.COMMAND_SECONDS.time():
        return rt, _execute_locked(rt, command)


def _execute_locked(rt: Runtime, command: dict) -> list[dict]:
    code = rt.code
    events: list[dict] = []
    with rt.lock:
        for attempt in range(CONFLICT_ATTEMPTS):
            if attempt >= 2:
                _back_off(attempt)
            at = now_ms()
            try:
                due = engine.next_deadline(rt.state)
                if due is not None and due <= at:
                    events += _commit(rt, {"type": "tick", "actor": {"role": "system"}}, at)
                events += _commit(rt, command, at)
                break
            except engine.RuleError as err:
                if store.last_seq(rt.contest_id) != rt.seq:
                    # Another process moved the contest on: judge against what it committed.
                    metrics.CONFLICTS.inc()
                    rt.reload()
                    continue
                if events:  # the expiry before it did change the state
                    publish_safely(rt, events)
                raise Refused(err.code, err.message, getattr(err, "message_zh", None)) from err
            except store.Conflict:
                metrics.CONFLICTS.inc()
                log.info("contest %s: seq conflict, reloaded (attempt %d)", code, attempt + 1)
                continue
        else:
            raise Refused("busy", "The contest is busy; try again.", "比赛繁忙，请重试。")
    return events


def _back_off(attempt: int) -> None:
    """Wait a random moment before the next try, so racing processes stop meeting head-on.

    Two processes that lost to each other reload and retry at the same pace, and with three
    they kept meeting (6 of 720 buzzes refused ``busy`` after three tries, bench/scale.py). A
    random wait of up to 1, 2, 4 … ms (at most 32) lets one of them get in first.
    """
    socketio.sleep(random.uniform(0, min(2 ** (attempt - 2), 32)) / 1000)


def snapshot_if_due(rt: Runtime) -> bool:
    """Store the state when SNAPSHOT_EVERY commands have passed since the last snapshot.

    Called by the timer loop, never on a command's path (see quiz/record/store.py). The state
    is encoded under the lock, so it is exactly the state after command ``rt.seq``.
    """
    with rt.lock:
        if rt.seq - rt.snapshot_seq < store.SNAPSHOT_EVERY:
            return False
        seq, text = rt.seq, json.dumps(rt.state)
    # in a worker: SQLite's busy handler, waiting out an import's write lock, would stop the loop
    offloop.run_in_app(store.save_snapshot, rt.contest_id, seq, text)
    rt.snapshot_seq = max(rt.snapshot_seq, seq)
    return True


def tick(rt: Runtime) -> list[dict] | None:
    """Apply expiry of due deadlines (the scheduler calls this); None when nothing moved."""
    with rt.lock:
        due = engine.next_deadline(rt.state)
        at = now_ms()
        if due is None or due > at:
            return None
        try:
            return _commit(rt, {"type": "tick", "actor": {"role": "system"}}, at)
        except (engine.RuleError, store.Conflict):
            return None


def publish_safely(rt: Runtime, events: list[dict], by_host: bool = False) -> None:
    """Send the new state; a failure to send never undoes or hides a committed command."""
    from quiz.live import publish

    try:
        publish.state_changed(rt, events, by_host=by_host)
    except Exception:  # pragma: no cover - publishing must never break a command
        log.exception("publish failed")


def rollback_session() -> None:
    try:
        db.session.rollback()
    except Exception:  # pragma: no cover
        pass
