"""Scale benchmark (issue 20): 1, 2 and 3 server processes on one PostgreSQL and one Redis.

Starts PostgreSQL and Redis on loopback as ``.ci/run`` does (or uses running ones named by
QUIZ_TEST_POSTGRES_URL and QUIZ_TEST_REDIS_URL), then for each process count K: a fresh
database, K server processes (``python app.py``), the host console on the first and the
projector on the second, ``--phones`` phones spread evenly over the K processes (bench/
socket_bench.py's raw websocket clients), and:

* phones held (connected and joined) and each process's memory;
* all phones after a host command: ``--broadcasts`` ``adjust_score`` commands on the host's
  process, p50/p99 until every phone on every process has the new state; server CPU per
  broadcast per process, measured as bench/load.py does (the scheduler's count, idle rate
  before and after subtracted), and per phone, summed over the processes;
* buzz-in: ``--questions`` questions in which every phone buzzes at once; buzz to projector
  (on another process than the host) p99; the race: exactly one winner, and every process
  agreeing (a host console connected afresh to each process shows the same buzzes and turn);
* at the database: commits and rollbacks (pg_stat_database) per phase and per second, and
  the commands appended; through Redis: PUBLISH calls (INFO commandstats) per phase and per
  second, each delivered to every process.

    .venv/bin/python bench/scale.py                      # 300 phones, K = 1, 2, 3
    .venv/bin/python bench/scale.py --phones 600 --processes 1,3

Loopback only; every wait is bounded (``--budget`` seconds in all); the servers, the
services it started and the client processes stop by themselves.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from load import host_call, host_state, timed_broadcasts  # noqa: E402
from socket_bench import (  # noqa: E402
    Fleet,
    OurServer,
    bench_contest,
    broadcast_latencies,
    connect_phones,
    first_at_least,
    ms,
    pct,
    print_table,
    rss_mb,
    team_ids,
)

HOST, SCREEN = 0, 1     # the stage worker's first two connections


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Services:
    """PostgreSQL and Redis on loopback: started here (root: as the postgres account, like
    .ci/run) or the running ones the environment names."""

    def __init__(self):
        self.pg_url = os.environ.get("QUIZ_TEST_POSTGRES_URL")
        self.redis_url = os.environ.get("QUIZ_TEST_REDIS_URL")
        self.work = None
        self.pgbin = None
        self.redis_port = None

    def start(self) -> "Services":
        if self.pg_url and self.redis_url:
            return self
        self.work = tempfile.mkdtemp(prefix="scale-services-")
        os.chmod(self.work, 0o755)
        if not self.pg_url:
            self._start_postgres()
        if not self.redis_url:
            self._start_redis()
        return self

    def _as_pg(self, cmd: str) -> None:
        argv = ["su", "postgres", "-s", "/bin/sh", "-c", cmd] if os.geteuid() == 0 \
            else ["sh", "-c", cmd]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, timeout=120)

    def _start_postgres(self) -> None:
        initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not initdb:
            raise SystemExit("no PostgreSQL (apt-get install postgresql) and no "
                             "QUIZ_TEST_POSTGRES_URL")
        self.pgbin = os.path.dirname(initdb[-1])
        data, port = os.path.join(self.work, "pg"), free_port()
        if os.geteuid() == 0:
            shutil.chown(self.work, "postgres")
        self._as_pg(f"{self.pgbin}/initdb -D {data} -A trust -U quiz")
        self._as_pg(f"{self.pgbin}/pg_ctl -D {data} -w -l {self.work}/pg.log -o "
                    f"'-p {port} -k {self.work} -c listen_addresses=127.0.0.1 "
                    f"-c max_connections=300' start")
        self.pg_data = data
        self.pg_url = f"postgresql://quiz@127.0.0.1:{port}/postgres"

    def _start_redis(self) -> None:
        if not shutil.which("redis-server"):
            raise SystemExit("no redis-server (apt-get install redis-server) and no "
                             "QUIZ_TEST_REDIS_URL")
        self.redis_port = free_port()
        subprocess.run(["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                        "--daemonize", "yes", "--save", "", "--appendonly", "no",
                        "--dir", self.work], check=True, stdout=subprocess.DEVNULL, timeout=30)
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        for _ in range(50):
            try:
                self.redis().ping()
                return
            except Exception:
                time.sleep(0.1)

    def redis(self):
        import redis

        return redis.Redis.from_url(self.redis_url)

    def new_database(self) -> str:
        import psycopg

        name = f"scale_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.pg_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{self.pg_url.rsplit('/', 1)[0]}/{name}"

    def drop_database(self, url: str) -> None:
        import psycopg

        with psycopg.connect(self.pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def stop(self) -> None:
        if self.redis_port:
            try:
                self.redis().shutdown(nosave=True)
            except Exception:
                pass
        if self.pgbin:
            try:
                self._as_pg(f"{self.pgbin}/pg_ctl -D {self.pg_data} -m fast -w stop")
            except subprocess.SubprocessError:
                pass
        if self.work:
            shutil.rmtree(self.work, ignore_errors=True)


class Counters:
    """The database's commits and rollbacks, its commands, and Redis's PUBLISH calls."""

    # PostgreSQL 15 publishes a backend's counts at most once a second, and an idle one's
    # within 10 s: a reading waits this long after the last activity.
    PG_SETTLE_S = 11.0

    def __init__(self, services: Services, db_url: str):
        self.services, self.db_url = services, db_url
        self.r = services.redis()

    def read(self, settle: bool = True) -> dict:
        import psycopg

        if settle:
            time.sleep(self.PG_SETTLE_S)
        name = self.db_url.rsplit("/", 1)[1]
        with psycopg.connect(self.services.pg_url, autocommit=True) as conn:
            commits, rollbacks = conn.execute(
                "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = %s",
                (name,)).fetchone()
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            commands = conn.execute("SELECT count(*) FROM contest_command").fetchone()[0]
        stats = self.r.info("commandstats")
        return {"t": time.time(), "commits": commits, "rollbacks": rollbacks,
                "commands": commands,
                "publish": stats.get("cmdstat_publish", {}).get("calls", 0),
                "redis_cmds": sum(v.get("calls", 0) for v in stats.values())}

    @staticmethod
    def delta(a: dict, b: dict, seconds: float) -> dict:
        d = {k: b[k] - a[k] for k in a if k != "t"}
        d["seconds"] = seconds
        return d


def spread_specs(n: int, k: int) -> list[int]:
    """Phones per process: n spread evenly over k."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def agreeing(fleet: Fleet, ports: list[int], auth: dict, next_conn: int) -> tuple[bool, int]:
    """A host console connected afresh to each process: do all show the same buzzes and turn?"""
    seen = []
    for port in ports:
        fleet.stage("connect", host="127.0.0.1", port=port, specs=[{"auth": auth}])
        time.sleep(0.3)
        st = fleet.stage("last_state", conn=next_conn)["state"] or {}
        seen.append((st.get("turn"), sorted((b.get("team"), b.get("rank"), b.get("foul"))
                                            for b in st.get("buzzes", []))))
        next_conn += 1
    return all(s == seen[0] for s in seen), next_conn


