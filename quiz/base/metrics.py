"""The Prometheus metrics of the server (docs/operations.md names each one).

Counters and histograms only, bumped where the work is done (a command, a broadcast, a reload):
nothing is done per phone, and connected clients are counted when /metrics is read
(quiz/web/ops.py). Served by quiz/web/ops.py at /metrics.
"""
from prometheus_client import Counter, Histogram

# Command latency: lock, rules, commit to the database (what a host or a buzzing phone waits).
_LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

COMMANDS = Counter("quiz_commands", "Commands run (state changes and refusals), by actor role",
                   ["role"])
COMMAND_SECONDS = Histogram("quiz_command_seconds",
                            "Time to run one command (lock, rules, commit)",
                            buckets=_LATENCY_BUCKETS)
BROADCAST_SECONDS = Histogram("quiz_broadcast_seconds",
                              "Time to send one state snapshot to a role's room", ["role"],
                              buckets=_LATENCY_BUCKETS)
CONFLICTS = Counter("quiz_conflicts",
                    "Commands that met another process's command first (reloaded, judged again)")
RELOADS = Counter("quiz_reloads", "Contest states reloaded from the database")
LIMIT_REFUSALS = Counter("quiz_limit_refusals", "Requests refused by a rate limit", ["limit"])
LIMIT_REDIS_ERRORS = Counter("quiz_limits_redis_errors",
                             "Limit checks that fell back to this process (Redis failed)")
