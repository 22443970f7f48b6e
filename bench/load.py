"""Load benchmark (issue 6): the real server, N phones playing buzz-in questions, and a storm.

For each N it starts the real server the way ``make run`` does (``python app.py``: gevent,
monkey-patched; ``--mode threading`` sets SOCKETIO_ASYNC_MODE) on 127.0.0.1 with its own
instance folder, creates a 10-team contest through the CLI, connects the host, one projector
(``screen``) and N phones (lightweight raw websocket clients from bench/socket_bench.py, spread
over several client processes), and the phones join the teams round-robin. Then:

* broadcasts: the host sends ``adjust_score`` commands (each changes the state, so every phone
  receives ``state``): ``--runs`` runs (4) of ``--broadcasts`` (60) each, alternating with the
  bare server's; server CPU per broadcast from the scheduler's per-thread count
  (/proc/<pid>/task/*/schedstat, ns), the idle rate of 2 s windows before and after each run
  subtracted, printed as the median run with the spread; and the phone receive latency;
* buzz-in questions: the host opens the buzzers and every phone of every team buzzes at the same
  moment; buzz -> projector (the ``screen`` receives the state with the winner) and buzz -> all
  phones know, both from the winning buzz's send time; exactly one rank-1 buzz per question
  (counted in the host's final snapshot) and at most one accepted buzz per team;
* the all-answer storm: every phone answers once, spread over one second; every answer acked
  (latency), counted once (the host's ``answered_count``), and how many ``state`` broadcasts
  each phone received during the storm (coalesced: at most ten a second);
* server memory (VmRSS, VmHWM) and the size of a phone's ``state`` snapshot;
* the same N clients on bench/bare_server.py (bare Flask-SocketIO, same async mode) doing one
  broadcast of the same snapshot; our server CPU per broadcast as a ratio to it.

Every latency is printed twice: to the frame's *arrival* at the client's socket (the kernel's
receive timestamp, ``SO_TIMESTAMPNS``: when a device with its own CPU would have it) and, in the
``read`` columns, to when the client process read it. The client processes stand in for
hundreds of phones each and share the two cores with the server, so a frame can wait in the
socket for them (on this machine until the next scheduler tick: 4, 8, 12 ms ...). The process
holding the host console and the projector runs under SCHED_FIFO when it may (``--stage``), so
it reads each frame as it arrives; ``--phones idle`` runs the phone processes under SCHED_IDLE,
so they never take a core the server wants.

    .venv/bin/python bench/load.py                         # N = 100, 500, 1000, 2000
    .venv/bin/python bench/load.py --sizes 100,500 --questions 4
    QUIZ_PING_INTERVAL=600 QUIZ_PING_TIMEOUT=600 .venv/bin/python bench/load.py --sizes 1000
                                  # CPU per broadcast without the heartbeat (docs/performance.md)

Loopback only; every wait is bounded; the servers and client processes stop by themselves.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from socket_bench import (  # noqa: E402
    BareServer,
    Fleet,
    OurServer,
    bench_contest,
    broadcast_latencies,
    connect_phones,
    cpu_seconds,
    first_at_least,
    ms,
    pct,
    print_table,
    rss_mb,
    team_ids,
)

HOST, SCREEN = 0, 1     # the stage worker's connections


class Spy:
    """py-spy (when --py-spy DIR is given) recording the server during one phase."""

    def __init__(self, args, pid: int, name: str):
        self.proc = None
        if args.py_spy:
            exe = shutil.which("py-spy") or os.path.join(os.path.dirname(sys.executable),
                                                         "py-spy")
            os.makedirs(args.py_spy, exist_ok=True)
            self.proc = subprocess.Popen(
                [exe, "record", "--nonblocking", "-r", "250", "-f", "raw", "-p", str(pid),
                 "-o", os.path.join(args.py_spy, name + ".txt")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc is not None:
            self.proc.send_signal(2)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def host_call(fleet: Fleet, data: dict, must=True) -> dict:
    r = fleet.stage("call", conn=HOST, event="host", data=data)
    if must and not r["ack"].get("ok"):
        raise RuntimeError(f"host {data.get('action')} refused: {r['ack']}")
    return r


def host_state(fleet: Fleet, settle=0.2) -> dict:
    time.sleep(settle)
    state = fleet.stage("last_state", conn=HOST)["state"]
    if state is None:
        raise RuntimeError("the host connection holds no decodable snapshot")
    return state


def cpu_ns(pid: int) -> int:
    """CPU time of every thread of ``pid`` so far, in ns (the scheduler's own count, exact;
    /proc/PID/stat's utime + stime move in 10 ms ticks)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as fh:
                total += int(fh.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass        # a thread that just ended
    return total


def cpu_now(pids) -> tuple[float, list[int]]:
    return time.time(), [cpu_ns(p) for p in pids]


def idle_window(pids, seconds: float) -> tuple[float, list[int]]:
    """(seconds, CPU ns per process) over a window in which nothing is sent."""
    t0, c0 = cpu_now(pids)
    time.sleep(seconds)
    t1, c1 = cpu_now(pids)
    return t1 - t0, [b - a for a, b in zip(c0, c1, strict=True)]


def all_delivered(fleet, last: tuple[float, int], timeout: float = 30.0) -> list[dict]:
    """Wait (bounded) until every phone holds the state of the ``last`` send: on a busy
    machine the phone processes read late, and the server's writes of the last broadcasts
    would otherwise fall into the idle window after them (and be subtracted)."""
    deadline = time.time() + timeout
    while True:
        time.sleep(0.3)
        collected = fleet.phones("collect")
        if broadcast_latencies(collected, [last])[1] == 0 or time.time() > deadline:
            return collected


def timed_broadcasts(fleet, pids, count, gap, make_cmd, event="host", idle_s=2.0) -> dict:
    """``count`` state-changing commands ``gap`` apart: CPU per broadcast and phone latency.

    CPU per broadcast per process = (its CPU over the broadcasts - its idle rate x their span)
    / count, the idle rate measured in a window of ``idle_s`` before and one after (pings,
    presence: 30-40 ms a second at 1000 phones)."""
    pids = [pids] if isinstance(pids, int) else list(pids)
    fleet.phones("reset")
    before = idle_window(pids, idle_s)
    sends = []
    t0, c0 = cpu_now(pids)
    for i in range(count):
        r = fleet.stage("call", conn=HOST, event=event, data=make_cmd(i))
        if not r["ack"].get("ok"):
            raise RuntimeError(f"broadcast command refused: {r['ack']}")
        sends.append((r["sent"], r["ack"].get("version", 0)))
        time.sleep(gap)
    collected = all_delivered(fleet, sends[-1])
    t1, c1 = cpu_now(pids)
    after = idle_window(pids, idle_s)
    span = t1 - t0
    idle = [(b + a) / 1e9 / (before[0] + after[0]) for b, a in
            zip(before[1], after[1], strict=True)]
    gross = [(y - x) / 1e9 for x, y in zip(c0, c1, strict=True)]
    per = [max(0.0, g - rate * span) / count for g, rate in zip(gross, idle, strict=True)]
    lat, missed = broadcast_latencies(collected, sends, arrived=True)
    read, _ = broadcast_latencies(collected, sends)
    print(f"    {count} broadcasts in {span:.1f} s: CPU {sum(gross) * 1000:.0f} ms, idle "
          f"{sum(idle) * 1000:.0f} ms/s before and after ({before[0]:.1f} + {after[0]:.1f} s)",
          flush=True)
    return {"cpu": sum(per), "cpu_per_process": per, "cpu_gross": sum(gross) / count,
            "idle": sum(idle), "count": count, "lat": lat, "read": read, "missed": missed}


def merge(runs: list[dict]) -> dict:
    """Several runs of timed_broadcasts: the median run's CPU, the spread, every latency."""
    cpus = sorted(r["cpu"] for r in runs)
    return {"cpu": statistics.median(cpus), "cpu_runs": [r["cpu"] for r in runs],
            "cpu_min": cpus[0], "cpu_max": cpus[-1],
            "idle": statistics.median(r["idle"] for r in runs),
            "count": sum(r["count"] for r in runs),
            "lat": [x for r in runs for x in r["lat"]],
            "read": [x for r in runs for x in r["read"]],
            "missed": sum(r["missed"] for r in runs)}


def compare_broadcasts(args, workdir, fleet, pid, n, teams, snap) -> tuple[dict, dict | None]:
    """Our adjust_score broadcasts and the bare server's broadcasts of the same snapshot to
    as many clients: ``args.runs`` runs of each, ``args.broadcasts`` broadcasts a run,
    alternating (so a change in the machine's load hits both)."""
    gap = 0.25 + n * 0.0005
    ours, bares = [], []
    bfleet = Fleet(args.workers, idle_phones=args.phones == "idle")
    bare = None
    try:
        bare = BareServer(args.mode, workdir)
        bfleet.stage("connect", host="127.0.0.1", port=bare.port, specs=[
            {"auth": {"role": "host"}}])
        bcon = connect_phones(bfleet, bare.port, n, {"role": "player"}, wait_state=False)
        if bcon["ok"] < n:
            print(f"  N={n}: bare server: only {bcon['ok']} connected", flush=True)
        time.sleep(1.0)
    except Exception as exc:
        print(f"  N={n}: bare server failed: {exc}", flush=True)
        bfleet.close()
        if bare is not None:
            bare.stop()
        bare = None
    per = args.broadcasts
    try:
        with Spy(args, pid, f"broadcast-{n}"):
            for b in range(args.runs):
                ours.append(timed_broadcasts(fleet, pid, per, gap, lambda i, b=b: {
                    "action": "adjust_score", "team": teams[(b * per + i) % len(teams)],
                    "delta": 1, "reason": "bench"}))
                if bare is not None:
                    bares.append(timed_broadcasts(bfleet, bare.pid, per, gap,
                                                  lambda i: snap, event="go"))
                print(f"  N={n}: broadcast run {b + 1}/{args.runs}: ours "
                      f"{ours[-1]['cpu'] * 1000:.1f} ms"
                      + (f", bare {bares[-1]['cpu'] * 1000:.1f} ms" if bares else ""),
                      flush=True)
    finally:
        if bare is not None:
            bare.stop()
            bfleet.close()
    return merge(ours), (merge(bares) if bares else None)


def phone_snapshot(fleet: Fleet) -> tuple[dict, int, int]:
    """(a phone's last snapshot, its JSON size in UTF-8 bytes, its wire packet size)."""
    got = fleet._ask(fleet.phone_pipes[0], "last_state", conn=0)
    snap = got["state"]
    return snap, len(json.dumps(snap, ensure_ascii=False).encode("utf-8")), got["bytes"]


def ack_latencies(fired: list[dict]) -> dict:
    """From each send to its ack's arrival (``acks``) and to its read (``acks_read``)."""
    acked = [r for r in fired if r.get("acked")]
    return {"acks": [r["ack_arrived"] - r["sent"] for r in acked],
            "acks_read": [r["acked"] - r["sent"] for r in acked]}


def play_buzz_question(fleet: Fleet, n: int, pid: int) -> dict:
    """Open the buzzers; every phone buzzes at once; the winner is judged right and we go on."""
    hs = host_state(fleet, 0)
    qid = hs["question"]["id"]
    host_call(fleet, {"action": "open_buzzers", "question": qid})
    time.sleep(0.3 + n * 0.0003)       # the phones have the open state; coalescing window past
    fleet.phones("reset")
    fleet.stage("reset")
    at = time.time() + 0.3
    c0 = cpu_seconds(pid)
    fired = [r for res in fleet.phones("fire", event="buzz", data={"question": qid}, at=at)
             for r in res]
    time.sleep(0.6 + n * 0.0006)
    cpu = cpu_seconds(pid) - c0
    screen = fleet.stage("collect")["states"][SCREEN]
    phones = fleet.phones("collect")
    ok = [r for r in fired if r.get("ok")]
    out = {**ack_latencies(fired), "fired": len(fired), "ok": len(ok), "cpu": cpu,
           "errors": sorted({str(r.get("error")) for r in fired if not r.get("ok")})}
    per_team: dict = {}
    for r in ok:
        per_team[r["team"]] = per_team.get(r["team"], 0) + 1
    out["dup_team"] = sum(c > 1 for c in per_team.values())
    if not ok:
        out.update(proj=None, proj_read=None, phones=[], phones_read=[], winners=0)
        return out
    win = min(ok, key=lambda r: r["version"])
    t_w, v_w = win["sent"], win["version"]
    for key, arrived in (("proj", True), ("proj_read", False)):
        t_scr = first_at_least(screen, v_w, t_w, arrived)
        out[key] = None if t_scr is None else t_scr - t_w
    lat, missed = broadcast_latencies(phones, [(t_w, v_w)], arrived=True)
    out["phones"], out["phones_missed"] = lat, missed
    out["phones_read"] = broadcast_latencies(phones, [(t_w, v_w)])[0]
    final = host_state(fleet, 0.3)
    out["winners"] = sum(1 for b in final.get("buzzes", []) if b.get("rank") == 1
                         and not b.get("foul"))
    out["win_team_ok"] = any(b.get("rank") == 1 and b.get("team") == win["team"]
                             for b in final.get("buzzes", []))
    host_call(fleet, {"action": "judge", "question": qid, "team": win["team"], "correct": True})
    return out


def storm(fleet: Fleet, pid: int, n: int, host_auth: dict, spread: float = 1.0) -> dict:
    """All phones answer the all-answer question once within ``spread`` seconds."""
    for _ in range(4):
        hs = host_state(fleet, 0.3)
        if hs["phase"] == "collecting":
            break
        host_call(fleet, {"action": "next"})
    else:
        hs = host_state(fleet, 0.3)
    if hs["phase"] != "collecting":
        raise RuntimeError(f"storm: no all-answer question open (phase {hs['phase']})")
    qid = hs["question"]["id"]
    time.sleep(0.5)
    counts = [c for c in fleet.phones("count_joined")]
    offsets, acc = [], 0
    for c in counts:
        offsets.append({"offset": acc})
        acc += c
    fleet.phones("reset")
    c0 = cpu_seconds(pid)
    at = time.time() + 0.3
    fired = [r for res in fleet.phones("fire", per_worker=offsets, event="answer",
                                       data={"question": qid, "answer": ["B"]}, at=at,
                                       spread=spread, total=acc, timeout=60.0)
             for r in res]
    time.sleep(1.0)
    cpu = cpu_seconds(pid) - c0
    phones = fleet.phones("collect")
    window_end = at + spread + 1.0
    per_phone = [sum(1 for t, *_ in st if at <= t <= window_end)
                 for res in phones for st in res["states"]]
    lagging = host_state(fleet, 0.3)
    # the count as the server holds it: a host console that connects now gets it first
    fleet.stage("connect", host="127.0.0.1", port=host_auth["port"],
                specs=[{"auth": host_auth["auth"]}])
    final = fleet.stage("last_state", conn=2)["state"] or {}
    return {"fired": len(fired), "ok": sum(1 for r in fired if r.get("ok")),
            "errors": sorted({str(r.get("error")) for r in fired if not r.get("ok")})[:3],
            **ack_latencies(fired), "answered": final.get("answered_count"),
            "per_phone": per_phone,
            "host_lag": lagging.get("answered_count"),
            "cpu": cpu, "last_ack": max((r["acked"] for r in fired if r.get("acked")),
                                        default=at) - at}


def run_size(n: int, args, workdir: str) -> dict:
    row: dict = {"n": n}
    fleet = Fleet(args.workers, stage_nice=args.stage_nice, idle_phones=args.phones == "idle",
                  realtime_stage=args.stage == "realtime")
    server = OurServer(args.mode, workdir, extra_env=dict(e.split("=", 1) for e in args.env))
    try:
        info = server.start(bench_contest(buzz_questions=args.questions, storm=True))
        code, pid = info["code"], server.pid
        if args.server_nice:
            try:
                os.setpriority(os.PRIO_PROCESS, pid, args.server_nice)
            except OSError as exc:
                print(f"  N={n}: --server-nice not applied: {exc}", flush=True)
        fleet.stage("connect", host="127.0.0.1", port=server.port, specs=[
            {"auth": {"contest": code, "role": "host", "key": info["host_key"]}},
            {"auth": {"contest": code, "role": "screen"}}])
        row["stage_policy"] = fleet.stage_policy
        row["rss_idle"] = rss_mb(pid)[0]
        con = connect_phones(fleet, server.port, n, {"contest": code, "role": "player"})
        row["con"] = con
        print(f"  N={n}: {con['ok']} connected in {con['wall']:.1f}s", flush=True)
        if con["ok"] < n:
            print(f"  N={n}: connect errors {con['errors']}", flush=True)
            if con["ok"] < 0.9 * n:
                row["failed"] = f"only {con['ok']}/{n} connected"
                return row
        teams = team_ids(host_state(fleet))
        t0 = time.time()
        joined = fleet.phones("join", teams=teams, timeout=300.0)
        row["join_s"] = time.time() - t0
        row["join_failed"] = sum(j["failed"] for j in joined)
        if row["join_failed"]:
            print(f"  N={n}: join errors {[j['errors'] for j in joined]}", flush=True)
        row["rss_conn"] = rss_mb(pid)[0]
        host_call(fleet, {"action": "next"})            # the buzz round's intro
        host_call(fleet, {"action": "next"})            # its first question (reading)
        time.sleep(0.5 + n * 0.0005)
        snap, row["snap_json"], row["snap_wire"] = phone_snapshot(fleet)
        row["bc"], row["bare"] = compare_broadcasts(args, workdir, fleet, pid, n, teams, snap)
        print(f"  N={n}: broadcasts done (ours and bare, interleaved)", flush=True)
        buzz = []
        with Spy(args, pid, f"buzz-{n}"):
            for qi in range(args.questions):
                buzz.append(play_buzz_question(fleet, n, pid))
                if qi < args.questions - 1:
                    host_call(fleet, {"action": "next"})
                    time.sleep(0.3)
        row["buzz"] = buzz
        snap2, size2, wire2 = phone_snapshot(fleet)
        if size2 > row["snap_json"]:
            snap, row["snap_json"], row["snap_wire"] = snap2, size2, wire2
        print(f"  N={n}: {len(buzz)} buzz questions done", flush=True)
        if n <= args.storm_max:
            with Spy(args, pid, f"storm-{n}"):
                row["storm"] = storm(fleet, pid, n, {"port": server.port, "auth": {
                    "contest": code, "role": "host", "key": info["host_key"]}})
            print(f"  N={n}: storm done", flush=True)
        row["rss_end"], row["rss_peak"] = rss_mb(pid)
        row["corrupt"] = fleet.stage("corrupt") + sum(fleet.phones("corrupt"))
    except Exception as exc:
        row["failed"] = f"{type(exc).__name__}: {exc}"[:200]
        traceback.print_exc()
        try:
            row["corrupt"] = fleet.stage("corrupt", timeout=5)
        except Exception:
            pass
        print(f"  N={n}: {row['failed']}\n{server.sp.output()[-3000:]}", flush=True)
        return row
    finally:
        server.stop()
        fleet.close()
    return row


def _p(values, p):
    return ms(pct(values, p))


def spread_us(m: dict, n: int) -> str:
    """'median (min-max)' of a merged measurement's CPU per phone, in µs."""
    return (f"{m['cpu'] / n * 1e6:.1f} ({m['cpu_min'] / n * 1e6:.1f}-"
            f"{m['cpu_max'] / n * 1e6:.1f})")


def ratios(ours: dict, bare: dict | None) -> str:
    """Ours / bare, run by run (the runs alternate): 'median (min-max)'."""
    if not bare:
        return "-"
    rs = sorted(o / b for o, b in zip(ours["cpu_runs"], bare["cpu_runs"], strict=False)
                if b)
    if not rs:
        return "-"
    return f"{statistics.median(rs):.2f} ({rs[0]:.2f}-{rs[-1]:.2f})"


def report(rows: list[dict], args) -> None:
    print()
    print(f"mode {args.mode}; {args.broadcasts} broadcasts and {args.questions} buzz-in "
          f"questions per N; {args.workers} phone client processes ({args.phones}); "
          f"host and projector client: "
          f"{', '.join(sorted({r.get('stage_policy', '?') for r in rows}))}; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    print("\nConnect, memory, snapshot size")
    t1 = []
    for r in rows:
        c = r.get("con", {})
        t1.append([r["n"], f"{c.get('ok', 0)}/{r['n']}", f"{c.get('wall', 0):.1f}",
                   ms(c.get("p50")), ms(c.get("p99")),
                   f"{r.get('join_s', 0):.1f}" if "join_s" in r else "-",
                   r.get("join_failed", "-"),
                   f"{r.get('rss_conn', 0):.0f}", f"{r.get('rss_peak', 0):.0f}",
                   r.get("snap_json", "-"), r.get("snap_wire", "-"), r.get("corrupt", "-"),
                   r.get("failed", "")])
    print_table(["N", "connected", "connect s", "conn p50 ms", "conn p99 ms", "join s",
                 "join fail", "RSS MiB", "peak RSS MiB", "phone snap B (JSON)",
                 "wire B", "corrupt frames", "note"], t1)
    print("\nLatencies run from the send to the frame's arrival at the client's socket (the"
          "\nkernel's receive timestamp: what a device with its own CPU sees); 'read' columns:"
          "\nwhen the client process, shared by hundreds of phones, got round to reading it.")
    print("\nServer CPU per broadcast (adjust_score -> all phones), ours vs bare Flask-SocketIO:"
          f"\n{args.runs} runs of {args.broadcasts} broadcasts each, alternating; idle rate "
          "(2 s before and after each run) subtracted; median run (min-max)")
    t2 = []
    for r in rows:
        bc, bare = r.get("bc"), r.get("bare")
        if not bc:
            continue
        t2.append([r["n"], f"{bc['cpu'] * 1000:.1f}", spread_us(bc, r["n"]),
                   f"{bc['idle'] * 1000:.0f}",
                   f"{bare['cpu'] * 1000:.1f}" if bare else "-",
                   spread_us(bare, r["n"]) if bare else "-", ratios(bc, bare),
                   _p(bc["lat"], 50), _p(bc["lat"], 99), _p(bc["read"], 99), bc["missed"],
                   _p(bare["lat"], 50) if bare else "-", _p(bare["lat"], 99) if bare else "-",
                   _p(bare["read"], 99) if bare else "-"])
    print_table(["N", "ours CPU ms", "ours µs/phone (min-max)", "ours idle ms/s",
                 "bare CPU ms", "bare µs/phone (min-max)", "ratio median (min-max)",
                 "ours p50 ms", "ours p99 ms", "ours read p99", "missed", "bare p50 ms",
                 "bare p99 ms", "bare read p99"], t2)
    print("\nBuzz-in: every phone of every team buzzes at once")
    t3 = []
    for r in rows:
        qs = r.get("buzz")
        if not qs:
            continue
        proj = [q["proj"] for q in qs if q.get("proj") is not None]
        proj_read = [q["proj_read"] for q in qs if q.get("proj_read") is not None]
        phones = [x for q in qs for x in q.get("phones", [])]
        phones_read = [x for q in qs for x in q.get("phones_read", [])]
        acks = [x for q in qs for x in q["acks"]]
        one = sum(1 for q in qs if q.get("winners") == 1 and not q.get("dup_team")
                  and q.get("win_team_ok"))
        missed = sum(q.get("phones_missed", 0) for q in qs)
        cpu = sum(q.get("cpu", 0) for q in qs) / len(qs)
        t3.append([r["n"], len(qs), f"{cpu * 1000:.0f}", _p(proj, 50), _p(proj, 99),
                   ms(max(proj) if proj else None), _p(proj_read, 99),
                   ms(max(proj_read) if proj_read else None),
                   _p(phones, 50), _p(phones, 99), _p(phones_read, 99), missed,
                   _p(acks, 50), _p(acks, 99), f"{one}/{len(qs)}",
                   ",".join(sorted({e for q in qs for e in q["errors"]}))])
    print_table(["N", "questions", "CPU ms/question", "projector p50 ms", "projector p99 ms",
                 "projector max ms", "projector read p99", "projector read max",
                 "all phones p50 ms", "all phones p99 ms", "all phones read p99", "missed",
                 "buzz ack p50 ms", "buzz ack p99 ms", "exactly one winner", "refusals seen"],
                t3)
    for r in rows:
        if r.get("buzz"):
            print(f"projector per question at N={r['n']} (arrived/read ms): " + ", ".join(
                f"{ms(q.get('proj'))}/{ms(q.get('proj_read'))}" for q in r["buzz"]))
    print("\nAll-answer storm: every phone answers once within one second")
    t4 = []
    for r in rows:
        s = r.get("storm")
        if not s:
            continue
        pp = s["per_phone"]
        t4.append([r["n"], f"{s['ok']}/{s['fired']}", _p(s["acks"], 50), _p(s["acks"], 99),
                   ms(max(s["acks"]) if s["acks"] else None), _p(s["acks_read"], 99),
                   s["answered"],
                   s.get("host_lag", "-"),
                   f"{pct(pp, 50)}", f"{max(pp) if pp else '-'}", f"{s['cpu']:.2f}",
                   f"{s['last_ack']:.2f}", ",".join(s["errors"])])
    print_table(["N", "acked ok", "ack p50 ms", "ack p99 ms", "ack max ms", "ack read p99",
                 "answered_count",
                 "host console saw (+1.3 s)",
                 "states/phone p50", "states/phone max", "server CPU s", "last ack s",
                 "errors"], t4)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Load benchmark (issue 6)")
    ap.add_argument("--sizes", default="100,500,1000,2000")
    ap.add_argument("--mode", default="gevent", choices=["gevent", "threading", "eventlet"])
    ap.add_argument("--broadcasts", type=int, default=60,
                    help="broadcasts per run (CPU per broadcast: at least 60)")
    ap.add_argument("--runs", type=int, default=4,
                    help="broadcast runs per N, ours and the bare server's alternating")
    ap.add_argument("--questions", type=int, default=5, help="buzz-in questions per N")
    ap.add_argument("--storm-max", type=int, default=1000,
                    help="the all-answer storm runs for N up to this")
    ap.add_argument("--workers", type=int, default=4, help="phone client processes")
    ap.add_argument("--json", help="also write the raw figures here")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for our server (experiments)")
    ap.add_argument("--nice", type=int, default=0,
                    help="run the bench and its servers at this niceness (negative needs root;"
                         " for a machine shared with other work)")
    ap.add_argument("--stage-nice", type=int, default=0,
                    help="niceness of the process holding the host and projector connections "
                         "(e.g. -10 as root: they are other machines in a hall)")
    ap.add_argument("--server-nice", type=int, default=0,
                    help="niceness of our server process (e.g. -10 as root: in a hall it has "
                         "the laptop to itself, here it shares the cores with the clients)")
    ap.add_argument("--phones", choices=["idle", "normal"], default="idle",
                    help="scheduling policy of the phone client processes: idle (SCHED_IDLE, "
                         "the default: they get only the CPU the server and the stage process "
                         "leave, as in a hall, where phones are other devices) or normal "
                         "(they compete with the server for the cores and can take a core "
                         "from it mid-buzz)")
    ap.add_argument("--stage", choices=["realtime", "normal"], default="realtime",
                    help="scheduling policy of the process holding the host console and the "
                         "projector: realtime (SCHED_FIFO when run as root, the default: it "
                         "reads each frame as it arrives, as a projector on its own machine "
                         "would) or normal (it waits for the phone processes' time slices)")
    ap.add_argument("--py-spy", metavar="DIR",
                    help="record py-spy profiles of the server per phase into DIR")
    args = ap.parse_args(argv)
    if args.nice:
        os.nice(args.nice)
    workdir = tempfile.mkdtemp(prefix="load-bench-")
    rows = []
    started = time.time()
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            if time.time() - started > 480:
                print(f"N={n}: skipped (time budget)")
                break
            print(f"N={n} ...", flush=True)
            rows.append(run_size(n, args, workdir))
            if rows[-1].get("failed") and "connected" in rows[-1]["failed"]:
                break
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(rows, args)
    print(f"\ntotal {time.time() - started:.0f}s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
