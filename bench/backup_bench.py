"""Backup copies against the live loop: host ack latency with and without copies running.

Starts the real server (``python app.py``, gevent) on 127.0.0.1 with a database padded to
``--mb`` megabytes (filler questions in a bank of their own), starts a contest, and has the
host send ``adjust_score`` commands one after another for ``--seconds``: once with backups
effectively off (QUIZ_BACKUP_MINUTES=1000: one copy at the start only) and once with a copy due
every 0.3 s (copies back to back). Prints the ack latency p50/p99/max of each run, the number
of copies made and the time one copy takes in-process.

    .venv/bin/python bench/backup_bench.py --mb 100 --seconds 20

Loopback only; the servers are stopped at the end.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.helpers import contest_spec  # noqa: E402
from tests.integration.live_clients import Client  # noqa: E402
from tests.serverproc import ServerProcess  # noqa: E402


def pad(db_path: str, mb: int) -> None:
    """Add filler questions until the database file holds about ``mb`` megabytes."""
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO bank (name, created_at) VALUES ('bench filler', '2026-01-01')")
    bank = conn.execute("SELECT id FROM bank WHERE name = 'bench filler'").fetchone()[0]
    stem = "填充题目 " * 40
    rows = mb * 1024 * 1024 // 600
    conn.executemany(
        "INSERT INTO bank_question (bank_id, type, stem, options, answer, fingerprint, "
        "created_at) VALUES (?, 'open', ?, '[]', '[\"x\"]', ?, '2026-01-01')",
        ((bank, stem + str(i), f"{i:032x}") for i in range(rows)))
    conn.commit()
    conn.close()


def run(minutes: str, mb: int, seconds: float, tmp: str) -> dict:
    instance = os.path.join(tmp, f"instance-{minutes}")
    server = ServerProcess(instance, extra_env={"QUIZ_BACKUP_MINUTES": minutes,
                                                "QUIZ_BACKUP_KEEP": "3"})
    made = server.create_contest(contest_spec(), tmp)
    pad(os.path.join(instance, "quiz.sqlite3"), mb)
    server.start()
    host = Client(server.url, {"contest": made["code"], "role": "host",
                               "key": made["host_key"]})
    try:
        team = host.wait_version(0)["teams"][0]["id"]
        assert host.host("next")["ok"]
        lat = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            t0 = time.perf_counter()
            ack = host.host("adjust_score", team=team, delta=1, reason="bench")
            lat.append((time.perf_counter() - t0) * 1000)
            assert ack["ok"], ack
        copies = len([n for n in os.listdir(os.path.join(instance, "backups"))])
        log = server.output()
    finally:
        host.close()
        server.stop()
    lat.sort()
    return {"acks": len(lat), "p50": statistics.median(lat),
            "p99": lat[int(len(lat) * 0.99) - 1], "max": lat[-1], "copies_kept": copies,
            "failed": "backup copy failed" in log}


def one_copy_s(mb: int, tmp: str) -> float:
    from quiz.record.backups import copy_database

    src = os.path.join(tmp, "instance-1000", "quiz.sqlite3")
    t0 = time.perf_counter()
    copy_database(src, os.path.join(tmp, "one-copy.sqlite3"))
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="backup-bench-")
    for label, minutes in (("copies off", "1000"), ("copies back to back", "0.005")):
        r = run(minutes, args.mb, args.seconds, tmp)
        print(f"{label:>20}: {r['acks']} acks, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, "
              f"max {r['max']:.2f} ms; copies kept {r['copies_kept']}; failed: {r['failed']}",
              flush=True)
    size = os.path.getsize(os.path.join(tmp, "instance-1000", "quiz.sqlite3")) / 2**20
    print(f"one copy of the {size:.0f} MB database: {one_copy_s(args.mb, tmp):.2f} s")


if __name__ == "__main__":
    main()
