"""The socket protocol end to end through the Flask-SocketIO test client."""
import pytest

from tests.helpers import TeamActions, contest_spec, question


def states(sock):
    return [m["args"][0] for m in sock.get_received() if m["name"] == "state"]


@pytest.fixture
def contest(make_contest):
    return make_contest()


@pytest.fixture
def host(make_socket, contest):
    return make_socket(contest=contest["code"], role="host", key=contest["host_key"])


def host_do(host, action, **fields):
    ack = host.emit("host", dict(fields, action=action), callback=True)
    return ack


def test_connect_is_refused_with_a_reason(make_socket, contest):
    for auth in (None, {"contest": "999999", "role": "screen"},
                 {"contest": contest["code"], "role": "judge"},
                 {"contest": contest["code"], "role": "host", "key": "wrong"},
                 {"contest": contest["code"], "role": "player", "token": "x" * 32}):
        sock = make_socket(auth=auth) if auth is not None else make_socket(
            auth="not-a-dict")
        assert not sock.is_connected()


def test_every_connect_gets_the_snapshot_at_once(make_socket, contest):
    screen = make_socket(contest=contest["code"], role="screen")
    got = states(screen)
    assert got and got[0]["name"] == "测试竞赛"
    assert [t["name"] for t in got[0]["teams"]] == ["红队", "蓝队", "绿队"]
    assert got[0]["teams"][0]["score"] == 100


def test_join_returns_a_token_that_brings_the_phone_back(make_socket, contest):
    phone = TeamActions(make_socket, contest["code"], contest["teams"][1], name=" 张三 ")
    phone.sock.disconnect()
    again = make_socket(contest=contest["code"], role="player", token=phone.token)
    assert again.is_connected()
    me = [m["args"][0] for m in again.get_received() if m["name"] == "me"]
    assert me and me[0]["team"] == contest["teams"][1] and me[0]["name"] == "张三"
    # the same phone cannot join twice
    ack = again.emit("join", {"team": contest["teams"][0], "name": "x"}, callback=True)
    assert ack["ok"] is False and ack["error"] == "already_joined"


def test_join_refuses_bad_input_with_a_message(make_socket, contest):
    sock = make_socket(contest=contest["code"], role="player")
    for payload, code in (({"team": 99999, "name": "a"}, "bad_team"),
                          ({"team": "1", "name": "a"}, "bad_team"),
                          ({"team": contest["teams"][0], "name": "   "}, "bad_name"),
                          ("just a string", "bad_payload")):
        ack = sock.emit("join", payload, callback=True)
        assert ack["ok"] is False and ack["error"] == code, (payload, ack)
        assert ack["message"] and ack["message_zh"]


def test_a_phone_can_never_send_host_commands(make_socket, contest):
    phone = TeamActions(make_socket, contest["code"], contest["teams"][0])
    screen = make_socket(contest=contest["code"], role="screen")
    before = states(screen)[-1]["version"]
    for action in ("next", "adjust_score", "finish", "remove_player", "undo"):
        ack = phone.sock.emit("host", {"action": action, "team": contest["teams"][0],
                                       "delta": 50, "reason": "x"}, callback=True)
        assert ack["ok"] is False and ack["error"] == "forbidden"
        ack = screen.emit("host", {"action": action}, callback=True)
        assert ack["ok"] is False and ack["error"] == "forbidden"
    assert not states(screen) or states(screen)[-1]["version"] == before


def test_time_ack_carries_the_server_clock(make_socket, contest):
    import time

    sock = make_socket(contest=contest["code"], role="screen")
    ack = sock.emit("time", {}, callback=True)
    assert ack["ok"] and abs(ack["now"] - time.time() * 1000) < 5000


def play_to_buzz_question(host):
    assert host_do(host, "next")["ok"]                      # round 1 intro (compulsory)
    # skip to the buzz-in round: finish round 1 quickly by starting round 2 is refused...
    return host


def test_buzz_in_question_first_buzz_wins_and_is_ranked(make_socket, make_contest):
    spec = contest_spec(rounds=[{"kind": "buzz", "title": "抢答题",
                                 "questions": [question(stem="抢答 1")]}])
    c = make_contest(spec)
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    screen = make_socket(contest=c["code"], role="screen")
    red = TeamActions(make_socket, c["code"], c["teams"][0], "红一")
    blue = TeamActions(make_socket, c["code"], c["teams"][1], "蓝一")
    assert host_do(host, "next")["ok"]                 # round intro
    assert host_do(host, "show_question")["ok"]        # reading
    qid = states(screen)[-1]["question"]["id"]
    early = blue.buzz(qid)                             # before the buzzers open: a foul
    assert early["ok"]
    assert host_do(host, "open_buzzers", question=qid)["ok"]
    assert red.buzz(qid)["ok"]
    late = blue.buzz(qid)
    assert late["ok"] is False                         # locked out by the foul
    snap = states(screen)[-1]
    assert snap["phase"] == "answering" and snap["turn"] == c["teams"][0]
    assert "answer" not in snap
    assert host_do(host, "judge", question=qid, team=c["teams"][0], correct=True)["ok"]
    snap = states(screen)[-1]
    scores = {t["id"]: t["score"] for t in snap["teams"]}
    assert scores[c["teams"][0]] == 110 and scores[c["teams"][1]] == 90
    # a replayed buzz for the old question is refused as stale once the next one shows
    assert host_do(host, "reveal", question=qid)["ok"]
    assert "answer" in states(screen)[-1]


def test_stale_question_ids_are_refused(make_socket, make_contest):
    spec = contest_spec(rounds=[{"kind": "buzz", "title": "抢答题",
                                 "questions": [question(stem="a"), question(stem="b")]}])
    c = make_contest(spec)
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    red = TeamActions(make_socket, c["code"], c["teams"][0])
    host_do(host, "next")
    host_do(host, "show_question")
    qid = [s for s in states(host)][-1]["question"]["id"]
    ack = host_do(host, "open_buzzers", question=qid + 1000)
    assert ack["ok"] is False and ack["error"] == "stale_question"
    assert red.buzz(qid + 1000)["error"] == "stale_question"


def test_malformed_payloads_get_error_acks(make_socket, contest, host):
    phone = TeamActions(make_socket, contest["code"], contest["teams"][0])
    for event, payload in (("buzz", {"question": "x"}), ("buzz", [1, 2]), ("answer", None),
                           ("answer", {"question": None, "answer": {"a": 1}})):
        ack = phone.sock.emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"], (event, payload, ack)
    for payload in ({"action": 5}, {"action": "launch_rockets"}, {"action": "judge"},
                    {"action": "adjust_score", "team": "red", "delta": "lots"}):
        ack = host.emit("host", payload, callback=True)
        assert ack["ok"] is False and ack["error"], (payload, ack)
