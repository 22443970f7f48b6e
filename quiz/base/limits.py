"""Every rate limit of the server in one place, shared by all its processes (issue 20).

With ``REDIS_URL`` set the counts live in Redis, so three processes allow what one does; without
it they live in this process's memory. The numbers are ``QUIZ_LIMITS`` and ``QUIZ_FLOOD`` in
quiz/base/config.py (docs/security.md "Limits").

- **Windows** (sign-in failures, unknown codes, joins): at most ``count`` events in any
  ``seconds``-long window, counted exactly (a sliding log: a sorted set in Redis, trimmed and
  counted by one Lua script with Redis's own clock, so processes on several machines agree).
  Redis directly, not Flask-Limiter: these limits are checked inside Socket.IO handlers and count
  only failures (a wrong password, an unknown code), which a per-route decorator does not express.
- **Flood control** (a phone's buzz/answer/wager, the hot path of a buzz storm): see ``Flood``.

Redis keys are prefixed per database (``QUIZ_LIMITS_PREFIX``, by default a hash of the
database URL): processes serving one database share their limits, a test's database its own.
When Redis fails, the call falls back to this process's memory (the limit then holds per
process, as before) and ``quiz_limits_redis_errors_total`` counts it: the contest goes on.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import deque

from flask import current_app

from quiz.base import metrics

log = logging.getLogger(__name__)

_WINDOW_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window, limit, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
local added = 0
if mode == 'add' or (mode == 'take' and n < limit) then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  n = n + 1
  added = 1
end
return {added, n}
"""

_LEASE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local burst, rate, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(now - at, 0) * rate)
local got = math.min(want, math.floor(tokens))
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - got), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return got
"""


class Memory:
    """Sliding-log windows in this process's memory."""

    def __init__(self):
        self.logs: dict[str, deque] = {}
        self.lock = threading.Lock()

    def count(self, key: str, seconds: float, limit: int, mode: str) -> tuple[bool, int]:
        """mode 'peek' counts, 'add' counts one more, 'take' counts one more if there is room."""
        now = time.monotonic()
        with self.lock:
            q = self.logs.setdefault(key, deque())
            while q and now - q[0] > seconds:
                q.popleft()
            added = mode == "add" or (mode == "take" and len(q) < limit)
            if added:
                q.append(now)
            n = len(q)
            if not q:
                del self.logs[key]
        return added, n


class Shared:
    """The same windows, and the flood leases, in Redis."""

    def __init__(self, url: str):
        import redis

        self.errors = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._window = self.client.register_script(_WINDOW_LUA)
        self._lease = self.client.register_script(_LEASE_LUA)
        self._n = 0

    def count(self, key: str, seconds: float, limit: int, mode: str) -> tuple[bool, int]:
        self._n += 1
        added, n = self._window(keys=[key], args=[int(seconds * 1e6), limit, mode,
                                                  f"{os.getpid()}.{self._n}"])
        return bool(added), int(n)

    def lease(self, key: str, burst: int, rate: float, want: int) -> int:
        """Take up to ``want`` tokens from the shared bucket of ``key``; how many were taken."""
        return int(self._lease(keys=[key], args=[burst, rate, want]))

    def ping(self) -> bool:
        return bool(self.client.ping())


class Limits:
    """The limits of one app: ``over`` and ``note`` for failures, ``take`` for events."""

    def __init__(self, rules: dict, flood: dict, redis_url: str | None, prefix: str):
        self.rules = rules      # name -> (count, seconds); the app's config dict, read per call
        self.memory = Memory()
        self.shared = Shared(redis_url) if redis_url else None
        self.prefix = prefix
        self.flood = Flood(self, **flood)
        self._warned = 0.0

    def _count(self, name: str, key: str, mode: str) -> tuple[bool, int]:
        limit, seconds = self.rules[name]
        full = f"{self.prefix}:{name}:{key}"
        if self.shared is not None:
            try:
                return self.shared.count(full, seconds, limit, mode)
            except self.shared.errors as err:
                self.redis_failed(err)
        return self.memory.count(full, seconds, limit, mode)

    def over(self, name: str, key: str) -> bool:
        """Whether ``key`` has used up limit ``name`` (counts nothing)."""
        _added, n = self._count(name, key, "peek")
        if n >= self.rules[name][0]:
            metrics.LIMIT_REFUSALS.labels(name).inc()
            return True
        return False

    def note(self, name: str, key: str) -> None:
        """Count one event (a failure) against limit ``name``."""
        self._count(name, key, "add")

    def take(self, name: str, key: str) -> bool:
        """Count one event if limit ``name`` has room for it; False (nothing counted) if not."""
        added, _n = self._count(name, key, "take")
        if not added:
            metrics.LIMIT_REFUSALS.labels(name).inc()
        return added

    def redis_failed(self, err: Exception) -> None:
        metrics.LIMIT_REDIS_ERRORS.inc()
        now = time.monotonic()
        if now - self._warned > 60:
            self._warned = now
            log.warning("limits: Redis failed (%s); counting in this process until it is back",
                        err)


