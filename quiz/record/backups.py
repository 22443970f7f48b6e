"""Backup copies of the SQLite database in instance/backups/, made with SQLite's online backup.

Rules:

- a copy is taken when a contest starts (its phase leaves the lobby, as this process sees it),
  every QUIZ_BACKUP_MINUTES while a contest runs, and once when it finishes; the copies of
  contests rotate, the newest QUIZ_BACKUP_KEEP are kept;
- before a schema upgrade (``pre-upgrade-<rev>-<time>``) and before a restore
  (``pre-restore-<time>``) a copy is taken too; those are never rotated away;
- every file is 0600 in a 0700 folder; a copy is written to ``.part`` and renamed, so a listed
  file is always complete, and it is a self-contained database (journal mode DELETE);
- the copy runs in one backup step in a worker thread (SQLite releases the GIL while it copies,
  and in WAL mode the contest's writers go on meanwhile), never on the live loop.

PostgreSQL is not copied here: the operator runs pg_dump (docs/scaling.md).
"""
import logging
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from quiz.base.extensions import db

log = logging.getLogger(__name__)

FOLDER = "backups"
SUFFIX = ".sqlite3"
CONTEST_PREFIX = "contest-"
# What a backup's name may be: the page serves only names of this form from the folder.
NAME_RE = re.compile(r"^(contest-\d{4,12}|manual|pre-upgrade-\w+|pre-restore)"
                     r"-\d{8}-\d{6}(-\d+)?" + re.escape(SUFFIX) + "$", re.ASCII)
IDLE_PHASES = frozenset({"lobby", "finished"})


@dataclass(frozen=True)
class Backup:
    name: str
    path: str
    size: int
    mtime: float

    @property
    def made_at(self) -> str:
        return datetime.fromtimestamp(self.mtime).strftime("%Y-%m-%d %H:%M:%S")


def folder(app) -> str:
    """instance/backups, created 0700 on first use."""
    path = os.path.join(app.instance_path, FOLDER)
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def sqlite_path(app) -> str | None:
    """The file of the app's SQLite database; None for PostgreSQL or an in-memory database."""
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return os.path.abspath(url.database)


def copy_database(source: str, dest: str) -> None:
    """Copy the SQLite database ``source`` to ``dest`` (0600) with the online backup API."""
    part = dest + ".part"
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(part)
        try:
            src.backup(dst)  # one step: a consistent copy, writers in WAL mode go on
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(part, 0o600)
    os.replace(part, dest)


def copy_into(source: str, target: str) -> None:
    """Overwrite the database ``target`` with the copy ``source`` (online backup, in place)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


def _free_name(directory: str, stem: str) -> str:
    path = os.path.join(directory, stem + SUFFIX)
    n = 1
    while os.path.exists(path):
        n += 1
        path = os.path.join(directory, f"{stem}-{n}{SUFFIX}")
    return path


def copy_to_folder(source: str, directory: str, label: str) -> str:
    """Copy the database ``source`` to <directory>/<label>-<UTC time>.sqlite3."""
    dest = _free_name(directory, f"{label}-{_stamp()}")
    copy_database(source, dest)
    return dest


def backup_now(app, label: str) -> str | None:
    """Copy the app's database into backups/; None when it is not an SQLite file."""
    source = sqlite_path(app)
    if source is None or not os.path.exists(source):
        return None
    return copy_to_folder(source, folder(app), label)


def before_upgrade(app, revision: str) -> str | None:
    """The copy taken before a schema upgrade from ``revision``."""
    return backup_now(app, f"pre-upgrade-{re.sub(r'[^0-9A-Za-z_]', '_', revision)}")


def rotate(directory: str, keep: int) -> list[str]:
    """Delete all but the newest ``keep`` contest copies; returns the names deleted."""
    contest_copies = [b for b in list_folder(directory) if b.name.startswith(CONTEST_PREFIX)]
    gone = []
    for old in contest_copies[max(keep, 1):]:
        os.remove(old.path)
        gone.append(old.name)
    return gone