def buzz_question(fleet: Fleet, n: int, pids: list[int]) -> dict:
    """Open the buzzers on the host's process; every phone (on every process) buzzes at once."""
    qid = host_state(fleet, 0)["question"]["id"]
    host_call(fleet, {"action": "open_buzzers", "question": qid})
    time.sleep(0.5 + n * 0.0005)
    fleet.phones("reset")
    fleet.stage("reset")
    at = time.time() + 0.3
    fired = [r for res in fleet.phones("fire", event="buzz", data={"question": qid}, at=at)
             for r in res]
    time.sleep(0.8 + n * 0.001)
    screen = fleet.stage("collect")["states"][SCREEN]
    phones = fleet.phones("collect")
    ok = [r for r in fired if r.get("ok")]
    out = {"fired": len(fired), "ok": len(ok), "qid": qid, "proj": None, "phones": [],
           "span": max((r["acked"] for r in fired if r.get("acked")), default=at) - at,
           "errors": sorted({str(r.get("error")) for r in fired if not r.get("ok")}),
           "busy": sum(1 for r in fired if r.get("error") == "busy")}
    if ok:
        win = min(ok, key=lambda r: r["version"])
        t_scr = first_at_least(screen, win["version"], win["sent"], arrived=True)
        out["proj"] = None if t_scr is None else t_scr - win["sent"]
        out["phones"] = broadcast_latencies(phones, [(win["sent"], win["version"])],
                                            arrived=True)[0]
        out["win_team"] = win["team"]
    final = host_state(fleet, 0.3)
    out["winners"] = sum(1 for b in final.get("buzzes", []) if b.get("rank") == 1
                         and not b.get("foul"))
    out["turn"] = final.get("turn")
    return out


