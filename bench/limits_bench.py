"""What a limit check costs (issue 20): in memory, and one Redis round trip on loopback.

    .venv/bin/python bench/limits_bench.py redis://127.0.0.1:6379/0

Prints microseconds per call: the flood check on the phone's fast path (local bucket only),
the same with Redis configured while the free allowance lasts (still no round trip), a
flood lease (one round trip, EVALSHA), a window check (one round trip), a bare PING.
"""
import statistics
import sys
import time
import uuid

sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.dirname(
    __import__("os").path.abspath(__file__))))

from quiz.base import limits  # noqa: E402
from quiz.base.config import FLOOD, LIMITS  # noqa: E402


def per_call(fn, n=2000, runs=5) -> tuple[float, float]:
    """Median and spread (min-max) of µs per call over ``runs`` runs of ``n`` calls."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        out.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(out), max(out) - min(out)


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    huge = dict(FLOOD, burst=10**9, free=10**9)
    local = limits.Limits(dict(LIMITS), huge, None, "bench")
    rows = [("flood, memory only", lambda: local.flood.allow(local.flood.bucket("c:1"), "c:1"))]
    if url:
        shared = limits.Limits(dict(LIMITS), huge, url, f"bench:{uuid.uuid4().hex}")
        key = "c:1"
        rows.append(("flood, Redis set, within free", lambda: shared.flood.allow(
            shared.flood.bucket(key), key)))
        rows.append(("flood lease (1 round trip)",
                     lambda: shared.shared.lease(f"{shared.prefix}:flood:x", 10**9, 5.0, 5)))
        rows.append(("window check (1 round trip)",
                     lambda: shared.over("sign_in", "10.0.0.1")))
        rows.append(("Redis PING (1 round trip)", shared.shared.ping))
    for name, fn in rows:
        med, spread = per_call(fn)
        print(f"{name:34s} {med:8.1f} µs/call  (spread {spread:.1f})")


if __name__ == "__main__":
    main()
