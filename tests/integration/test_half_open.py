"""Half-open HTTP requests (issue 19, point 3): 1100 connections that sent a request line and
a header, then nothing, held their descriptors forever; under a 1024-descriptor limit new
phones and page loads then timed out (`Too many open files`).

The server here runs with a hard limit of 1024 descriptors (so it cannot raise it), while the
test holds 2000 half-open connections from 40 addresses (127.0.0.2-41). The per-address cap
on waiting connections (16) closes the oldest of each address, and the header deadline closes
a request that never completes; the host and a new phone still connect and play.
"""
import resource
import socket

import pytest

from tests.helpers import contest_spec, question
from tests.integration.live_clients import Client, close_all, join
from tests.serverproc import ServerProcess

SOURCES = [f"127.0.0.{i}" for i in range(2, 42)]
HALF_OPEN = b"GET /join HTTP/1.1\r\nHost: 127.0.0.1\r\n"     # no blank line: never finished


def limit_descriptors():
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


def half_open(port: int, source: str) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(10)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(HALF_OPEN)
    return s


def closed_by_server(s: socket.socket, within: float) -> bool:
    """True when the server closes (or resets) the connection within ``within`` seconds."""
    s.settimeout(within)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


@pytest.fixture
def server(tmp_path):
    srv = ServerProcess(tmp_path / "instance", extra_env={"QUIZ_HEADER_TIMEOUT": "120"})
    srv.preexec = limit_descriptors
    yield srv
    srv.stop()


def test_two_thousand_half_open_connections_leave_the_host_and_new_phones_served(
        server, tmp_path):
    made = server.create_contest(contest_spec(teams=("红队", "蓝队"), rounds=[{
        "kind": "buzz", "title": "抢答题", "settings": {"buzz_window": 600},
        "questions": [question(stem="抢答 1")]}]), tmp_path)
    server.start()
    held, clients = [], []
    try:
        for i in range(2000):
            held.append(half_open(server.port, SOURCES[i % len(SOURCES)]))
        # the 16 newest of each address are still waiting; the older ones were closed
        assert closed_by_server(held[0], within=10)
        assert not closed_by_server(held[-1], within=0.5)
        host = Client(server.url, {"contest": made["code"], "role": "host",
                                   "key": made["host_key"]})
        clients.append(host)
        team = host.wait_version(0)["teams"][0]["id"]
        phone = join(server.url, made["code"], team, "新手机")
        clients.append(phone)
        assert host.host("next")["ok"] and host.host("show_question")["ok"]
        qid = host.wait_version(2)["question"]["id"]
        assert host.host("open_buzzers", question=qid)["ok"]
        assert phone.call("buzz", {"question": qid})["ok"]
        page = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        page.sendall(b"GET /join HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert page.recv(64).startswith(b"HTTP/1.1 200")
        page.close()
    finally:
        close_all(clients)
        for s in held:
            s.close()
    log = server.output()
    assert "Too many open files" not in log and "Traceback" not in log


def test_a_request_that_never_finishes_and_an_idle_keep_alive_are_closed(tmp_path):
    srv = ServerProcess(tmp_path / "instance", extra_env={
        "QUIZ_HEADER_TIMEOUT": "2", "QUIZ_IDLE_TIMEOUT": "2"}).start()
    try:
        stuck = half_open(srv.port, "127.0.0.1")
        idle = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        idle.sendall(b"GET /join HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = idle.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        assert closed_by_server(stuck, within=20)
        assert closed_by_server(idle, within=20)       # kept alive, then idle: closed
        fresh = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        fresh.sendall(b"GET /join HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert fresh.recv(64).startswith(b"HTTP/1.1 200")
        fresh.close()
        stuck.close()
        idle.close()
    finally:
        srv.stop()
    assert "Traceback" not in srv.output()
