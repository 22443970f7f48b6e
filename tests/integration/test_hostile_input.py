"""Hostile and broken input: generated payloads for every socket event, replays and stale
ids, oversized messages, foreign origins, upload caps, join and sign-in limits, and names
that try to be HTML. Every refusal is an error ack; nothing is logged as a server error;
nothing changes."""
import json
import logging
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from question_bank import service
from quiz import engine, startup
from quiz.base.extensions import db, socketio
from quiz.live import players, runtime
from quiz.record.models import Contest, ContestCommand, ContestSnapshot, Player, QuestionUse
from tests.helpers import TeamActions, contest_spec, question

HOST_ACTIONS = sorted(engine.HOST_COMMANDS | {"remove_player"})
FIELDS = ("round", "question", "team", "correct", "delta", "reason", "replacement", "teams",
          "value", "player", "pass", "answer", "name", "rtt", "type", "actor", "action")
LONG = 600            # generous settings: no deadline passes during a test


# --- generated payloads -------------------------------------------------------------------

scalars = (st.none() | st.booleans() | st.integers(-2**100, 2**100) | st.floats()
           | st.text(max_size=40) | st.sampled_from(["", " ", "\u0000", "\ud800", "A", "true",
                                                     "<script>", "1", "-1", "NaN"]))
junk = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def payloads(ids):
    """A payload for one event: a dict of known fields with ids or junk, or plain junk."""
    value = ids | junk
    answers = st.lists(st.sampled_from(["A", "B", "C", "D", "true", "false", "对", ""])
                       | st.text(max_size=30), max_size=5)
    fields = st.fixed_dictionaries({}, optional={
        "team": value, "name": st.text(max_size=40) | junk, "question": value,
        "answer": answers | junk, "value": st.sampled_from([10, 20, 30]) | value,
        "pass": junk, "rtt": junk,
    })
    host = st.fixed_dictionaries(
        {"action": st.sampled_from(HOST_ACTIONS) | junk},
        optional={k: value for k in FIELDS if k != "action"})
    extra = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), value, max_size=3)
    return st.tuples(
        st.sampled_from(["join", "buzz", "answer", "wager", "host", "time"]),
        st.sampled_from(["host", "phone", "screen", "unjoined"]),
        st.one_of(fields, host, st.builds(lambda a, b: {**a, **b}, fields, extra), junk),
    )


