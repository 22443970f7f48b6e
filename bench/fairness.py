"""Fair buzz order against the real server: how often the true first presser wins.

Simulated phones (tests/integration/buzzers.py) on links of 0 to 300 ms each way (with
jitter), whose clocks are skewed by seconds and drift, press in a known true order with a known
gap. One run plays every race once in fair order; each race's evidence also says who arrived
first, i.e. who arrival order would have picked. Printed: the true first's win rate under both
orders per gap, the time from the last press to the winner shown on the host console, and the
races a forging phone (claiming a press time a second earlier) won although it pressed later.

    .venv/bin/python bench/fairness.py [--races 30] [--port 5261]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.helpers import contest_spec, question  # noqa: E402
from tests.integration.buzzers import phone, press_at  # noqa: E402
from tests.integration.live_clients import Client, close_all  # noqa: E402
from tests.serverproc import ServerProcess  # noqa: E402

DELAYS_MS = (0, 100, 200, 300)      # one-way, each way
JITTER_MS = 15
GAPS_MS = (10, 30, 50, 100)
FORGED_GAPS_MS = (10, 50, 100)      # the forger presses this much after the honest phone


def wait_for(client, test, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = client.state
        if s and test(s):
            return s, time.time()
        client.changed.wait(0.002)
        client.changed.clear()
    raise RuntimeError(f"not reached: {client.state and client.state['phase']}")


def resync(buzzers) -> None:
    threads = [threading.Thread(target=b.sync, args=(2,), daemon=True) for b in buzzers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)


def race(host, buzzers, order, gap_ms, kwargs=None):
    """One race: show, open, press in ``order`` with ``gap_ms``; (fair winner, arrival winner,
    ms from the last press to the winner on the host console, the host's buzzes)."""
    assert host.host("next")["ok"]
    s, _ = wait_for(host, lambda s: s["phase"] == "reading")
    qid = s["question"]["id"]
    assert host.host("open_buzzers", question=qid)["ok"]
    s, _ = wait_for(host, lambda s: s.get("opens_at"))
    start = s["opens_at"] / 1000 + 0.15 + random.random() * 0.05
    plan = [(buzzers[t], start + i * gap_ms / 1000, (kwargs or {}).get(t, {}))
            for i, t in enumerate(order)]
    press_at(plan, qid)
    # the referee: when each buzzer really stamped its press (a loaded machine wakes a thread
    # late, which can change the true order: the true first is the earliest real touch)
    touched = sorted(order, key=lambda t: buzzers[t].pressed)
    last_press = buzzers[touched[-1]].pressed
    s, seen = wait_for(host, lambda s: s["phase"] == "answering")
    buzzes = s["buzzes"]
    if s["turn"] != min(order, key=lambda t: buzzers[t].pressed):
        base = min(buzzers[t].pressed for t in order)
        print("missed:", [(t, round((buzzers[t].pressed - base) * 1000)) for t in order],
              [{k: b[k] for k in ("team", "rank", "received", "corrected", "rtt",
                                  "uncertainty", "fallback", "bound")} for b in buzzes],
              file=sys.stderr)
    first = min(buzzes, key=lambda b: b["received"])
    assert host.host("judge", question=qid, team=s["turn"], correct=True)["ok"]
    return s["turn"], first["team"], ((seen - last_press) * 1000,
                                      seen * 1000 - first["received"]), touched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--races", type=int, default=30, help="races per gap")
    parser.add_argument("--port", type=int, default=5261)
    args = parser.parse_args()
    n = args.races * len(GAPS_MS) + args.races * len(FORGED_GAPS_MS)
    teams = [f"队{i + 1}" for i in range(len(DELAYS_MS))]
    spec = contest_spec(teams=teams, settings={"buzz_order": "fair"}, rounds=[{
        "kind": "buzz", "title": "抢答", "settings": {"buzz_window": 60, "answer_time": 60},
        "questions": [question(stem=f"抢答 {i}") for i in range(n + 1)]}])
    tmp = tempfile.mkdtemp(prefix="fairness-")
    server = ServerProcess(os.path.join(tmp, "instance"), port=args.port)
    made = server.create_contest(spec, tmp)
    server.start()
    host = Client(server.url, {"contest": made["code"], "role": "host",
                               "key": made["host_key"]})
    rng = random.Random(17)
    try:
        ids = [t["id"] for t in host.wait_version(0)["teams"]]
        buzzers = {t: phone(server.url, made["code"], t, f"选手{t}", delay_ms=d,
                            jitter_ms=JITTER_MS, skew_ms=rng.uniform(-5000, 5000),
                            drift_ppm=rng.uniform(-100, 100), seed=t)
                   for t, d in zip(ids, DELAYS_MS, strict=True)}
        host.host("next")
        rows, latencies, added = [], [], []
        for gap in GAPS_MS:
            fair_ok = arrival_ok = 0
            for _ in range(args.races):
                order = ids[:]
                rng.shuffle(order)
                winner, arrival, ms, touched = race(host, buzzers, order, gap)
                fair_ok += winner == touched[0]
                arrival_ok += arrival == touched[0]
                latencies.append(ms[0])
                added.append(ms[1])
                resync(buzzers.values())
            rows.append((gap, fair_ok, arrival_ok))
        forged = []
        forger = ids[1]                                   # the 100 ms phone
        for gap in FORGED_GAPS_MS:
            wins = 0
            for _ in range(args.races):
                honest = rng.choice([t for t in ids if t != forger])
                winner, _, _, touched = race(host, buzzers, [honest, forger], gap,
                                             {forger: {"forge_ms": 1000}})
                wins += winner == forger and touched[0] == honest
                resync(buzzers.values())
            forged.append((gap, wins))
    finally:
        close_all([host] + [b.client for b in buzzers.values()])
        server.stop()
    print(f"links {DELAYS_MS} ms each way, ±{JITTER_MS} ms jitter, clocks skewed ±5 s, "
          f"drift ±100 ppm; {args.races} races per gap")
    print("| gap between presses | true first wins: arrival order | true first wins: fair order |")
    print("|---|---|---|")
    for gap, fair_ok, arrival_ok in rows:
        print(f"| {gap} ms | {100 * arrival_ok / args.races:.0f} % | "
              f"{100 * fair_ok / args.races:.0f} % |")
    for label, values in (("last press -> winner on the host console", latencies),
                          ("first arrival (arrival order's winner) -> fair winner", added)):
        q = statistics.quantiles(values, n=20)
        print(f"{label}: median {statistics.median(values):.0f} ms, p95 {q[18]:.0f} ms, "
              f"max {max(values):.0f} ms")
    for gap, wins in forged:
        print(f"forger (claims 1 s early) pressing {gap} ms after an honest phone: "
              f"won {wins} of {args.races}")


if __name__ == "__main__":
    main()
