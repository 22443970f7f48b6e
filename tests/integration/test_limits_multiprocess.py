"""Limits that hold across processes (issue 20): three server processes on one PostgreSQL
database and one Redis, one address; every limit is counted once, whichever process a request
reaches (quiz/base/limits.py)."""
import re

import requests

from tests.helpers import contest_spec
from tests.integration.live_clients import Client, close_all
from tests.serverproc import ServerProcess
from tests.services import REDIS, needs_services, pg_database  # noqa: F401

pytestmark = needs_services
JOINS, SIGN_INS = 5, 3


def three_servers(tmp_path, database):
    env = {"DATABASE_URL": database, "REDIS_URL": REDIS,
           "QUIZ_LIMIT_JOIN_ADDRESS": f"{JOINS}/60", "QUIZ_LIMIT_SIGN_IN": f"{SIGN_INS}/300"}
    return [ServerProcess(tmp_path / name, extra_env=env) for name in "abc"]


def test_joins_and_sign_ins_from_one_address_are_counted_once_over_three_processes(
        tmp_path, pg_database):  # noqa: F811
    servers = three_servers(tmp_path, pg_database)
    made = servers[0].create_contest(contest_spec(teams=("红队", "蓝队")), tmp_path)
    clients = []
    try:
        for s in servers:
            s.start()
            health = requests.get(f"{s.url}/healthz", timeout=10).json()
            assert health["ok"] and health["checks"]["redis"] == "ok", health
        host = Client(servers[0].url, {"contest": made["code"], "role": "host",
                                       "key": made["host_key"]})
        clients.append(host)
        team = host.wait_version(0)["teams"][0]["id"]
        acks = []
        for i in range(JOINS + 3):   # round-robin: the three refusals reach a, b and c
            phone = Client(servers[i % 3].url, {"contest": made["code"], "role": "player"})
            clients.append(phone)
            acks.append(phone.call("join", {"team": team, "name": f"选手{i}"}))
        assert [a["ok"] for a in acks] == [True] * JOINS + [False] * 3, acks
        assert {a["error"] for a in acks[JOINS:]} == {"rate_limited"}
        assert acks[JOINS]["message_zh"] == "加入太频繁，请稍后再试。"

        # organizer sign-in: wrong passwords spread over the three, then the right one is
        # refused for the window on every process
        pages = [sign_in(s.url, "wrong-password") for s in servers]
        assert [p.status_code for p in pages] == [401] * SIGN_INS
        assert all("Wrong password" in p.text or "密码错误" in p.text for p in pages)
        for s in servers:
            refused = sign_in(s.url, "server-test-pw")
            assert refused.status_code == 401
            assert "Too many attempts" in refused.text or "尝试次数过多" in refused.text
    finally:
        close_all(clients)
        for s in servers:
            s.stop()


def sign_in(base: str, password: str) -> requests.Response:
    """The sign-in form posted with ``password`` (its CSRF token too), as a browser does."""
    web = requests.Session()
    form = web.get(f"{base}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    return web.post(f"{base}/login", data={"password": password, "csrf_token": token},
                    allow_redirects=False)