def list_backups(app) -> list[Backup]:
    """Every complete backup of the app, newest first."""
    return list_folder(folder(app))


def list_folder(directory: str) -> list[Backup]:
    """Every complete backup in ``directory``, newest first."""
    found = []
    for name in os.listdir(directory):
        if NAME_RE.match(name):
            st = os.stat(os.path.join(directory, name))
            found.append(Backup(name, os.path.join(directory, name), st.st_size, st.st_mtime))
    return sorted(found, key=lambda b: (b.mtime, b.name), reverse=True)


def find(app, name: str) -> Backup | None:
    """The backup called ``name`` (a bare file name of the listed form), else None."""
    if not NAME_RE.match(name or ""):
        return None
    return next((b for b in list_backups(app) if b.name == name), None)


def next_backup(phases: dict[str, str], running: set[str], last_at: float | None,
                now: float, interval_s: float) -> str | None:
    """Which contest's copy is due now, or None; updates ``running`` (codes seen running).

    Due: a contest seen running for the first time (it started), a contest seen finished
    after running (its last state), or ``interval_s`` since the last copy while one runs.
    """
    due = None
    for code in sorted(phases):
        is_running = phases[code] not in IDLE_PHASES
        if is_running and code not in running:
            running.add(code)
            due = due or code
        elif not is_running and code in running:
            running.discard(code)
            due = due or code
    if due is None and running and (last_at is None or now - last_at >= interval_s):
        due = min(running)
    return due


class Scheduler:
    """One per app: decides when a copy is due and runs it off the live loop, one at a time."""

    def __init__(self, app):
        self.config = app.config
        self.source = sqlite_path(app)
        self.directory = folder(app) if self.source else None
        self.running: set[str] = set()
        self.last_at: float | None = None
        self.job = None
        self.last_result: str | None = None
        self.last_error: BaseException | None = None

    def poll(self, phases: dict[str, str]) -> None:
        """Called by the timer loop with each loaded contest's phase; never blocks."""
        if self.job is not None:
            if not self.job.done():
                return
            self.job = None
            if self.last_error is not None:
                log.error("backup copy failed: %s", self.last_error)
        if self.source is None:
            return
        interval = 60.0 * float(self.config.get("QUIZ_BACKUP_MINUTES", 5))
        now = time.monotonic()
        code = next_backup(phases, self.running, self.last_at, now, interval)
        if code is None:
            return
        self.last_at = now
        self.job = _off_loop(self._copy, code)

    def _copy(self, code: str) -> None:
        try:
            self.last_result = copy_to_folder(self.source, self.directory,
                                              f"{CONTEST_PREFIX}{code}")
            rotate(self.directory, int(self.config.get("QUIZ_BACKUP_KEEP", 20)))
            self.last_error = None
        except Exception as err:  # a failed copy must never stop the contest
            self.last_error = err


def scheduler(app) -> Scheduler:
    """The app's scheduler, made on first use (by the timer loop, never by create_app)."""
    found = app.extensions.get("quiz_backups")
    if found is None:
        found = app.extensions["quiz_backups"] = Scheduler(app)
    return found


class _Job:
    """A function run in a real OS thread: gevent's thread pool under gevent, else a thread."""

    def __init__(self, fn, *args):
        from quiz.base.extensions import socketio

        if getattr(socketio, "async_mode", None) == "gevent":
            import gevent

            self._result = gevent.get_hub().threadpool.spawn(fn, *args)
            self._thread = None
        else:
            self._result = None
            self._thread = threading.Thread(target=fn, args=args, daemon=True,
                                            name="quiz-backup")
            self._thread.start()

    def done(self) -> bool:
        if self._thread is not None:
            return not self._thread.is_alive()
        return self._result.ready()


def _off_loop(fn, *args) -> _Job:
    return _Job(fn, *args)
