"""A big sheet's dry run against the live loop: host ack latency while it is read.

Starts the real server (``python app.py``, gevent) on 127.0.0.1 with a contest, has its host
send ``adjust_score`` one after another, and meanwhile the organizer uploads a sheet of
``--rows`` questions (bench/import_bench.py's generated sheet) through the bank page's form
endpoint (the dry run that builds the preview), then confirms the import from the preview's
form (the real import: read again, INSERTs, one commit). Prints the host's ack latency
p50/p99/max for ``--idle`` seconds before, during the upload and during the confirm, and how
long each took. The target (issue 19): a host ack under 50 ms while a 100,000-row sheet is
read (and imported).

    .venv/bin/python bench/import_ack_bench.py --rows 100000

Loopback only; the server is stopped at the end.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import requests  # noqa: E402

from bench.import_bench import generate  # noqa: E402
from tests.helpers import contest_spec  # noqa: E402
from tests.integration.live_clients import Client  # noqa: E402
from tests.serverproc import ServerProcess  # noqa: E402

PASSWORD = "bench-organizer-pw"


def figures(lat: list[float]) -> str:
    if not lat:
        return "no acks"
    lat = sorted(lat)
    p99 = lat[max(0, int(len(lat) * 0.99) - 1)]
    over = sum(x > 50 for x in lat)
    return (f"{len(lat)} acks, p50 {statistics.median(lat):.1f} ms, p99 {p99:.1f} ms, "
            f"max {lat[-1]:.1f} ms, over 50 ms: {over}")


def _token(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def upload(session, base: str, path: str, done: dict) -> None:
    """Sign in and send the sheet to the bank page's upload form (a dry run: the preview)."""
    page = session.get(f"{base}/login").text
    session.post(f"{base}/login", data={"password": PASSWORD,
                                        "csrf_token": _token(page, "csrf_token")})
    page = session.get(f"{base}/bank/").text
    t0 = time.monotonic()
    with open(path, "rb") as fh:
        resp = session.post(f"{base}/bank/upload", data={
            "csrf_token": _token(page, "csrf_token"), "bank": "__new__", "new_bank": "bench"},
            files={"files": (os.path.basename(path), fh)}, timeout=600)
    done.update(status=resp.status_code, seconds=time.monotonic() - t0, page=resp.text,
                size=len(resp.content))


def confirm(session, base: str, preview: str, done: dict) -> None:
    """Press the preview's "Import" (the form's token, bank and CSRF token, nothing changed)."""
    t0 = time.monotonic()
    resp = session.post(f"{base}/bank/confirm", data={
        "csrf_token": _token(preview, "csrf_token"), "token": _token(preview, "token"),
        "bank": _token(preview, "bank")}, timeout=600, allow_redirects=False)
    done.update(status=resp.status_code, seconds=time.monotonic() - t0,
                location=resp.headers.get("Location", ""))


def bank_page(session, base: str, location: str, done: dict) -> None:
    """Open the page the confirm leads to: the bank with the imported questions."""
    t0 = time.monotonic()
    resp = session.get(base + location if location.startswith("/") else location, timeout=600)
    done.update(status=resp.status_code, seconds=time.monotonic() - t0,
                imported="已导入" in resp.text or "Imported" in resp.text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--idle", type=float, default=5.0)
    args = parser.parse_args()
    sheet = generate(args.rows)
    tmp = tempfile.mkdtemp(prefix="import-ack-bench-")
    server = ServerProcess(os.path.join(tmp, "instance"),
                           extra_env={"QUIZ_ADMIN_PASSWORD": PASSWORD,
                                      "QUIZ_MAX_UPLOAD_MB": "200"})
    made = server.create_contest(contest_spec(), tmp)
    server.start()
    host = Client(server.url, {"contest": made["code"], "role": "host",
                               "key": made["host_key"]})
    try:
        team = host.wait_version(0)["teams"][0]["id"]
        assert host.host("next")["ok"]

        def acks(until) -> list[float]:
            lat = []
            while not until():
                t0 = time.perf_counter()
                ack = host.host("adjust_score", team=team, delta=1, reason="bench")
                lat.append((time.perf_counter() - t0) * 1000)
                assert ack["ok"], ack
            return lat

        end = time.monotonic() + args.idle
        idle = acks(lambda: time.monotonic() > end)
        session = requests.Session()
        phases = {}
        for name, job, args_ in (("upload", upload, (session, server.url, sheet)),
                                 ("confirm", confirm, (session, server.url)),
                                 ("bank page", bank_page, (session, server.url))):
            done: dict = {}
            if name == "confirm":
                args_ = args_ + (phases["upload"][1]["page"],)
            elif name == "bank page":
                args_ = args_ + (phases["confirm"][1]["location"],)
            worker = threading.Thread(target=job, args=args_ + (done,))
            worker.start()
            phases[name] = (acks(lambda w=worker: not w.is_alive()), done)
            worker.join()
    finally:
        host.close()
        server.stop()
    size = os.path.getsize(sheet) / 2**20
    up, conf, bank = (phases[k][1] for k in ("upload", "confirm", "bank page"))
    print(f"sheet: {args.rows} questions, {size:.1f} MB; upload answered {up.get('status')} "
          f"in {up.get('seconds', 0):.2f} s (a page of {up.get('size', 0) / 1024:.0f} KiB); "
          f"confirm answered {conf.get('status')} in {conf.get('seconds', 0):.2f} s; "
          f"the bank page {bank.get('status')} in {bank.get('seconds', 0):.2f} s "
          f"(imported: {bank.get('imported')})")
    print(f"host acks before the upload: {figures(idle)}")
    for name in ("upload", "confirm", "bank page"):
        print(f"host acks during the {name}: {figures(phases[name][0])}")


if __name__ == "__main__":
    main()
