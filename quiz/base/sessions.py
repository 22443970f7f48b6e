"""Browser sessions that end: a signed cookie alone is not enough after sign-out or 12 hours.

Flask's session is a signed cookie: whoever saved a copy could replay it until it expires. So
every signed-in session carries an id (``sid``) and the time it signed in (``since``):

- signing out revokes the id on the server (``instance/revoked_sessions``, one ``id expiry``
  line each, shared by every server process, kept 0600): the saved cookie then opens nothing,
  on pages as on the socket;
- a session is valid for ``QUIZ_SESSION_HOURS`` (12 by default) from signing in, however often
  it is used (``PERMANENT_SESSION_LIFETIME`` gives the cookie the same age);
- a session from before this rule (no ``sid``) counts as signed out.
"""
from __future__ import annotations

import os
import secrets
import threading
import time

from flask import current_app, session

_lock = threading.Lock()
_FILE = "revoked_sessions"
PRUNE_AT = 1000


def _path() -> str:
    return os.path.join(current_app.instance_path, _FILE)


def _cache() -> dict:
    return current_app.extensions.setdefault("quiz_revoked", {"mtime": None, "ids": {}})


def _revoked() -> dict[str, float]:
    """id -> expiry of the revoked sessions (the file is read again when it changed)."""
    path, cache = _path(), _cache()
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return {}
    if cache["mtime"] != mtime:
        ids = {}
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 2:
                    try:
                        ids[parts[0]] = float(parts[1])
                    except ValueError:
                        continue
        cache.update(mtime=mtime, ids=ids)
    return cache["ids"]


def lifetime_s() -> float:
    return current_app.permanent_session_lifetime.total_seconds()


def start() -> None:
    """Give the (freshly cleared) session a new id and its sign-in time."""
    session["sid"] = secrets.token_urlsafe(16)
    session["since"] = int(time.time())
    session.permanent = True


def valid() -> bool:
    """Whether this session signed in, has not expired and was not signed out."""
    sid, since = session.get("sid"), session.get("since")
    if not isinstance(sid, str) or not isinstance(since, int):
        return False
    if time.time() - since > lifetime_s():
        return False
    return sid not in _revoked()


def revoke() -> None:
    """Sign this session out everywhere: its id is refused from now on, by every process."""
    sid = session.get("sid")
    if not isinstance(sid, str):
        return
    now = time.time()
    with _lock:
        # one appended line: atomic between processes, nothing lost when two sign out at once
        fd = os.open(_path(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(f"{sid} {now + lifetime_s():.0f}\n")
        revoked = _revoked()
        if len(revoked) > PRUNE_AT:  # drop the ids whose cookies have expired anyway
            keep = "".join(f"{k} {v:.0f}\n" for k, v in revoked.items() if v > now)
            tmp = f"{_path()}.{os.getpid()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(keep)
            os.replace(tmp, _path())