class Arena:
    """One contest in a chosen phase, its sockets, and a checkpoint to return to."""

    def __init__(self, app, make_socket, make_contest, phase):
        self.app, self.make_socket = app, make_socket
        with app.app_context():
            report = service.import_files(
                [os.path.join(startup.DEMO_DIR, "demo_bank.csv")], bank="演示题库")
            assert report.refused is None
        settings_ = {"answer_time": LONG}
        buzz_settings = {"buzz_window": LONG, "answer_time": LONG}
        rounds = {
            "open": [{"kind": "buzz", "title": "抢答", "settings": buzz_settings,
                      "questions": [question(stem="a"), question(stem="b")]}],
            "answering": [{"kind": "buzz", "title": "抢答", "settings": buzz_settings,
                           "questions": [question("fill_blank", stem="c", answer=["对"])]}],
            "collecting": [{"kind": "all_answer", "title": "全员", "settings": settings_,
                            "questions": [question(stem="d"), question(stem="e")]}],
            "choosing": [{"kind": "wager", "title": "风险", "settings": settings_,
                          "questions": [question(stem=f"w{v}", level=v)
                                        for v in (10, 20, 30)]}],
        }[phase]
        c = make_contest(contest_spec(rounds=rounds, bank="演示题库"))
        self.c, self.code = c, c["code"]
        self.socks = {
            "host": make_socket(contest=self.code, role="host", key=c["host_key"]),
            "screen": make_socket(contest=self.code, role="screen"),
        }
        self.phones = [TeamActions(make_socket, self.code, t, f"选手{i}")
                       for i, t in enumerate(c["teams"])]
        self.socks["phone"] = self.phones[0].sock
        self.socks["unjoined"] = make_socket(contest=self.code, role="player")
        self.host("next")
        if phase == "choosing":
            self.host("next")
        else:
            self.host("show_question")
        qid = (self.rt().state["q"] or {"id": 1})["id"]
        if phase in ("open", "answering"):
            self.host("open_buzzers", question=qid)
        if phase == "answering":
            assert self.phones[0].buzz(qid)["ok"]
        assert self.rt().state["phase"] == phase
        with app.app_context():
            self.cid = Contest.query.filter_by(code=self.code).one().id
        self.base = self.fingerprint()
        self.ids = st.sampled_from(sorted(
            set(c["teams"]) | {qid, qid - 1, qid + 1, 0, -1, 10**6, 2**53, 2**64}
            | {p.player for p in self.phones} | {10, 20, 30}))

    def rt(self):
        with self.app.app_context():
            return runtime.get(self.code)

    def host(self, action, **fields):
        ack = self.socks["host"].emit("host", dict(fields, action=action), callback=True)
        assert ack["ok"], ack
        return ack

    def fingerprint(self):
        """Everything a refused command must leave alone."""
        with self.app.app_context():
            rt = runtime.get(self.code)
            out = (json.dumps(rt.state, sort_keys=True), rt.seq,
                   ContestCommand.query.filter_by(contest_id=self.cid).count(),
                   QuestionUse.query.count(),
                   sorted((p.id, p.removed) for p in Player.query.filter_by(
                       contest_id=self.cid)))
            db.session.rollback()
        return out

    def restore(self):
        """Back to the checkpoint after a command that was genuinely valid."""
        base_seq = self.base[1]
        with self.app.app_context():
            rt = runtime.get(self.code)
            ContestCommand.query.filter(ContestCommand.contest_id == self.cid,
                                        ContestCommand.seq > base_seq).delete()
            ContestSnapshot.query.filter(ContestSnapshot.contest_id == self.cid,
                                         ContestSnapshot.seq > base_seq).delete()
            Player.query.filter_by(contest_id=self.cid).update({"removed": False})
            QuestionUse.query.filter(QuestionUse.id > self.base_uses).delete()
            db.session.commit()
            with rt.lock:
                rt.reload()
        for name in ("phone", "unjoined"):
            sock = self.socks[name]
            if not sock.is_connected():                    # removed by the host
                self.socks[name] = self.make_socket(
                    contest=self.code, role="player",
                    token=self.phones[0].token if name == "phone" else None)
        if self.socks["unjoined"] is not None:
            ack = self.socks["unjoined"].emit("time", {}, callback=True)
            assert ack["ok"]
        assert self.fingerprint()[:3] == self.base[:3]

    def send(self, event, sender, payload):
        sock = self.socks[sender]
        sock.get_received()
        return sock.emit(event, payload, callback=True)


@pytest.mark.parametrize("phase", ["open", "answering", "collecting", "choosing"])
def test_generated_payloads_get_error_acks_and_change_nothing(app, make_socket, make_contest,
                                                              phase, caplog, monkeypatch):
    monkeypatch.setattr(app.extensions["quiz_limits"].flood, "burst", 10**6)  # tested apart
    arena = Arena(app, make_socket, make_contest, phase)
    with app.app_context():
        arena.base_uses = max([0] + [u.id for u in QuestionUse.query.all()])
    caplog.set_level(logging.WARNING)
    seen = {"ok": 0, "refused": 0}

    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(payloads(arena.ids))
    def run(case):
        event, sender, payload = case
        before = arena.fingerprint()
        ack = arena.send(event, sender, payload)
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (case, ack)
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, (case, [r.getMessage() for r in errors])
        if ack["ok"]:
            seen["ok"] += 1
            if event == "join":                            # a new phone: use a fresh one
                arena.socks["unjoined"] = make_socket(contest=arena.code, role="player")
            arena.restore()
            return
        seen["refused"] += 1
        assert isinstance(ack["error"], str) and ack["error"] != "server_error", (case, ack)
        assert ack["message"] and ack["message_zh"], ack
        assert arena.fingerprint() == before, (case, ack)

    run()
    assert seen["refused"] > 100, seen


# --- replays and stale ids ----------------------------------------------------------------

