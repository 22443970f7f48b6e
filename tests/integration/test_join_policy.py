"""Issue 19 point 4: a phone cannot play for a rival team (quiz/live/joinpolicy.py,
docs/protocol.md).

Under "team_links" a join with the team's secret comes in; without it the join waits for the
host; a forged secret is refused; the host approves or refuses in the console; players already
in come back with their token as before. "host_approval" makes every join wait; "open" is the
old behaviour.
"""
import pytest

from quiz.live import joinpolicy
from quiz.record.models import Contest, Player
from tests.helpers import contest_spec


@pytest.fixture
def linked(app, make_contest):
    """A "team_links" contest: {"code", "host_key", "teams", "secrets"}."""
    c = make_contest(contest_spec(join="team_links"))
    c["secrets"] = {t: joinpolicy.team_secret(c["host_key"], t) for t in c["teams"]}
    return c


def received(sock, name):
    return [m["args"][0] for m in sock.get_received() if m["name"] == name]


def host_of(make_socket, c):
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    assert host.is_connected()
    return host


def players_of(app, code):
    with app.app_context():
        contest = Contest.query.filter_by(code=code).one()
        return [(p.team_id, p.name) for p in Player.query.filter_by(contest_id=contest.id)]


def test_a_new_contest_defaults_to_team_links(app, make_contest):
    spec = contest_spec()
    del spec["join"]
    c = make_contest(spec)
    with app.app_context():
        assert Contest.query.filter_by(code=c["code"]).one().setup["join"] == "team_links"


def test_an_unknown_policy_is_refused(app, make_contest):
    from quiz.setup.contests import SetupError

    with pytest.raises(SetupError, match="'join' must be one of"):
        make_contest(contest_spec(join="anyone"))


def test_a_contest_stored_before_the_policy_stays_open():
    assert joinpolicy.policy_of({"name": "old"}) == "open"


def test_the_team_secret_joins_that_team_at_once(app, make_socket, linked):
    red = linked["teams"][0]
    phone = make_socket(contest=linked["code"])
    ack = phone.emit("join", {"team": red, "name": "张伟", "secret": linked["secrets"][red]},
                     callback=True)
    assert ack["ok"] and ack["token"] and ack["team"] == red and not ack.get("pending")
    assert players_of(app, linked["code"]) == [(red, "张伟")]


def test_a_rival_team_without_its_secret_only_waits(app, make_socket, linked):
    red, blue = linked["teams"][:2]
    host = host_of(make_socket, linked)
    host.get_received()
    rival = make_socket(contest=linked["code"])
    ack = rival.emit("join", {"team": blue, "name": "捣乱"}, callback=True)
    assert ack["ok"] and ack["pending"] is True and "token" not in ack
    assert players_of(app, linked["code"]) == []
    # the rival cannot play while it waits
    for event, payload in (("buzz", {"question": 1}), ("answer", {"question": 1, "answer": "A"})):
        assert rival.emit(event, payload, callback=True)["error"] == "not_joined"
    (listing,) = received(host, "join_requests")
    assert listing["requests"] == [{"id": ack["request"], "team": blue, "name": "捣乱",
                                    "at": listing["requests"][0]["at"]}]


def test_red_secret_does_not_open_blue(app, make_socket, linked):
    red, blue = linked["teams"][:2]
    phone = make_socket(contest=linked["code"])
    real = linked["secrets"][blue]
    altered = real[:-1] + ("B" if real.endswith("A") else "A")  # never the real one
    for forged in (linked["secrets"][red], altered, "x" * 22, 12345, ["list"]):
        ack = phone.emit("join", {"team": blue, "name": "冒充", "secret": forged},
                         callback=True)
        assert not ack["ok"] and ack["error"] == "bad_team_secret", (forged, ack)
        assert ack["message_zh"]
    assert players_of(app, linked["code"]) == []


