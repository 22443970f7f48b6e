"""Fair buzz order against the real server: how often the true first presser wins.

Simulated phones (tests/integration/buzzers.py) on links of 0 to 300 ms each way (with
jitter), whose clocks are skewed by seconds and drift, press in a known true order with a known
gap. One run plays every race once in fair order; each race's evidence also says who arrived
first, i.e. who arrival order would have picked. Printed: the true first's win rate under both
orders per gap, the time from the last press to the winner shown on the host console, the time
fair order adds after the first arrival beside the floor no fair rule can beat (the slowest
link's one-way delay after the true first press), and the races a forging phone (claiming a
press time a second earlier) won although it pressed later.

    .venv/bin/python bench/fairness.py [--races 30] [--port 5261] [--profile both|wide|hall]

Two link profiles, each against a server of its own: ``wide`` (the issue's 0-300 ms) and
``hall`` (0-100 ms, a hall's Wi-Fi with a weak corner).
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

# One-way delays (each way) of the four phones: the spread (an online round, a
# congested hall) and a hall's Wi-Fi (a weak corner at 100 ms).
PROFILES = {"wide": (0, 100, 200, 300), "hall": (0, 30, 60, 100)}
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
    # The presses go out in threads of their own while the host console is watched: the
    # winner can be known before the last press has even been acked (or made).
    pressing = threading.Thread(target=press_at, args=(plan, qid), daemon=True)
    pressing.start()
    s, seen = wait_for(host, lambda s: s["phase"] == "answering")
    pressing.join(10)
    # the referee: when each buzzer really stamped its press (a loaded machine wakes a thread
    # late, which can change the true order: the true first is the earliest real touch)
    touched = sorted(order, key=lambda t: buzzers[t].pressed)
    last_press = buzzers[touched[-1]].pressed
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
                                      seen * 1000 - first["received"],
                                      first["received"] - buzzers[touched[0]].pressed * 1000), \
        touched


def play(delays: tuple, args) -> dict:
    """Every race of one link profile against a server of its own; the figures."""
    n = args.races * len(GAPS_MS) + args.races * len(FORGED_GAPS_MS)
    teams = [f"队{i + 1}" for i in range(len(delays))]
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
    buzzers: dict = {}
    out: dict = {"rows": [], "latencies": [], "added": [], "floor": [], "forged": []}
    try:
        ids = [t["id"] for t in host.wait_version(0)["teams"]]
        link = dict(zip(ids, delays, strict=True))
        buzzers = {t: phone(server.url, made["code"], t, f"选手{t}", delay_ms=link[t],
                            jitter_ms=JITTER_MS, skew_ms=rng.uniform(-5000, 5000),
                            drift_ppm=rng.uniform(-100, 100), seed=t) for t in ids}
        host.host("next")
        for gap in GAPS_MS:
            fair_ok = arrival_ok = 0
            for _ in range(args.races):
                order = ids[:]
                rng.shuffle(order)
                winner, arrival, ms, touched = race(host, buzzers, order, gap)
                fair_ok += winner == touched[0]
                arrival_ok += arrival == touched[0]
                out["latencies"].append(ms[0])
                out["added"].append(ms[1])
                # The floor: no rule can be sure of the first before every other link has had
                # time to bring a press made before the first's (its one-way delay after it).
                out["floor"].append(max(link.values()) - ms[2])
                resync(buzzers.values())
            out["rows"].append((gap, fair_ok, arrival_ok))
        forger = ids[1]
        for gap in FORGED_GAPS_MS:
            wins = 0
            for _ in range(args.races):
                honest = rng.choice([t for t in ids if t != forger])
                winner, _, _, touched = race(host, buzzers, [honest, forger], gap,
                                             {forger: {"forge_ms": 1000}})
                wins += winner == forger and touched[0] == honest
                resync(buzzers.values())
            out["forged"].append((gap, wins, link[forger]))
    finally:
        close_all([host] + [b.client for b in buzzers.values()])
        server.stop()
    return out


def report(name: str, delays: tuple, out: dict, races: int) -> None:
    print(f"\n{name}: links {delays} ms each way, ±{JITTER_MS} ms jitter, clocks skewed ±5 s, "
          f"drift ±100 ppm; {races} races per gap")
    print("| gap between presses | true first wins: arrival order | true first wins: fair order |")
    print("|---|---|---|")
    for gap, fair_ok, arrival_ok in out["rows"]:
        print(f"| {gap} ms | {100 * arrival_ok / races:.0f} % | {100 * fair_ok / races:.0f} % |")
    at_30 = [(ok, races) for gap, ok, _ in out["rows"] if gap >= 30]
    print(f"gaps of 30 ms or more: fair order right in {sum(a for a, _ in at_30)} of "
          f"{sum(b for _, b in at_30)} races")
    for label, values in (("last press -> winner on the host console", out["latencies"]),
                          ("first arrival (arrival order's winner) -> fair winner", out["added"]),
                          ("first arrival -> the earliest any fair rule could know (the floor)",
                           out["floor"])):
        q = statistics.quantiles(values, n=20)
        print(f"{label}: median {statistics.median(values):.0f} ms, p95 {q[18]:.0f} ms, "
              f"max {max(values):.0f} ms")
    for gap, wins, d in out["forged"]:
        print(f"forger ({d} ms link, claims 1 s early) pressing {gap} ms after an honest phone: "
              f"won {wins} of {races}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--races", type=int, default=30, help="races per gap")
    parser.add_argument("--port", type=int, default=5261)
    parser.add_argument("--profile", choices=("both", *PROFILES), default="both")
    args = parser.parse_args()
    names = list(PROFILES) if args.profile == "both" else [args.profile]
    results = {name: play(PROFILES[name], args) for name in names}
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    for name in names:
        report(name, PROFILES[name], results[name], args.races)


if __name__ == "__main__":
    main()