class Flood:
    """Flood control per player token: a burst of ``burst``, then ``rate`` a second.

    Every process keeps a local token bucket per token (no I/O: a flooder is refused without
    the contest's lock, the engine or the database). With Redis the same bucket also exists
    once for all processes, and the local fast path stays for the messages a phone sends in
    play: a message is let through locally while the token's *free* bucket (``free`` messages,
    refilled ``free_rate`` a second: a buzz, an answer, a wager per question fit in it) has one;
    beyond that it needs a token of the shared bucket, leased ``lease`` at a time (one Redis
    round trip per ``lease`` messages) and kept for at most one second.

    Guarantee: in any interval of T seconds one token's messages accepted by all P processes
    together number at most ``burst + rate * (T + 1) + P * (free + free_rate * T)``, and on each
    process at most ``burst + rate * T``. (Without Redis: ``burst + rate * T`` per process.)
    A buzz storm of honest phones never waits for Redis.
    """

    def __init__(self, limits: Limits, burst: int, rate: float, free: int, free_rate: float,
                 lease: int):
        self.limits = limits
        self.burst, self.rate = burst, rate
        self.free, self.free_rate, self.lease_size = free, free_rate, lease
        self.buckets: dict[str, dict] = {}

    def bucket(self, key: str) -> dict:
        """The local bucket of token ``key`` (every socket of that token shares it)."""
        return self.buckets.setdefault(key, {})

    def allow(self, bucket: dict, key: str | None) -> bool:
        """Take one message from ``bucket`` (and, with Redis, from token ``key``'s share)."""
        now = time.monotonic()
        if not _take(bucket, "flood", self.burst, self.rate, now):
            metrics.LIMIT_REFUSALS.labels("flood").inc()
            return False
        shared = self.limits.shared
        if shared is None or key is None or _take(bucket, "free", self.free, self.free_rate,
                                                  now):
            return True
        if bucket.get("leased", 0) > 0 and bucket.get("leased_at", 0.0) > now - 1.0:
            bucket["leased"] -= 1
            return True
        try:
            got = shared.lease(f"{self.limits.prefix}:flood:{key}", self.burst, self.rate,
                               self.lease_size)
        except shared.errors as err:
            self.limits.redis_failed(err)
            return True   # the local bucket above still holds
        if got < 1:
            metrics.LIMIT_REFUSALS.labels("flood").inc()
            return False
        bucket["leased"], bucket["leased_at"] = got - 1, now
        return True


def _take(bucket: dict, name: str, burst: float, rate: float, now: float) -> bool:
    """Token bucket ``name`` in ``bucket``: take one token; False when it is empty."""
    at = bucket.get(name + "_at", now)
    tokens = min(burst, bucket.get(name, burst) + (now - at) * rate)
    bucket[name + "_at"] = now
    if tokens >= 1:
        bucket[name] = tokens - 1
        return True
    bucket[name] = tokens
    return False


def prefix_for(config) -> str:
    """QUIZ_LIMITS_PREFIX, else one per database: its processes share their counts."""
    given = config.get("QUIZ_LIMITS_PREFIX")
    if given:
        return given
    uri = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    return "quiz:limits:" + hashlib.sha256(uri.encode()).hexdigest()[:12]


def init_app(app) -> Limits:
    """Make the app's limits (Redis when REDIS_URL, i.e. SOCKETIO_MESSAGE_QUEUE, is set)."""
    limits = Limits(app.config["QUIZ_LIMITS"], app.config["QUIZ_FLOOD"],
                    app.config.get("SOCKETIO_MESSAGE_QUEUE"), prefix_for(app.config))
    app.extensions["quiz_limits"] = limits
    return limits


def get() -> Limits:
    """The limits of the current app."""
    return current_app.extensions["quiz_limits"]
