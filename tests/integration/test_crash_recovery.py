"""Kill the real server with SIGKILL mid-contest; after a restart nothing acknowledged is lost."""
import threading
import time

from tests.helpers import contest_spec, question
from tests.integration.live_clients import Client
from tests.serverproc import ServerProcess


def test_sigkill_then_restart_resumes_the_contest_exactly(tmp_path):
    server = ServerProcess(tmp_path / "instance")
    spec = contest_spec(rounds=[{"kind": "buzz", "title": "抢答题",
                                 "settings": {"buzz_window": 600, "answer_time": 600},
                                 "questions": [question(stem="抢答 1"), question(stem="抢答 2")]}])
    made = server.create_contest(spec, tmp_path)
    code, key = made["code"], made["host_key"]
    server.start()
    clients = []
    try:
        host = Client(server.url, {"contest": code, "role": "host", "key": key})
        screen = Client(server.url, {"contest": code, "role": "screen"})
        clients += [host, screen]
        teams = [t["id"] for t in screen.wait_version(0)["teams"]]
        phones = []
        for i, team in enumerate(teams):
            phone = Client(server.url, {"contest": code, "role": "player"})
            ack = phone.call("join", {"team": team, "name": f"选手{i}"})
            assert ack["ok"], ack
            phone.token, phone.team, phone.player = ack["token"], team, ack["player"]
            phones.append(phone)
        clients += phones
        assert host.call("host", {"action": "next"})["ok"]
        assert host.call("host", {"action": "show_question"})["ok"]
        qid = host.wait_version(2)["question"]["id"]
        assert phones[2].call("buzz", {"question": qid})["ok"]          # a foul: too early
        ack = host.call("host", {"action": "open_buzzers", "question": qid})
        assert ack["ok"], ack
        results = [None] * 2

        def buzz(i):
            results[i] = phones[i].call("buzz", {"question": qid})

        threads = [threading.Thread(target=buzz, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(r["ok"] for r in results), results
        last = max(r["version"] for r in results)
        before = host.wait_version(last)
        assert before["phase"] == "answering"
        assert [b["rank"] for b in before["buzzes"] if not b["foul"]] == [1, 2]

        server.kill()
        for c in clients:
            c.sio.disconnect()
        server.start()

        host2 = Client(server.url, {"contest": code, "role": "host", "key": key})
        clients.append(host2)
        after = host2.wait_version(before["version"])
        for field in ("version", "phase", "question", "deadline", "teams", "buzzes", "turn",
                      "locked_out", "log", "buzz_log"):
            assert after[field] == before[field], field
        # phones come back as the same players without joining again
        for phone in phones:
            again = Client(server.url, {"contest": code, "role": "player", "token": phone.token})
            clients.append(again)
            deadline = time.monotonic() + 5
            while again.me is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert again.me, "no `me` for a returning phone"
            assert (again.me["team"], again.me["player"]) == (phone.team, phone.player)
        winner = after["turn"]
        ack = host2.call("host", {"action": "judge", "question": qid, "team": winner,
                                  "correct": True})
        assert ack["ok"], ack
        scores = {t["id"]: t["score"] for t in host2.wait_version(ack["version"])["teams"]}
        assert scores[winner] == 110 and scores[teams[2]] == 90
    finally:
        for c in clients:
            try:
                c.close()
            except Exception:
                pass
        server.stop()