def test_replayed_and_stale_commands_are_refused_and_change_nothing(app, make_socket,
                                                                    make_contest, caplog):
    caplog.set_level(logging.WARNING)
    arena = Arena(app, make_socket, make_contest, "open")
    red, blue = arena.phones[0], arena.phones[1]
    qid = arena.rt().state["q"]["id"]
    assert red.buzz(qid)["ok"]
    before = arena.fingerprint()
    for _ in range(3):                                   # the same buzz again and again
        ack = red.buzz(qid)
        assert ack["ok"] is False and ack["error"] == "already_buzzed", ack
    judge = {"action": "judge", "question": qid, "team": red.team, "correct": False}
    assert arena.send("host", "host", judge)["ok"]
    after_judge = arena.fingerprint()
    ack = arena.send("host", "host", judge)              # the host's click, delivered twice
    assert ack["ok"] is False and ack["error"] != "server_error", ack
    assert arena.fingerprint() == after_judge
    assert before != after_judge
    assert arena.send("host", "host", {"action": "reveal", "question": qid})["ok"]
    assert arena.send("host", "host", {"action": "next"})["ok"]
    new_q = arena.rt().state["q"]["id"]
    assert new_q != qid
    moved = arena.fingerprint()
    for event, sender, payload in [
        ("buzz", "phone", {"question": qid}),
        ("answer", "phone", {"question": qid, "answer": ["B"]}),
        ("buzz", "phone", {"question": 10**9}),
        ("host", "host", dict(judge, correct=True)),
        ("host", "host", {"action": "open_buzzers", "question": qid}),
        ("host", "host", {"action": "reveal", "question": qid}),
        ("host", "host", {"action": "foul", "team": blue.team, "question": qid}),
        ("host", "host", {"action": "adjust_score", "team": 10**9, "delta": 5,
                          "reason": "x"}),
        ("host", "host", {"action": "remove_player", "player": 10**9}),
        ("host", "host", {"action": "remove_player", "player": 2**70}),
        ("join", "unjoined", {"team": 2**70, "name": "x"}),
        ("join", "unjoined", {"team": 10**9, "name": "x"}),
    ]:
        ack = arena.send(event, sender, payload)
        assert ack["ok"] is False and ack["error"] not in ("server_error", None), (payload, ack)
        assert arena.fingerprint() == moved, payload
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_huge_and_deep_payloads_within_the_cap_are_refused_cleanly(app, make_socket,
                                                                   make_contest, caplog):
    caplog.set_level(logging.WARNING)
    arena = Arena(app, make_socket, make_contest, "collecting")
    qid = arena.rt().state["q"]["id"]
    before = arena.fingerprint()
    deep = []
    for _ in range(400):
        deep = [deep]
    big = "字" * 5000                                    # 15 KB of UTF-8
    for event, sender, payload in [
        ("answer", "phone", {"question": qid, "answer": [big]}),
        ("answer", "phone", {"question": qid, "answer": ["A"] * 3000}),
        ("answer", "phone", {"question": qid, "answer": deep}),
        ("host", "host", {"action": "adjust_score", "team": arena.c["teams"][0],
                          "delta": 1, "reason": big}),
        ("host", "host", {"action": "adjust_score", "team": arena.c["teams"][0],
                          "delta": 10**90, "reason": "x"}),
        ("host", "host", {"action": "start_tiebreak", "teams": list(range(3000))}),
        ("host", "host", {"action": "start_tiebreak", "teams": arena.c["teams"][:2],
                          "question": {"id": 5, "stem": deep}}),
        ("join", "unjoined", {"team": arena.c["teams"][0], "name": deep}),
        ("buzz", "phone", deep),
        ("wager", "phone", {"value": deep}),
    ]:
        ack = arena.send(event, sender, payload)
        assert ack["ok"] is False and ack["error"] != "server_error", (event, ack)
        assert arena.fingerprint() == before, event
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- names ------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_names_are_cleaned_and_limited():
    assert players.clean_name("  张\t三\n ") == "张 三"
    assert players.clean_name("a\u0000b\u0007c\u202ed\u200b") == "abcd"
    assert players.clean_name("\ud800x") == "x"
    assert players.clean_name("长" * 50) == "长" * 20
    assert players.clean_name(["x"]) == "" and players.clean_name(None) == ""
    assert players.clean_name("\u0000\u0001") == ""