def run_k(k: int, args, services: Services, workdir: str) -> dict:
    row = {"k": k}
    db_url = services.new_database()
    env = {"DATABASE_URL": db_url, "REDIS_URL": services.redis_url, "QUIZ_DEMO": "0",
           "SECRET_KEY": "scale-bench-secret"}
    servers = [OurServer("gevent", workdir, extra_env=env) for _ in range(k)]
    fleet = Fleet(args.workers, idle_phones=args.phone_policy == "idle", realtime_stage=True)
    try:
        os.makedirs(servers[0].sp.instance_path, exist_ok=True)
        info = servers[0].sp.create_contest(
            bench_contest(buzz_questions=args.questions, storm=False), workdir)
        for s in servers:       # one after the other: the first builds the schema
            s.sp.start(timeout=args.start_timeout)
            s.pid = s.sp.proc.pid
        pids, ports = [s.pid for s in servers], [s.port for s in servers]
        code, key = info["code"], info["host_key"]
        host_auth = {"contest": code, "role": "host", "key": key}
        fleet.stage("connect", host="127.0.0.1", port=ports[0], specs=[{"auth": host_auth}])
        fleet.stage("connect", host="127.0.0.1", port=ports[1 % k],
                    specs=[{"auth": {"contest": code, "role": "screen"}}])
        held, start = 0, 0
        for port, count in zip(ports, spread_specs(args.phones, k), strict=True):
            con = connect_phones(fleet, port, count, {"contest": code, "role": "player"},
                                 start=start)
            held, start = held + con["ok"], start + count
        teams = team_ids(host_state(fleet))
        joined = fleet.phones("join", teams=teams, timeout=300.0)
        row["held"] = held - sum(j["failed"] for j in joined)
        row["rss"] = [rss_mb(p)[0] for p in pids]
        print(f"  K={k}: {row['held']}/{args.phones} phones held", flush=True)
        host_call(fleet, {"action": "next"})
        host_call(fleet, {"action": "next"})
        counters = Counters(services, db_url)
        c0 = counters.read()
        t0 = time.time()
        gap = 0.25 + args.phones * 0.0005
        bc = timed_broadcasts(fleet, pids, args.broadcasts, gap, lambda i: {
            "action": "adjust_score", "team": teams[i % len(teams)], "delta": 1,
            "reason": "bench"})
        t_bc = time.time() - t0
        c1 = counters.read()
        row["bc"], row["bc_db"] = bc, Counters.delta(c0, c1, t_bc)
        print(f"  K={k}: broadcasts done", flush=True)
        buzz, t_storms = [], 0.0
        conn_next = 2
        for qi in range(args.questions):
            q = buzz_question(fleet, args.phones, pids)
            q["agree"], conn_next = agreeing(fleet, ports, host_auth, conn_next)
            buzz.append(q)
            t_storms += q["span"]
            if q.get("win_team") is not None:
                host_call(fleet, {"action": "judge", "question": q["qid"],
                                  "team": q["win_team"], "correct": True})
            if qi < args.questions - 1:
                host_call(fleet, {"action": "next"})
                time.sleep(0.3)
        c2 = counters.read()
        row["buzz"], row["buzz_db"] = buzz, Counters.delta(c1, c2, t_storms)
        row["rss_end"] = [rss_mb(p)[0] for p in pids]
        row["subscribers"] = sum(n for _, n in services.redis().pubsub_numsub(
            "flask-socketio"))
        print(f"  K={k}: {len(buzz)} buzz questions done", flush=True)
    except Exception as exc:
        row["failed"] = f"{type(exc).__name__}: {exc}"[:300]
        print(f"  K={k}: {row['failed']}", flush=True)
        for s in servers:
            print(s.sp.output()[-1500:], flush=True)
    finally:
        fleet.close()
        for s in servers:
            s.stop()
        services.drop_database(db_url)
    return row