def test_the_host_approves_and_the_phone_comes_in(app, make_socket, linked):
    blue = linked["teams"][1]
    host = host_of(make_socket, linked)
    phone = make_socket(contest=linked["code"])
    ask = phone.emit("join", {"team": blue, "name": "李娜"}, callback=True)
    phone.get_received()
    ack = host.emit("host", {"action": "approve_join", "request": ask["request"]},
                    callback=True)
    assert ack["ok"] and ack["approved"] == ask["request"]
    (approved,) = received(phone, "join_approved")
    assert approved["ok"] and approved["team"] == blue and approved["token"]
    assert players_of(app, linked["code"]) == [(blue, "李娜")]
    assert phone.emit("buzz", {"question": 999}, callback=True)["error"] != "not_joined"
    assert received(host, "join_requests")[-1]["requests"] == []
    # the token brings the phone back as the same player
    again = make_socket(contest=linked["code"], token=approved["token"])
    assert again.is_connected()
    (me,) = received(again, "me")
    assert me["player"] == approved["player"] and me["team"] == blue
    # a request is answered once
    twice = host.emit("host", {"action": "approve_join", "request": ask["request"]},
                      callback=True)
    assert twice["error"] == "unknown_request"


def test_the_host_refuses_and_the_phone_is_told(app, make_socket, linked):
    blue = linked["teams"][1]
    host = host_of(make_socket, linked)
    phone = make_socket(contest=linked["code"])
    ask = phone.emit("join", {"team": blue, "name": "路人"}, callback=True)
    ack = host.emit("host", {"action": "refuse_join", "request": ask["request"]}, callback=True)
    assert ack["ok"]
    (refused,) = received(phone, "join_refused")
    assert refused["error"] == "join_refused" and refused["message_zh"]
    assert players_of(app, linked["code"]) == []
    # it may ask again (or use its own team's link)
    red = linked["teams"][0]
    ok = phone.emit("join", {"team": red, "name": "路人", "secret": linked["secrets"][red]},
                    callback=True)
    assert ok["ok"] and ok["token"]


def test_only_the_host_answers_requests(app, make_socket, linked):
    blue = linked["teams"][1]
    phone = make_socket(contest=linked["code"])
    ask = phone.emit("join", {"team": blue, "name": "等"}, callback=True)
    other = make_socket(contest=linked["code"])
    for who in (other, make_socket(contest=linked["code"], role="screen")):
        ack = who.emit("host", {"action": "approve_join", "request": ask["request"]},
                       callback=True)
        assert ack["error"] == "forbidden"
    assert players_of(app, linked["code"]) == []


def test_a_phone_that_leaves_takes_its_request_away(app, make_socket, linked):
    blue = linked["teams"][1]
    host = host_of(make_socket, linked)
    phone = make_socket(contest=linked["code"])
    ask = phone.emit("join", {"team": blue, "name": "走了"}, callback=True)
    phone.disconnect()
    assert received(host, "join_requests")[-1]["requests"] == []
    ack = host.emit("host", {"action": "approve_join", "request": ask["request"]}, callback=True)
    assert ack["error"] == "unknown_request"
    assert players_of(app, linked["code"]) == []


def test_a_host_sees_the_requests_when_it_connects(app, make_socket, linked):
    blue = linked["teams"][1]
    phone = make_socket(contest=linked["code"])
    ask = phone.emit("join", {"team": blue, "name": "早到"}, callback=True)
    host = host_of(make_socket, linked)
    assert [r["id"] for r in received(host, "join_requests")[-1]["requests"]] == [ask["request"]]


def test_host_approval_makes_every_join_wait(app, make_socket, make_contest):
    c = make_contest(contest_spec(join="host_approval"))
    red = c["teams"][0]
    phone = make_socket(contest=c["code"])
    secret = joinpolicy.team_secret(c["host_key"], red)
    ack = phone.emit("join", {"team": red, "name": "甲", "secret": secret}, callback=True)
    assert ack["ok"] and ack["pending"]


def test_open_contests_join_as_before(app, make_socket, make_contest):
    c = make_contest(contest_spec(join="open"))
    phone = make_socket(contest=c["code"])
    ack = phone.emit("join", {"team": c["teams"][1], "name": "乙"}, callback=True)
    assert ack["ok"] and ack["token"]


def test_players_who_joined_before_come_back_with_their_token(app, make_socket, linked):
    red = linked["teams"][0]
    phone = make_socket(contest=linked["code"])
    ack = phone.emit("join", {"team": red, "name": "老队员", "secret": linked["secrets"][red]},
                     callback=True)
    phone.disconnect()
    back = make_socket(contest=linked["code"], token=ack["token"])
    assert back.is_connected()
    assert received(back, "me")[0]["player"] == ack["player"]
    assert back.emit("join", {"team": red, "name": "x"}, callback=True)["error"] == \
        "already_joined"


