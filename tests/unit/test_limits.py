"""quiz/base/limits.py: windows and flood control, in memory and shared through Redis (the
Redis cases run when QUIZ_TEST_REDIS_URL names a server, as in CI)."""
import time
import uuid

import pytest

from quiz.base import limits
from quiz.base.config import FLOOD
from tests.services import REDIS, needs_redis

RULES = {"sign_in": (3, 300), "join_address": (2, 0.3)}


def make(redis_url=None, prefix=None, **flood):
    return limits.Limits(dict(RULES), dict(FLOOD, **flood), redis_url,
                         prefix or f"test:{uuid.uuid4().hex}")


backends = pytest.mark.parametrize("url", [None, pytest.param(REDIS, marks=needs_redis)],
                                   ids=["memory", "redis"])


@backends
def test_failures_block_after_the_limit_and_only_that_key(url):
    lim = make(url)
    for _ in range(3):
        assert not lim.over("sign_in", "10.0.0.1")
        lim.note("sign_in", "10.0.0.1")
    assert lim.over("sign_in", "10.0.0.1")
    assert not lim.over("sign_in", "10.0.0.2")


@backends
def test_take_refuses_beyond_the_limit_until_the_window_passes(url):
    lim = make(url)
    assert [lim.take("join_address", "a") for _ in range(4)] == [True, True, False, False]
    time.sleep(0.4)
    assert lim.take("join_address", "a")


@needs_redis
def test_two_processes_on_one_redis_share_one_count():
    prefix = f"test:{uuid.uuid4().hex}"
    a, b = make(REDIS, prefix), make(REDIS, prefix)
    assert a.take("join_address", "x") and b.take("join_address", "x")
    assert not a.take("join_address", "x") and not b.take("join_address", "x")
    other = make(REDIS)      # another database: a prefix of its own
    assert other.take("join_address", "x")


def flood_for(lim, n, key="C1:7"):
    flood = lim.flood
    return sum(flood.allow(flood.bucket(key), key) for _ in range(n))


def test_flood_burst_then_refused_in_memory():
    assert flood_for(make(), 50) == FLOOD["burst"]


@needs_redis
def test_flood_over_three_processes_stays_within_the_stated_bound():
    prefix = f"test:{uuid.uuid4().hex}"
    procs = [make(REDIS, prefix) for _ in range(3)]
    started = time.monotonic()
    accepted = sum(flood_for(p, 40) for p in procs)
    elapsed = time.monotonic() - started
    bound = (FLOOD["burst"] + FLOOD["rate"] * (elapsed + 1)
             + 3 * (FLOOD["free"] + FLOOD["free_rate"] * elapsed))
    assert accepted <= bound
    assert accepted < 3 * FLOOD["burst"]      # per-process buckets alone would allow 30


@needs_redis
def test_a_phone_in_normal_play_never_asks_redis(monkeypatch):
    lim = make(REDIS)
    monkeypatch.setattr(lim.shared, "lease", None)   # any call would raise TypeError
    assert flood_for(lim, FLOOD["free"]) == FLOOD["free"]


def test_redis_down_falls_back_to_this_process():
    lim = make("redis://127.0.0.1:1/0")
    assert [lim.take("join_address", "a") for _ in range(3)] == [True, True, False]
    assert flood_for(lim, 50) == FLOOD["burst"]