def report(rows: list[dict], args, load_note: str) -> None:
    print(f"\n{args.phones} phones spread evenly; host on process 1, projector on process 2 "
          f"(K >= 2); {args.broadcasts} broadcasts and {args.questions} buzz-in questions per "
          f"K; {args.workers} phone client processes ({args.phone_policy}); "
          f"{os.cpu_count()} cores; "
          f"{load_note}")
    t = []
    for r in rows:
        if "bc" not in r:
            t.append([r["k"], r.get("failed", "?")] + ["-"] * 15)
            continue
        bc, qs = r["bc"], r.get("buzz", [])
        per = bc["cpu_per_process"]
        total = sum(per)
        proj = [q["proj"] for q in qs if q.get("proj") is not None]
        one = sum(1 for q in qs if q["winners"] == 1 and q["agree"])
        bdb, zdb = r["bc_db"], r.get("buzz_db", {})
        t.append([
            r["k"], f"{r['held']}/{args.phones}",
            f"{ms(pct(bc['lat'], 50))} / {ms(pct(bc['lat'], 99))}", bc["missed"],
            ms(pct(proj, 99)),
            f"{one}/{len(qs)}",
            " ".join(f"{c * 1000:.1f}" for c in per), f"{total * 1000:.1f}",
            f"{total / max(1, r['held']) * 1e6:.1f}",
            f"{1 / (10 * total / max(1, r['held'])):.0f}" if total else "-",
            sum(q["busy"] for q in qs),
            f"{bdb['commits'] / bdb['commands']:.2f}" if bdb.get("commands") else "-",
            f"{zdb.get('commits', 0)} / {zdb.get('rollbacks', 0)} / {zdb.get('commands', 0)}",
            f"{zdb['commits'] / zdb['seconds']:.0f}" if zdb.get("seconds") else "-",
            f"{bdb['publish'] / max(1, args.broadcasts):.1f} / {zdb.get('publish', 0)}",
            f"{zdb['publish'] / zdb['seconds']:.0f}" if zdb.get("seconds") else "-",
            " ".join(f"{m:.0f}" for m in r["rss_end"]),
        ])
    print_table(["K", "phones held", "all phones p50 / p99 ms", "missed",
                 "buzz -> projector p99 ms", "one winner, all agree",
                 "CPU ms/broadcast per process", "sum ms", "µs per phone (sum)",
                 "phones per core at 10 broadcasts/s", "buzzes refused busy",
                 "commits per command (broadcasts)",
                 "buzz phase: commits / rollbacks / commands", "storm commits/s",
                 "Redis PUBLISH per broadcast / in storms", "storm PUBLISH/s",
                 "RSS MiB per process"], t)
    for r in rows:
        for q in r.get("buzz", []):
            if q["errors"] and q["errors"] != ["already_buzzed"]:
                print(f"K={r['k']}: buzz refusals {q['errors']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Scale benchmark (issue 20)")
    ap.add_argument("--phones", type=int, default=300)
    ap.add_argument("--processes", default="1,2,3")
    ap.add_argument("--broadcasts", type=int, default=60)
    ap.add_argument("--questions", type=int, default=3, help="buzz-in questions per K")
    ap.add_argument("--workers", type=int, default=3, help="phone client processes")
    ap.add_argument("--phone-policy", choices=["idle", "normal"], default="idle",
                    help="the phone processes' scheduling policy, as bench/load.py --phones "
                         "(normal on a machine loaded by other work: idle ones starve there)")
    ap.add_argument("--budget", type=float, default=600,
                    help="seconds in all: no new K starts after this")
    ap.add_argument("--start-timeout", type=float, default=120,
                    help="seconds a server process may take to start (a loaded machine)")
    args = ap.parse_args(argv)
    started = time.time()
    load0 = os.getloadavg()
    services = Services().start()
    workdir = tempfile.mkdtemp(prefix="scale-bench-")
    rows = []
    try:
        for k in [int(x) for x in args.processes.split(",")]:
            if time.time() - started > args.budget:
                print(f"K={k}: skipped (time budget)")
                break
            print(f"K={k} ...", flush=True)
            rows.append(run_k(k, args, services, workdir))
    finally:
        services.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    load1 = os.getloadavg()
    note = (f"load average {load0[0]:.1f} at the start, {load1[0]:.1f} at the end "
            f"(the machine is shared)")
    report(rows, args, note)
    print(f"\ntotal {time.time() - started:.0f}s; median all-phones p99 "
          f"{ms(statistics.median([pct(r['bc']['lat'], 99) for r in rows if 'bc' in r]))}"
          if any("bc" in r for r in rows) else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