# --- the desk cards and the team QR codes ---------------------------------------------------------

def test_the_desk_cards_carry_each_team_secret_for_the_organizer_only(app, organizer_client,
                                                                      client, linked):
    page = organizer_client.get(f"/contests/{linked['code']}/cards")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    for team, secret in linked["secrets"].items():
        assert f"/play/{linked['code']}?team={team}#k={secret}" in html
        assert f"/qr/{linked['code']}.svg?team={team}" in html
    stranger = client.get(f"/contests/{linked['code']}/cards")
    assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]
    assert linked["secrets"][linked["teams"][0]] not in stranger.get_data(as_text=True)


def test_a_host_key_session_may_print_the_cards(app, linked):
    c = app.test_client()
    c.post(f"/host/{linked['code']}", data={"key": linked["host_key"]})
    assert c.get(f"/contests/{linked['code']}/cards").status_code == 200


def test_the_team_qr_code_holds_the_secret_only_for_the_host(app, organizer_client, client,
                                                             linked):
    red = linked["teams"][0]
    own = organizer_client.get(f"/qr/{linked['code']}.svg?team={red}")
    public = client.get(f"/qr/{linked['code']}.svg?team={red}")
    assert own.status_code == public.status_code == 200
    assert own.data != public.data and own.headers["Cache-Control"] == "no-store"
    from quiz.web.views import team_join_url

    with app.test_request_context():
        contest = Contest.query.filter_by(code=linked["code"]).one()
        assert team_join_url(contest, red, with_secret=False).endswith(f"?team={red}")


# --- the attack of the report, with raw python-socketio clients against the real server --------

def test_a_rival_phone_cannot_foul_or_answer_for_another_team_on_a_real_server(tmp_path):
    import threading

    from tests.integration.live_clients import Client
    from tests.serverproc import ServerProcess

    srv = ServerProcess(str(tmp_path / "instance"))
    spec = contest_spec(join="team_links", rounds=[
        {"kind": "compulsory", "title": "必答", "questions": [
            {"type": "single", "stem": "1+1?", "options": ["1", "2"], "answer": ["B"]}]},
        {"kind": "buzz", "title": "抢答", "questions": [
            {"type": "single", "stem": "2+2?", "options": ["4", "5"], "answer": ["A"]}]}])
    made = srv.create_contest(spec, tmp_path)
    srv.start()
    try:
        code, key = made["code"], made["host_key"]
        host = Client(srv.url, {"contest": code, "role": "host", "key": key})
        requests = []
        got = threading.Event()
        host.sio.on("join_requests", lambda m: (requests.append(m), got.set()))
        teams = [t["id"] for t in host.wait_version(0)["teams"]]
        rival = Client(srv.url, {"contest": code, "role": "player"})
        ack = rival.call("join", {"team": teams[0], "name": "冒充"})
        assert ack["ok"] and ack["pending"] and "token" not in ack
        forged = rival.call("join", {"team": teams[0], "name": "冒充", "secret": "A" * 22})
        assert forged["error"] == "bad_team_secret"
        # the first team's compulsory question: the rival cannot answer it, nor buzz early
        v = host.host("next")["version"]                       # start the contest
        v = host.host("next")["version"]                       # the compulsory round
        state = host.wait_version(v)
        for _ in range(4):                                     # intro, then the question
            if state["phase"] == "answering":
                break
            v = host.host("next")["version"]
            state = host.wait_version(v)
        qid = state["question"]["id"]
        assert state["turn"] == teams[0]
        ans = rival.call("answer", {"question": qid, "answer": ["A"]})
        buzz = rival.call("buzz", {"question": qid})
        assert ans["error"] == buzz["error"] == "not_joined"
        assert host.wait_version(v)["phase"] == "answering"    # the question is still open
        # the real team's phone, with its secret, answers
        secret = joinpolicy.team_secret(key, teams[0])
        own = Client(srv.url, {"contest": code, "role": "player"})
        joined = own.call("join", {"team": teams[0], "name": "队员", "secret": secret})
        assert joined["ok"] and joined["token"]
        assert own.call("answer", {"question": qid, "answer": ["B"]})["ok"]
        assert got.wait(5) and requests[-1]["requests"][0]["name"] == "冒充"
        for c in (host, rival, own):
            c.sio.disconnect()
    finally:
        srv.stop()
