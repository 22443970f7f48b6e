"""The first buzz reaches the projector at once, even inside the projector's coalescing
interval (a change the host made just before opened it)."""
import pytest

from tests.helpers import contest_spec, question
from tests.integration.live_clients import close_all, host_and_screen, join
from tests.serverproc import ServerProcess


@pytest.fixture
def server(tmp_path):
    # a projector interval far longer than the waits below: only an urgent send gets through
    srv = ServerProcess(tmp_path / "instance",
                        extra_env={"QUIZ_COALESCE": '{"screen": 5, "host": 0, "player": 0}'})
    yield srv
    srv.stop()


def test_the_first_buzz_is_not_held_back_by_the_projectors_interval(server, tmp_path):
    made = server.create_contest(contest_spec(teams=("红队", "蓝队", "绿队"), rounds=[{
        "kind": "buzz", "title": "抢答题", "settings": {"buzz_window": 600, "answer_time": 600},
        "questions": [question(stem="抢答 1")]}]), tmp_path)
    server.start()
    clients = []
    try:
        host, screen = host_and_screen(server.url, made)
        clients += [host, screen]
        teams = [t["id"] for t in host.wait_version(0)["teams"]]
        red, blue = (join(server.url, made["code"], teams[0], "甲"),
                     join(server.url, made["code"], teams[1], "乙"))
        clients += [red, blue]
        assert host.host("next")["ok"] and host.host("show_question")["ok"]
        qid = host.wait_version(2)["question"]["id"]
        opened = host.host("open_buzzers", question=qid)
        assert opened["ok"]
        assert screen.wait_version(opened["version"], timeout=3)["phase"] == "open"
        first = red.call("buzz", {"question": qid})      # within the projector's 5 s
        assert first["ok"], first
        shown = screen.wait_version(first["version"], timeout=3)
        assert shown["turn"] == teams[0] and shown["buzzes"][0]["team"] == teams[0]
        second = blue.call("buzz", {"question": qid})    # not urgent: waits for the interval
        assert second["ok"], second
        assert screen.state["version"] < second["version"]
    finally:
        close_all(clients)
