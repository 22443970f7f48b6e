"""An import's rows written in short transactions, invisible until one tiny commit shows them.

SQLite has one writer: one transaction writing 100,000 questions held the write lock ~1.4 s,
and every contest command's commit waited for it (docs/performance.md). So an import writes its
rows into a hidden *staging bank* (``Bank.staging`` set: every listing, count, draw and lookup
leaves such banks and their questions out), CHUNK rows a transaction, pausing PAUSE_S between
them so that the contest's commits get the lock; then:

- into a new bank: one UPDATE names the staging bank and clears ``staging`` (the rows appear
  at once, or, on any failure before, never);
- into an existing bank: one UPDATE sets ``staging = 'moving'`` (from that commit on the import
  has happened), the rows then move to the target CHUNK at a time, and the staging bank goes.
  A move cut short (a crash) is completed by ``recover`` at the next start.

A failure before that last step deletes the staging bank, CHUNK rows at a time: nothing the
organizer sees changed. A staging bank still ``filling`` after STALE_S (its process died) is
deleted by ``recover`` too. New Media rows go in with the first chunk (a Media row no question
links is reached by nothing; ``discard`` removes the ones it added), the remembered column maps
with the last step.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import aliased

from quiz.base import wal
from quiz.base.extensions import db

from .models import Bank, Media, Question, QuestionMedia

CHUNK = 200  # rows a transaction: a few ms of the write lock (docs/performance.md)
CHECKPOINT_CHUNKS = 25  # the log copied into the database every so many chunks (quiz/base/wal.py)
PAUSE_S = 0.003  # between chunks: the contest's commits take the lock meanwhile
STALE_S = 3600  # a staging bank still filling after this long lost its process
FILLING, MOVING = "filling", "moving"


def hidden_banks():
    """A SELECT of the ids of the staging banks (for ``NOT IN``: the short list)."""
    return select(Bank.id).where(Bank.staging.is_not(None))


def _sleep(seconds: float) -> None:
    """A real pause of the thread (the worker's, off the loop; gevent's sleep otherwise)."""
    try:
        from gevent import monkey

        real = monkey.get_original("time", "sleep")
    except ImportError:  # pragma: no cover - gevent is a pinned dependency
        import time

        real = time.sleep
    real(seconds)


def _commit_each(statements) -> None:
    """Run each statement in a transaction of its own, pausing between them."""
    for n, stmt in enumerate(statements):
        if n:
            _sleep(PAUSE_S)
        db.session.execute(stmt)
        db.session.commit()


def create(target_id: int | None) -> int:
    """A new staging bank (committed) for bank ``target_id`` (None: a new bank); its id."""
    bank = Bank(name=f"\u2063import {uuid.uuid4().hex}", staging=FILLING, staging_for=target_id)
    db.session.add(bank)
    db.session.commit()
    return bank.id


def write(chunks) -> None:
    """Run each of ``chunks`` (callables writing rows on the session) in a transaction of its
    own, pausing PAUSE_S between them."""
    for n, chunk in enumerate(chunks):
        if n:
            _sleep(PAUSE_S)
            if n % CHECKPOINT_CHUNKS == 0:
                wal.checkpoint()
        chunk()
        db.session.commit()
    wal.checkpoint()


def publish(staging_id: int, name: str, before_commit=None) -> int | None:
    """The import's last step: its rows become visible in one commit (see the module); the
    target bank to ``move`` them into then, if any (the import has happened either way)."""
    bank = db.session.get(Bank, staging_id)
    if bank.staging_for is None:
        bank.name, bank.staging = name, None
        bank.created_at = datetime.now(timezone.utc)
    else:
        if db.session.get(Bank, bank.staging_for) is None:
            raise LookupError(f"bank {bank.staging_for} was deleted meanwhile")
        bank.staging = MOVING
    if before_commit is not None:
        before_commit()
    db.session.commit()
    return bank.staging_for


def _id_ranges(bank_id: int):
    low, high = db.session.execute(
        select(func.min(Question.id), func.max(Question.id)).where(Question.bank_id == bank_id)
    ).one()
    db.session.rollback()
    if low is None:
        return []
    return [(start, start + CHUNK) for start in range(low, high + 1, CHUNK)]


def move(staging_id: int, target_id: int) -> None:
    """Move a ``moving`` staging bank's rows into its target (again and again: each step is
    idempotent), then delete it; a row the target has meanwhile (same fingerprint) stays and
    goes with the staging bank."""
    if db.session.get(Bank, target_id) is None:  # deleted meanwhile: nothing to move into
        _delete_bank(staging_id)
        return
    there = aliased(Question)
    same = exists().where(there.bank_id == target_id,
                          there.fingerprint == Question.fingerprint)
    _commit_each(
        update(Question)
        .where(Question.bank_id == staging_id, Question.id >= low, Question.id < high, ~same)
        .values(bank_id=target_id)
        .execution_options(synchronize_session=False)
        for low, high in _id_ranges(staging_id))
    _delete_bank(staging_id)


def _delete_bank(staging_id: int) -> None:
    _commit_each(
        delete(Question)
        .where(Question.bank_id == staging_id, Question.id >= low, Question.id < high)
        .execution_options(synchronize_session=False)
        for low, high in _id_ranges(staging_id))
    db.session.execute(delete(Bank).where(Bank.id == staging_id))
    db.session.commit()


def discard(staging_id: int, media_added=()) -> None:
    """Undo an import that failed before ``publish``: its rows, its staging bank and the Media
    rows it added (``media_added``, digests) that nothing links."""
    db.session.rollback()
    _delete_bank(staging_id)
    shas = list(media_added)
    linked = select(QuestionMedia.sha256).where(QuestionMedia.sha256 == Media.sha256)
    for i in range(0, len(shas), 500):
        db.session.execute(delete(Media).where(Media.sha256.in_(shas[i: i + 500]),
                                               ~linked.exists()))
    db.session.commit()


def recover(now: datetime | None = None) -> int:
    """At start: complete the moves a crash cut short, delete the staging banks left filling
    for STALE_S; how many staging banks were dealt with."""
    now = now or datetime.now(timezone.utc)
    found = db.session.execute(
        select(Bank.id, Bank.staging, Bank.staging_for, Bank.created_at)
        .where(Bank.staging.is_not(None))).all()
    db.session.rollback()
    done = 0
    for bank_id, state, target, created in found:
        if state == MOVING and target is not None:
            move(bank_id, target)
        elif _aware(created) < now - timedelta(seconds=STALE_S):
            _delete_bank(bank_id)
        else:
            continue
        done += 1
    return done


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
