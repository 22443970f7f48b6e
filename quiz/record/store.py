"""Persistence of the live state: an append-only command log with periodic snapshots.

``load`` rebuilds the state by replaying the commands after the latest snapshot through the
pure engine, so a restarted process (or a second process) sees exactly what was acknowledged.
``append`` is the atomic arbiter: the unique (contest_id, seq) key lets only one writer
append command N+1; the loser reloads and applies its command to the new state.

Snapshots only shorten that replay, so they are written off the command path
(``save_snapshot``, from the timer loop every SNAPSHOT_EVERY commands): encoding the whole
state took 4-14 ms late in a 1000-phone contest, and a buzz whose command fell on a snapshot
reached the projector that much later.
"""
import json
import sqlite3
import time

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from quiz import engine
from quiz.base import wal
from quiz.base.extensions import BUSY_TIMEOUT_MS, db
from quiz.record.models import ContestCommand, ContestSnapshot

SNAPSHOT_EVERY = 50


class Conflict(Exception):
    """Another writer appended the same sequence number first."""


def save_initial(contest_id: int, state: dict) -> None:
    """Store the state a contest starts from (seq 0); the caller commits."""
    db.session.add(ContestSnapshot(contest_id=contest_id, seq=0, state=json.dumps(state)))


def load(contest_id: int) -> tuple[dict, int]:
    """Return (state, seq) as of the last committed command."""
    snap = db.session.execute(
        select(ContestSnapshot)
        .where(ContestSnapshot.contest_id == contest_id)
        .order_by(ContestSnapshot.seq.desc())
        .limit(1)
    ).scalar_one()
    state, seq = json.loads(snap.state), snap.seq
    rows = db.session.execute(
        select(ContestCommand.seq, ContestCommand.at_ms, ContestCommand.command)
        .where(ContestCommand.contest_id == contest_id, ContestCommand.seq > seq)
        .order_by(ContestCommand.seq)
    ).all()
    for row_seq, at_ms, command in rows:
        try:
            engine.apply(state, command, at_ms)
        except engine.RuleError:
            # A logged command was accepted once; refusing it now would mean the
            # rules changed under a running contest. Keep the state as it stands.
            pass
        seq = row_seq
    db.session.rollback()  # end the read transaction (SQLite keeps a snapshot open)
    return state, seq


_INSERT_COMMAND = insert(ContestCommand.__table__)
_INSERT_SNAPSHOT = insert(ContestSnapshot.__table__)


LOOP_BUSY_TIMEOUT_S = 5.0  # how long a command waits for the write lock in all (as before)
RETRY_S = 0.001  # the pause between two tries, in which the rest of the loop runs


def _append_sqlite(contest_id: int, seq: int, command: dict, at_ms: int) -> None:
    """``append`` on the embedded database through the driver: ~80 µs a command instead of
    ~280 µs through the session (measured; a hall's all-answer storm is 1000 of them).

    The write lock held elsewhere (an import's chunk, another process) is waited for here, not
    in SQLite's busy handler, which would stop the whole loop: no busy timeout on this
    connection while it writes, and each try that finds the lock taken rolls back and sleeps
    RETRY_S (gevent's sleep when serving), for LOOP_BUSY_TIMEOUT_S at most; then the same
    "database is locked" error as before."""
    raw = db.engine.raw_connection()
    deadline = time.monotonic() + LOOP_BUSY_TIMEOUT_S
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA busy_timeout=0")
        try:
            while True:
                try:
                    _insert_command(raw, cur, contest_id, seq, command, at_ms)
                    return
                except sqlite3.OperationalError as exc:
                    raw.rollback()
                    if not _locked(exc) or time.monotonic() > deadline:
                        raise
                time.sleep(RETRY_S)
        finally:
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        raw.close()


def _locked(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY: another connection holds the write lock."""
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or "locked" in str(exc)


def _insert_command(raw, cur, contest_id: int, seq: int, command: dict, at_ms: int) -> None:
    """One try: INSERT and commit; Conflict when the number is taken."""
    try:
        cur.execute("INSERT INTO contest_command (contest_id, seq, at_ms, command) "
                    "VALUES (?, ?, ?, ?)", (contest_id, seq, at_ms, json.dumps(command)))
        raw.commit()
    except sqlite3.IntegrityError as exc:
        raw.rollback()
        raise Conflict(str(exc)) from exc
    except sqlite3.OperationalError:
        raise
    except BaseException:
        raw.rollback()
        raise


def append(contest_id: int, seq: int, command: dict, at_ms: int) -> None:
    """Commit command ``seq``; raise Conflict when that number is taken."""
    if wal.is_sqlite_file():
        return _append_sqlite(contest_id, seq, command, at_ms)
    # Core inserts of one fixed statement with bound values: this runs once per buzz or
    # answer, and both the ORM's unit of work and a statement built per call (its cache key
    # walks the values) cost more than the write itself.
    try:
        db.session.execute(_INSERT_COMMAND, {"contest_id": contest_id, "seq": seq,
                                             "at_ms": at_ms, "command": command})
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(str(exc)) from exc


def save_snapshot(contest_id: int, seq: int, state_json: str) -> bool:
    """Store ``state_json`` as the state after command ``seq``, in a transaction of its own.

    False when that snapshot is there already (another process wrote it first).
    """
    try:
        db.session.execute(_INSERT_SNAPSHOT, {"contest_id": contest_id, "seq": seq,
                                              "state": state_json})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def last_seq(contest_id: int) -> int:
    """The number of the last committed command (0 before the first)."""
    from sqlalchemy import func

    value = db.session.execute(
        select(func.max(ContestCommand.seq)).where(ContestCommand.contest_id == contest_id)
    ).scalar()
    db.session.rollback()
    return value or 0


def command_log(contest_id: int) -> list[dict]:
    """Every accepted command with its server time, oldest first (for the record)."""
    rows = db.session.execute(
        select(ContestCommand.seq, ContestCommand.at_ms, ContestCommand.command)
        .where(ContestCommand.contest_id == contest_id)
        .order_by(ContestCommand.seq)
    ).all()
    return [{"seq": s, "at_ms": at, "command": c} for s, at, c in rows]
