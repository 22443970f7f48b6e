"""The store of uploaded sheets waiting for the organizer's confirm (the import preview).

Each upload is kept in ``instance/bank_uploads/<token>/`` until it is confirmed or dropped.
The files are the organizer's question sheets (answers included), so the folders are created
0700 and the files 0600: no other account on the laptop can read them. A preview nobody
confirmed is removed after ``MAX_AGE_S`` (an hour): at start, before every new upload and every
``SWEEP_EVERY_S`` while the server runs (``start_sweeper``).
"""
from __future__ import annotations

import logging
import os
import shutil
import time

log = logging.getLogger(__name__)

DIR = "bank_uploads"
MAX_AGE_S = 3600
SWEEP_EVERY_S = 600


def root(instance_path: str) -> str:
    return os.path.join(instance_path, DIR)


def make_folder(folder: str) -> None:
    """Create a preview's folder (and the store) readable by this account only."""
    os.makedirs(os.path.dirname(folder), mode=0o700, exist_ok=True)
    os.mkdir(folder, 0o700)
    os.chmod(folder, 0o700)  # whatever the umask


def write_private(path: str, data: bytes | str) -> None:
    """Write a file of a preview, 0600 from its creation."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb" if isinstance(data, bytes) else "w",
                   **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as fh:
        fh.write(data)


def sweep(instance_path: str, max_age_s: float = MAX_AGE_S, now: float | None = None) -> int:
    """Remove the previews older than ``max_age_s`` (by their folder's time); how many."""
    base = root(instance_path)
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(base))
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False) and now - entry.stat().st_mtime > max_age_s:
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
        except FileNotFoundError:  # confirmed meanwhile
            continue
    return removed


def start_sweeper(app, socketio) -> None:
    """Sweep now, then every SWEEP_EVERY_S in a background task of the server."""
    max_age = app.config.get("QUIZ_PREVIEW_MAX_AGE_S", MAX_AGE_S)
    sweep(app.instance_path, max_age)

    def loop():
        while True:
            socketio.sleep(SWEEP_EVERY_S)
            try:
                sweep(app.instance_path, max_age)
            except OSError:  # a full or read-only disk: try again next time
                log.exception("sweeping old import previews failed")

    socketio.start_background_task(loop)
