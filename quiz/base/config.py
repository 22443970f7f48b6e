"""Configuration from environment variables, with safe defaults.

Nothing here raises at import: a missing variable falls back to a default, and the
secret key is generated once and kept in the instance folder.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path


def _read_or_create_secret(path: Path, nbytes: int = 32) -> str:
    """Return the secret stored at ``path``, creating it (0600) on first use."""
    try:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value


def admin_password(instance_path: str) -> str:
    """The organizer/host sign-in password: QUIZ_ADMIN_PASSWORD, else one made on first start."""
    env = os.environ.get("QUIZ_ADMIN_PASSWORD")
    if env:
        return env
    return _read_or_create_secret(Path(instance_path) / "admin_password", nbytes=9)


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _float_env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def _coalesce_env() -> dict:
    """QUIZ_COALESCE, e.g. '{"host": 0}': seconds between two state sends per role."""
    import json

    try:
        value = json.loads(os.environ.get("QUIZ_COALESCE") or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {k: float(v) for k, v in value.items()
            if k in ("screen", "host", "player", "presence") and isinstance(v, (int, float))
            and 0 <= v <= 5}


# Every rate limit of the server, set here once (docs/security.md "Limits", quiz/base/limits.py):
# name -> (count, seconds): at most count in any window of that many seconds. An environment
# variable QUIZ_LIMIT_<NAME> = "COUNT/SECONDS" replaces one.
LIMITS = {
    "sign_in": (10, 300),        # failed sign-ins per address: organizer password, host keys
    "code_guess": (30, 300),     # unknown contest codes per address
    "join_address": (30, 60),    # joins per address
    "join_contest": (3000, 60),  # joins per contest (a whole hall joins in a minute)
}
# Flood control per player token for buzz/answer/wager: a burst of FLOOD_BURST, then FLOOD_RATE
# a second; across processes (REDIS_URL) a message beyond FLOOD_FREE quick ones (refilled
# FLOOD_FREE_RATE a second) also takes a token leased from Redis, FLOOD_LEASE at a time.
FLOOD = {"burst": 10, "rate": 5.0, "free": 3, "free_rate": 0.2, "lease": 5}


def _limits_env() -> dict:
    """LIMITS with QUIZ_LIMIT_<NAME>="COUNT/SECONDS" overrides (a bad value keeps the default)."""
    out = dict(LIMITS)
    for name in LIMITS:
        raw = os.environ.get(f"QUIZ_LIMIT_{name.upper()}", "")
        count, _, seconds = raw.partition("/")
        try:
            value = (int(count), float(seconds))
        except ValueError:
            continue
        if value[0] > 0 and value[1] > 0:
            out[name] = value
    return out


def database_url(url: str) -> str:
    """SQLAlchemy URL for DATABASE_URL; plain postgres:// URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str) -> dict:
    """Build the config mapping for an app whose instance folder is ``instance_path``."""
    db_file = Path(instance_path) / "quiz.sqlite3"
    secret = os.environ.get("SECRET_KEY") or _read_or_create_secret(
        Path(instance_path) / "secret_key"
    )
    origins = os.environ.get("QUIZ_ALLOWED_ORIGINS", "").strip()
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL") or "")
        or f"sqlite:///{db_file}",
        "HOST": os.environ.get("HOST", "0.0.0.0"),
        "PORT": _int_env("PORT", 5000),
        # Socket.IO: None lets the server pick the mode that matches how it was started.
        "SOCKETIO_ASYNC_MODE": os.environ.get("SOCKETIO_ASYNC_MODE") or None,
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("REDIS_URL") or None,
        # Same-origin only unless listed (comma separated); "*" allows any.
        "ALLOWED_ORIGINS": [o.strip() for o in origins.split(",") if o.strip()],
        # A phone message is a few hundred bytes; the library default is 1 MB.
        # Engine.IO heartbeat: a ping every interval; no pong within the timeout drops the phone.
        "SOCKETIO_PING_INTERVAL": _int_env("QUIZ_PING_INTERVAL", 10),
        "SOCKETIO_PING_TIMEOUT": _int_env("QUIZ_PING_TIMEOUT", 20),
        "SOCKETIO_MAX_MESSAGE_BYTES": _int_env("QUIZ_MAX_MESSAGE_BYTES", 16 * 1024),
        # Connections waiting for a request (quiz/live/guard.py, docs/security.md): seconds for a
        # fresh connection's request line and headers, seconds a keep-alive connection may
        # idle, waiting connections kept per client address (the oldest closed beyond that).
        "QUIZ_HEADER_TIMEOUT": _int_env("QUIZ_HEADER_TIMEOUT", 5),
        "QUIZ_IDLE_TIMEOUT": _int_env("QUIZ_IDLE_TIMEOUT", 15),
        "QUIZ_MAX_WAITING_PER_ADDRESS": _int_env("QUIZ_MAX_WAITING_PER_ADDRESS", 16),
        # Sockets one player's token may hold at once; a newer one disconnects the oldest.
        "QUIZ_MAX_SOCKETS_PER_PLAYER": _int_env("QUIZ_MAX_SOCKETS_PER_PLAYER", 3),
        # Rate limits (above), shared through REDIS_URL when it is set.
        "QUIZ_LIMITS": _limits_env(),
        "QUIZ_FLOOD": dict(FLOOD),
        # /metrics: from these networks only (comma separated CIDRs), or with this bearer
        # token (docs/operations.md); loopback always.
        "QUIZ_METRICS_ALLOW": [n.strip() for n in os.environ.get(
            "QUIZ_METRICS_ALLOW", "127.0.0.0/8,::1/128").split(",") if n.strip()],
        "QUIZ_METRICS_TOKEN": os.environ.get("QUIZ_METRICS_TOKEN") or None,
        "MAX_CONTENT_LENGTH": _int_env("QUIZ_MAX_UPLOAD_MB", 20) * 1024 * 1024,
        "QUIZ_DEMO": os.environ.get("QUIZ_DEMO", "1") != "0",
        "QUIZ_COALESCE": _coalesce_env(),
        # Backup copies of the SQLite database during a contest (quiz/record/backups.py)
        "QUIZ_BACKUP_MINUTES": _float_env("QUIZ_BACKUP_MINUTES", 5.0),
        "QUIZ_BACKUP_KEEP": max(1, _int_env("QUIZ_BACKUP_KEEP", 20)),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        # an organizer or host signs in again after this long (quiz/base/sessions.py)
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int_env("QUIZ_SESSION_HOURS", 12)),
    }