def test_join_names_are_cleaned_before_they_are_stored(app, make_socket, make_contest):
    c = make_contest()
    sock = make_socket(contest=c["code"], role="player")
    ack = sock.emit("join", {"team": c["teams"][0], "name": "\u0007红\u0000一" + "x" * 40},
                    callback=True)
    assert ack["ok"] and ack["name"] == "红一" + "x" * 18 and len(ack["name"]) == 20
    bad = make_socket(contest=c["code"], role="player")
    for name in ("\u0000\u0001", "   ", "", None, 5, ["a"]):
        ack = bad.emit("join", {"team": c["teams"][0], "name": name}, callback=True)
        assert ack["ok"] is False and ack["error"] == "bad_name", (name, ack)


def test_script_names_are_plain_text_in_pages_and_snapshots(app, make_socket, make_contest,
                                                            organizer_client):
    c = make_contest(contest_spec(teams=(SCRIPT, "蓝队")))
    phone = TeamActions(make_socket, c["code"], c["teams"][1], name=SCRIPT)
    assert phone.sock.emit("time", {}, callback=True)["ok"]
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    screen = make_socket(contest=c["code"], role="screen")
    for sock in (host, screen, phone.sock):
        snap = [m["args"][0] for m in sock.get_received() if m["name"] == "state"][-1]
        assert SCRIPT in [t["name"] for t in snap["teams"]]       # a plain string
    presence = [m["args"][0] for m in host.get_received() if m["name"] == "presence"]
    assert not presence or all(isinstance(p["name"], str) for p in presence[-1].get(
        "phones", []))
    pages = [f"/screen/{c['code']}", f"/host/{c['code']}", f"/play/{c['code']}",
             f"/contests/{c['code']}", f"/results/{c['code']}"]
    for path in pages:
        resp = organizer_client.get(path)
        assert resp.status_code == 200, path
        html = resp.get_data(as_text=True)
        assert SCRIPT not in html, path
        assert "<script>alert" not in html, path
        if "&lt;script&gt;alert(1)&lt;/script&gt;" not in html and "alert(1)" in html:
            # in a JSON island the name must be escaped for a <script> context
            assert "\\u003cscript\\u003ealert" in html or "\\u003c" in html, path


# --- limits ---------------------------------------------------------------------------------

def test_join_rate_limit_per_address(app, make_socket, make_contest, monkeypatch):
    monkeypatch.setitem(app.config["QUIZ_LIMITS"], "join_address", (5, 60))
    c = make_contest()
    acks = []
    for i in range(8):
        sock = make_socket(contest=c["code"], role="player")
        acks.append(sock.emit("join", {"team": c["teams"][0], "name": f"p{i}"},
                              callback=True))
    assert [a["ok"] for a in acks] == [True] * 5 + [False] * 3
    assert {a["error"] for a in acks[5:]} == {"rate_limited"}
    with app.app_context():
        assert Player.query.count() == 5


def test_join_rate_limit_per_contest(app, make_socket, make_contest, monkeypatch):
    monkeypatch.setitem(app.config["QUIZ_LIMITS"], "join_contest", (4, 60))
    c, other = make_contest(), make_contest()
    codes = []
    for i in range(6):
        sock = make_socket(contest=c["code"], role="player")
        codes.append(sock.emit("join", {"team": c["teams"][0], "name": f"p{i}"},
                               callback=True).get("error"))
    assert codes[:4] == [None] * 4 and codes[4:] == ["rate_limited"] * 2
    sock = make_socket(contest=other["code"], role="player")   # another contest is not held up
    assert sock.emit("join", {"team": other["teams"][0], "name": "x"}, callback=True)["ok"]


