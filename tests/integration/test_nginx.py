"""nginx in front of two server processes, with the configuration operators run (deploy/).

nginx (Debian's /usr/sbin/nginx) runs from its own folder with deploy/render.py's output: TLS
with a self-signed certificate, the sticky-session cookie, static files. A buzz-in question is
played through it with the host on one process and the projector on the other, one phone on a
websocket and one held to long-polling, where every request must reach the process that made
its session. Needs nginx, openssl, PostgreSQL and Redis (QUIZ_TEST_POSTGRES_URL,
QUIZ_TEST_REDIS_URL, started by `.ci/run`); skipped otherwise.
"""
import gzip
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.helpers import contest_spec, question
from tests.integration.live_clients import Client, close_all
from tests.serverproc import ROOT, ServerProcess, free_port
from tests.services import PG, REDIS, pg_database  # noqa: F401

NGINX = "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(
    not (PG and REDIS and os.access(NGINX, os.X_OK) and shutil.which("openssl")),
    reason="needs nginx, openssl, QUIZ_TEST_POSTGRES_URL and QUIZ_TEST_REDIS_URL")


class Nginx:
    """nginx with deploy/'s configuration for ``ports``, in its own folder, on 127.0.0.1."""

    def __init__(self, folder, ports):
        self.folder = str(folder)
        self.https_port, self.http_port = free_port(), free_port()
        self.cert = os.path.join(self.folder, "tls.crt")
        os.makedirs(self.folder, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", os.path.join(self.folder, "tls.key"), "-out", self.cert],
            check=True, capture_output=True, timeout=60)
        render = [sys.executable, os.path.join(ROOT, "deploy", "render.py"),
                  "--ports", ",".join(map(str, ports)), "--prefix", self.folder,
                  "--https", f"127.0.0.1:{self.https_port}",
                  "--http", f"127.0.0.1:{self.http_port}", "--cert", self.cert,
                  "--key", os.path.join(self.folder, "tls.key"), "--workers", "1"]
        if os.geteuid() == 0:
            render += ["--user", "root"]    # the tmp folder is root's own
        subprocess.run(render, check=True, timeout=30)
        self.proc = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def start(self) -> "Nginx":
        conf = os.path.join(self.folder, "nginx.conf")
        self.proc = subprocess.Popen(
            [NGINX, "-p", self.folder, "-c", conf, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: " + self.proc.stderr.read().decode())
            try:
                socket.create_connection(("127.0.0.1", self.https_port), 0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log(self) -> list[dict]:
        """The access log: each proxied request's path, status, process and browser key."""
        rows = []
        with open(os.path.join(self.folder, "access.log"), encoding="utf-8") as fh:
            for line in fh:
                req = line.split('"')[1].split(" ")
                rest = line.rsplit('"', 1)[1].split()
                if len(req) < 3 or len(rest) < 3:
                    continue    # a connection without a request (the start-up probe)
                rows.append({"path": req[1], "status": int(rest[0]), "upstream": rest[1],
                             "node": rest[2].removeprefix("node=")})
        return rows

    def log_after(self, count: int, wait: float = 5.0) -> list[dict]:
        """The access log once it has more than ``count`` rows: nginx writes a request's line
        after it has sent the response, so a client can read the log before its line is in."""
        deadline = time.monotonic() + wait
        while True:
            rows = self.log()
            if len(rows) > count or time.monotonic() > deadline:
                return rows
            time.sleep(0.02)

    def session(self, node=None) -> requests.Session:
        """A browser's HTTP session trusting our certificate, optionally with its node cookie."""
        s = requests.Session()
        s.trust_env = False     # REQUESTS_CA_BUNDLE would replace our certificate
        s.verify = self.cert
        if node:
            s.cookies.set("quiz_node", node)
        return s


def node_keys(proxy: Nginx, ports) -> dict[int, str]:
    """A quiz_node cookie value that nginx's hash sends to each app port."""
    found = {}
    for i in range(200):
        key, before = f"pin-{i}", len(proxy.log())
        assert proxy.session(key).get(proxy.url + "/join", timeout=10).status_code == 200
        row = proxy.log_after(before)[-1]
        assert row["path"] == "/join" and row["node"] == key, row
        port = int(row["upstream"].rsplit(":", 1)[1])
        found.setdefault(port, key)
        if len(found) == len(ports):
            return found
    raise AssertionError(f"nginx sent every key to {sorted(found)}")


@pytest.fixture
def deployment(tmp_path, pg_database):  # noqa: F811 - the fixture imported above
    """Two processes on PostgreSQL + Redis behind nginx; yields (a, b, proxy, contest)."""
    a_port, b_port = free_port(), free_port()
    proxy = Nginx(tmp_path / "nginx", [a_port, b_port])
    env = {"DATABASE_URL": pg_database, "REDIS_URL": REDIS, "QUIZ_TRUSTED_PROXIES": "1",
           "QUIZ_PUBLIC_URL": proxy.url, "QUIZ_MAX_WAITING_PER_ADDRESS": "1024"}
    a = ServerProcess(tmp_path / "a", port=a_port, extra_env=env)
    b = ServerProcess(tmp_path / "b", port=b_port, extra_env=env)
    spec = contest_spec(teams=("红队", "蓝队"), rounds=[{
        "kind": "buzz", "title": "抢答题", "settings": {"buzz_window": 600, "answer_time": 600},
        "questions": [question(stem="抢答 1")]}])
    made = a.create_contest(spec, tmp_path)
    try:
        a.start(timeout=90)     # a busy CI machine: the default 30 s was seen too short
        b.start(timeout=90)
        proxy.start()
        yield a, b, proxy, made
    finally:
        proxy.stop()
        a.stop()
        b.stop()


def test_a_buzz_in_question_through_nginx_with_a_phone_on_long_polling(deployment):
    a, b, proxy, made = deployment
    code, key = made["code"], made["host_key"]
    pin = node_keys(proxy, [a.port, b.port])
    clients = []
    try:
        host = Client(proxy.url, {"contest": code, "role": "host", "key": key},
                      http_session=proxy.session(pin[a.port]))
        screen = Client(proxy.url, {"contest": code, "role": "screen"},
                        http_session=proxy.session(pin[b.port]))
        clients += [host, screen]
        teams = [t["id"] for t in host.wait_version(0)["teams"]]
        # a phone on a websocket, and one whose network lets only long-polling through: no
        # cookie of its own yet, nginx gives it one with its first answer
        ws_phone = Client(proxy.url, {"contest": code, "role": "player"},
                          http_session=proxy.session())
        poll_phone = Client(proxy.url, {"contest": code, "role": "player"},
                            transports=["polling"], http_session=proxy.session())
        clients += [ws_phone, poll_phone]
        assert poll_phone.sio.transport() == "polling"
        assert ws_phone.call("join", {"team": teams[0], "name": "红"})["ok"]
        assert poll_phone.call("join", {"team": teams[1], "name": "蓝"})["ok"]
        assert host.host("next")["ok"] and host.host("show_question")["ok"]
        qid = host.wait_version(2)["question"]["id"]
        ack = host.host("open_buzzers", question=qid)
        assert ack["ok"], ack
        assert screen.wait_version(ack["version"])["phase"] == "open"
        acks = {}

        def buzz(name, phone):
            acks[name] = phone.call("buzz", {"question": qid})

        threads = [threading.Thread(target=buzz, args=pair)
                   for pair in (("ws", ws_phone), ("poll", poll_phone))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        assert acks["ws"]["ok"] and acks["poll"]["ok"], acks
        last = max(x["version"] for x in acks.values())
        snap = host.wait_version(last)
        ranks = sorted((x["rank"], x["team"]) for x in snap["buzzes"] if not x["foul"])
        assert [r for r, _ in ranks] == [1, 2]                  # exactly one winner
        winner = snap["turn"]
        assert winner == ranks[0][1]
        for watcher in (screen, ws_phone, poll_phone):          # every client sees it
            assert watcher.wait_version(last)["turn"] == winner
        ack = host.host("judge", question=qid, team=winner, correct=True)
        assert ack["ok"], ack
        for watcher in (screen, ws_phone, poll_phone):
            teams_now = {t["id"]: t["score"] for t in watcher.wait_version(ack["version"])["teams"]}
            assert teams_now[winner] == 110
        # the polls nginx answered while every client was connected (one that ends with the
        # disconnect below is answered 400 "Session is disconnected", as it should be)
        during = proxy.log()
    finally:
        close_all(clients)
    # a websocket is logged when it closes: now every client's requests are in the log (nginx
    # writes a line after the connection ends, so it is waited for, up to 5 s)
    deadline = time.monotonic() + 5
    while True:
        log = [r for r in proxy.log() if r["path"].startswith("/socket.io/")]
        nodes = {r["node"] for r in log}
        if {pin[a.port], pin[b.port]} <= nodes or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    used = {c: {r["upstream"] for r in log if r["node"] == c}
            for c in (pin[a.port], pin[b.port])}
    assert used == {pin[a.port]: {f"127.0.0.1:{a.port}"}, pin[b.port]: {f"127.0.0.1:{b.port}"}}
    polled = poll_phone.sio.eio.http.cookies.get("quiz_node")
    rows = [r for r in log if r["node"] == polled]
    # the long-polling phone: many requests, every one to the process that made its session
    assert len(rows) >= 5 and len({r["upstream"] for r in rows}) == 1, rows
    answered = [r for r in during if r["node"] == polled]
    assert len(answered) >= 5 and all(r["status"] == 200 for r in answered), answered


def test_nginx_serves_static_files_with_caching_and_sends_http_to_https(deployment):
    _a, _b, proxy, _made = deployment
    s = proxy.session()
    with open(os.path.join(ROOT, "static", "js", "play.js"), "rb") as fh:
        on_disk = fh.read()
    resp = s.get(proxy.url + "/static/js/play.js", headers={"Accept-Encoding": "gzip"},
                 stream=True, timeout=10)
    raw = resp.raw.read()
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw) == on_disk
    assert "max-age=600" in resp.headers["Cache-Control"]
    assert "Content-Security-Policy" not in resp.headers     # nginx's answer, not the app's
    again = s.get(proxy.url + "/static/js/play.js", timeout=10,
                  headers={"If-Modified-Since": resp.headers["Last-Modified"]})
    assert again.status_code == 304
    # pages come from the app, with its own headers, over TLS
    page = s.get(proxy.url + "/join", timeout=10)
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    plain = s.get(f"http://127.0.0.1:{proxy.http_port}/join", allow_redirects=False,
                  timeout=10)
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"{proxy.url}/join"
