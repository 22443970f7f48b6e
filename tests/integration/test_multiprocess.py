"""Several server processes on PostgreSQL and Redis: one contest, one truth.

Runs when QUIZ_TEST_POSTGRES_URL and QUIZ_TEST_REDIS_URL name a PostgreSQL server and a
Redis server on this machine (`.ci/run` starts both); skipped otherwise.
"""
import threading

from tests.helpers import contest_spec, question
from tests.integration.live_clients import Client
from tests.serverproc import ServerProcess
from tests.services import REDIS, needs_services, pg_database  # noqa: F401

pytestmark = needs_services


def test_two_processes_share_one_contest_through_postgres_and_redis(
        tmp_path, pg_database):  # noqa: F811
    env = {"DATABASE_URL": pg_database, "REDIS_URL": REDIS}
    a = ServerProcess(tmp_path / "a", extra_env=env)
    b = ServerProcess(tmp_path / "b", extra_env=env)
    spec = contest_spec(teams=("红队", "蓝队"), rounds=[{
        "kind": "buzz", "title": "抢答题", "settings": {"buzz_window": 600, "answer_time": 600},
        "questions": [question(stem="抢答 1")]}])
    made = a.create_contest(spec, tmp_path)
    code, key = made["code"], made["host_key"]
    a.start()
    b.start()
    clients = []
    try:
        host = Client(a.url, {"contest": code, "role": "host", "key": key})
        screen_b = Client(b.url, {"contest": code, "role": "screen"})
        clients += [host, screen_b]
        teams = [t["id"] for t in host.wait_version(0)["teams"]]
        red = Client(a.url, {"contest": code, "role": "player"})
        blue = Client(b.url, {"contest": code, "role": "player"})
        clients += [red, blue]
        assert red.call("join", {"team": teams[0], "name": "红"})["ok"]
        assert blue.call("join", {"team": teams[1], "name": "蓝"})["ok"]
        assert host.host("next")["ok"] and host.host("show_question")["ok"]
        qid = host.wait_version(2)["question"]["id"]
        ack = host.host("open_buzzers", question=qid)
        assert ack["ok"], ack
        # the projector on process B hears of what the host did on process A (via Redis)
        assert screen_b.wait_version(ack["version"])["phase"] == "open"
        acks = {}

        def buzz(name, phone):
            acks[name] = phone.call("buzz", {"question": qid})

        threads = [threading.Thread(target=buzz, args=pair)
                   for pair in (("red", red), ("blue", blue))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        assert acks["red"]["ok"] and acks["blue"]["ok"], acks
        last = max(x["version"] for x in acks.values())
        for watcher in (host, screen_b):
            snap = watcher.wait_version(last)
            ranks = sorted((b["rank"], b["team"]) for b in snap["buzzes"] if not b["foul"])
            assert [r for r, _ in ranks] == [1, 2]              # exactly one winner
            assert snap["turn"] == ranks[0][1]
        winner = snap["turn"]
        # process A dies; the host carries on from process B with nothing lost
        a.kill()
        host_b = Client(b.url, {"contest": code, "role": "host", "key": key})
        clients.append(host_b)
        assert host_b.wait_version(last)["turn"] == winner
        ack = host_b.host("judge", question=qid, team=winner, correct=True)
        assert ack["ok"], ack
        scores = {t["id"]: t["score"] for t in screen_b.wait_version(ack["version"])["teams"]}
        assert scores[winner] == 110
    finally:
        for c in clients:
            c.close()
        a.stop()
        b.stop()