def test_a_password_guesser_is_slowed_down(app):
    guesser = app.test_client()
    codes = [guesser.post("/login", data={"password": f"guess{i}"}).status_code
             for i in range(12)]
    assert codes == [401] * 12
    # after ten failures even the right password is refused for a while
    resp = guesser.post("/login", data={"password": "test-organizer-pw"})
    assert resp.status_code == 401
    assert "organizer" not in (resp.headers.get("Set-Cookie") or "")
    assert guesser.get("/contests/new").status_code == 302
    # another address is not locked out by the guesser
    other = app.test_client()
    resp = other.post("/login", data={"password": "test-organizer-pw"},
                      environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert resp.status_code == 302


def test_a_contest_code_guesser_is_slowed_down(app, make_contest):
    """Codes are six digits: one address trying many unknown codes is soon refused."""
    c = make_contest()
    guesser = app.test_client()
    misses = [guesser.get(f"/join?code={100000 + i}").status_code for i in range(15)]
    misses += [guesser.get(f"/play/{200000 + i}").status_code for i in range(15)]
    assert set(misses) <= {404, 429}
    assert guesser.get(f"/play/{c['code']}").status_code == 429
    assert guesser.get(f"/join?code={c['code']}").status_code == 429
    other = app.test_client()                            # another address is not held up
    assert other.get(f"/play/{c['code']}",
                     environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200


def test_a_contest_code_guesser_on_the_socket_is_slowed_down(app, make_contest):
    c = make_contest()
    for i in range(40):
        sock = socketio.test_client(app, auth={"contest": str(300000 + i), "role": "screen"})
        assert not sock.is_connected()
    sock = socketio.test_client(app, auth={"contest": c["code"], "role": "screen"})
    try:
        assert not sock.is_connected(), "forty unknown codes, then the right one got in"
    finally:
        if sock.is_connected():
            sock.disconnect()


def test_a_host_key_guesser_is_slowed_down(app, make_contest):
    c = make_contest()
    guesser = app.test_client()
    codes = [guesser.post(f"/host/{c['code']}", data={"key": f"guess{i}"}).status_code
             for i in range(12)]
    assert codes == [401] * 10 + [429] * 2
    resp = guesser.post(f"/host/{c['code']}", data={"key": c["host_key"]})
    assert resp.status_code in (401, 429), "ten wrong host keys, then the right one got in"


def test_a_host_key_guesser_on_the_socket_is_slowed_down(app, make_contest):
    c = make_contest()
    for i in range(12):
        sock = socketio.test_client(app, auth={"contest": c["code"], "role": "host",
                                               "key": f"guess-{i}"})
        assert not sock.is_connected()
    sock = socketio.test_client(app, auth={"contest": c["code"], "role": "host",
                                           "key": c["host_key"]})
    try:
        assert not sock.is_connected(), "ten wrong host keys, then the right one got in"
    finally:
        if sock.is_connected():
            sock.disconnect()


def test_uploads_over_the_cap_get_a_clear_413(app, organizer_client):
    import io

    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024            # the app-wide cap
    body = b"x" * (100 * 1024)
    resp = organizer_client.post("/contests", data={"file": (io.BytesIO(body), "big.json")},
                                 content_type="multipart/form-data")
    assert resp.status_code == 413
    text = resp.get_data(as_text=True).lower()
    assert "<html" in text or "<!doctype" in text
    assert "too large" in text
    # the bank's upload has its own (larger) cap and a page that says the limit
    app.config["BANK_MAX_UPLOAD_BYTES"] = 16 * 1024
    app.config["BANK_MAX_BUNDLE_BYTES"] = 16 * 1024
    app.config["MAX_CONTENT_LENGTH"] = None
    resp = organizer_client.post("/bank/upload", data={"files": (io.BytesIO(body), "big.csv")},
                                 content_type="multipart/form-data")
    assert resp.status_code == 413
    assert "KB" in resp.get_data(as_text=True) or "MB" in resp.get_data(as_text=True)


# --- origins ----------------------------------------------------------------------------------

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


def test_a_foreign_origin_is_refused_at_the_handshake(client):
    assert client.get(HANDSHAKE, headers={"Origin": "http://evil.example"}).status_code == 400
    own = client.get(HANDSHAKE, headers={"Origin": "http://localhost"})
    assert own.status_code == 200 and own.data.startswith(b"0{")
    assert client.get(HANDSHAKE).status_code == 200            # no Origin: not a browser


def test_quiz_allowed_origins_lets_a_listed_origin_in(tmp_path, monkeypatch):
    from quiz.factory import create_app

    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("QUIZ_ALLOWED_ORIGINS", "http://ok.example, https://also.example")
    app = create_app({"TESTING": True, "QUIZ_DEMO": False, "QUIZ_NO_TIMER": True,
                      "SOCKETIO_ASYNC_MODE": "threading",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'o.sqlite3'}"})
    try:
        c = app.test_client()
        for origin, status in (("http://ok.example", 200), ("https://also.example", 200),
                               ("http://evil.example", 400), ("http://ok.example.evil", 400)):
            assert c.get(HANDSHAKE, headers={"Origin": origin}).status_code == status, origin
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
