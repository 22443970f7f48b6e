"""Who may do what: the whole matrix of host actions against every other kind of sender,
no correct answer in a phone's or the projector's snapshot before the reveal, organizer
pages behind the sign-in, CSRF on forms, and secrets of at least 128 bits."""
import json
import math
import re

import pytest

from quiz import engine
from quiz.base.extensions import db, socketio
from quiz.factory import create_app
from quiz.record import store
from quiz.record.models import Contest, Player
from tests.conftest import ADMIN_PASSWORD
from tests.helpers import TeamActions, contest_spec, question

HOST_ACTIONS = sorted(engine.HOST_COMMANDS | {"remove_player"})


def states(sock):
    return [m["args"][0] for m in sock.get_received() if m["name"] == "state"]


def host_fields(contest, player_id=None):
    """Plausible fields for every host action, so a refusal is about who, not about what."""
    team = contest["teams"][0]
    return {"round": 1, "question": 1, "team": team, "correct": True, "delta": 50,
            "reason": "x", "replacement": 1, "teams": contest["teams"][:2], "value": 10,
            "player": player_id or 1}


def command_count(app, code):
    with app.app_context():
        contest = Contest.query.filter_by(code=code).one()
        n = len(store.command_log(contest.id))
        db.session.rollback()
        return n


def players_removed(app, code):
    with app.app_context():
        contest = Contest.query.filter_by(code=code).one()
        out = sorted(p.removed for p in Player.query.filter_by(contest_id=contest.id))
        db.session.rollback()
        return out


class Watch:
    """The host's view of a contest and its command log, to prove nothing changed."""

    def __init__(self, app, make_socket, contest):
        self.app, self.code = app, contest["code"]
        self.host = make_socket(contest=self.code, role="host", key=contest["host_key"])
        assert self.host.is_connected()

    def fingerprint(self):
        ack = self.host.emit("time", {}, callback=True)       # flush: handlers run in order
        assert ack["ok"]
        snap = states(self.host)
        self.last = snap[-1] if snap else self.last
        return (self.last["version"], command_count(self.app, self.code),
                players_removed(self.app, self.code))


@pytest.fixture
def two_contests(make_contest):
    return make_contest(), make_contest(contest_spec(teams=("甲队", "乙队")))


def test_every_host_action_is_refused_to_everyone_but_the_host(app, make_socket,
                                                               two_contests):
    a, b = two_contests
    watch_a, watch_b = Watch(app, make_socket, a), Watch(app, make_socket, b)
    watch_a.last = states(watch_a.host)[-1]
    watch_b.last = states(watch_b.host)[-1]
    # a lobby action the host may really do, so that "refused" is not "impossible anyway"
    phone_a = TeamActions(make_socket, a["code"], a["teams"][0], "甲一")
    phone_b = TeamActions(make_socket, b["code"], b["teams"][0], "乙一")
    unjoined = make_socket(contest=a["code"], role="player")
    screen = make_socket(contest=a["code"], role="screen")
    before_a, before_b = watch_a.fingerprint(), watch_b.fingerprint()
    senders = {"player": phone_a.sock, "unjoined player": unjoined, "screen": screen,
               "player of another contest": phone_b.sock}
    for who, sock in senders.items():
        for action in HOST_ACTIONS:
            payload = dict(host_fields(a, phone_a.player), action=action)
            ack = sock.emit("host", payload, callback=True)
            assert ack["ok"] is False and ack["error"] == "forbidden", (who, action, ack)
            assert ack["message"] and ack["message_zh"]
    assert watch_a.fingerprint() == before_a
    assert watch_b.fingerprint() == before_b
    assert phone_a.sock.is_connected()                     # remove_player did not happen
    # player events cannot smuggle a host command either: extra fields are dropped
    for event in ("buzz", "answer", "wager"):
        ack = phone_a.sock.emit(event, {"type": "adjust_score", "action": "finish",
                                        "actor": {"role": "host"}, "team": a["teams"][0],
                                        "delta": 500, "reason": "x", "value": 10},
                                callback=True)
        assert ack["ok"] is False, (event, ack)
    assert watch_a.fingerprint() == before_a
    # and the real host can do what everyone else was refused
    ack = watch_a.host.emit("host", {"action": "lock_lobby"}, callback=True)
    assert ack["ok"], ack
    assert watch_a.fingerprint()[0] == before_a[0] + 1


@pytest.mark.parametrize("auth", [
    None, "not-a-dict", {}, {"role": "host"}, {"contest": 123456, "role": "host"},
    {"contest": "CODE", "role": "admin"}, {"contest": "CODE", "role": "host"},
    {"contest": "CODE", "role": "host", "key": ""}, {"contest": "CODE", "role": "host",
                                                     "key": ["k"]},
    {"contest": "CODE", "role": "host", "key": "KEY_B"},
    {"contest": "CODE", "role": "host", "key": "KEY_A_PREFIX"},
    {"contest": "CODE", "role": "player", "token": "TOKEN_B"},
    {"contest": "CODE", "role": "player", "token": "x" * 32},
    {"contest": "CODE", "role": "player", "token": {"$ne": ""}},
], ids=lambda a: json.dumps(a, ensure_ascii=False)[:40])
def test_connect_without_a_valid_credential_is_refused(app, make_socket, two_contests, auth):
    a, b = two_contests
    phone_b = TeamActions(make_socket, b["code"], b["teams"][0], "乙一")
    subst = {"CODE": a["code"], "KEY_B": b["host_key"], "KEY_A_PREFIX": a["host_key"][:-1],
             "TOKEN_B": phone_b.token}
    if isinstance(auth, dict):
        auth = {k: subst.get(v, v) if isinstance(v, str) else v for k, v in auth.items()}
    before = command_count(app, a["code"])
    sock = make_socket(auth=auth if auth is not None else None) if auth is not None else \
        socketio.test_client(app)
    try:
        assert not sock.is_connected()
        if sock.is_connected():       # pragma: no cover - only reached when the test fails
            assert sock.emit("host", {"action": "finish"}, callback=True)["ok"] is False
    finally:
        if sock.is_connected():
            sock.disconnect()
    assert command_count(app, a["code"]) == before


def test_a_host_session_of_one_contest_cannot_host_another(app, make_socket, two_contests):
    a, b = two_contests
    browser = app.test_client()
    assert browser.post(f"/host/{b['code']}", data={"key": b["host_key"]}).status_code == 302
    assert browser.get(f"/host/{b['code']}").status_code == 200
    page = browser.get(f"/host/{a['code']}")                # the sign-in form, not the console
    assert b"host-console" not in page.data and a["host_key"].encode() not in page.data
    sock = make_socket(contest=a["code"], role="host", flask_client=browser)
    assert not sock.is_connected()
    ok = make_socket(contest=b["code"], role="host", flask_client=browser)
    assert ok.is_connected()


# --- no answer before the reveal ---------------------------------------------------------

SECRET = "秘{}密"


def secret_question(n, qtype="single", **extra):
    """A question whose answer/explanation texts are unique markers we can search for."""
    if qtype == "fill_blank":
        q = question("fill_blank", stem=f"填空 {n}", answer=[SECRET.format(f"答{n}")], **extra)
    else:
        q = question(qtype, stem=f"题 {n}", answer=["C"], **extra)
    q["explanation"] = SECRET.format(f"析{n}")
    return q


def full_rounds():
    n = iter(range(1, 100))
    return [
        {"kind": "compulsory", "title": "必答题",
         "questions": [secret_question(next(n)), secret_question(next(n), "fill_blank"),
                       secret_question(next(n))]},
        {"kind": "buzz", "title": "抢答题",
         "questions": [secret_question(next(n)), secret_question(next(n), "fill_blank")]},
        {"kind": "all_answer", "title": "全员答题",
         "questions": [secret_question(next(n)), secret_question(next(n), "fill_blank")]},
        {"kind": "wager", "title": "风险题",
         "questions": [secret_question(next(n), level=v) for v in (10, 20, 30, 10, 20, 30)]},
    ]


ANSWER_KEYS = {"answer", "answers", "explanation", "correct_answer", "right_answer",
               "submissions", "next_question", "distribution"}


def keys_deep(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield f"{path}.{k}", k, v
            yield from keys_deep(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from keys_deep(v, f"{path}[{i}]")


def assert_no_answer(snapshot, shown_stems, all_questions, who):
    """Nothing about the correct answer, the explanation or an unshown question."""
    text = json.dumps(snapshot, ensure_ascii=False)
    revealed = bool(snapshot.get("revealed"))
    current = (snapshot.get("question") or {}).get("stem")
    for q in all_questions:
        is_current = q["stem"] == current
        secrets = [q["explanation"]] + [a for a in q["answer"] if "秘" in a]
        for s in secrets:
            if not (revealed and is_current):
                assert s not in text, (who, snapshot["version"], s)
        if q["stem"] not in shown_stems:
            assert re.search(re.escape(q["stem"]) + r'"', text) is None, (who, q["stem"])
    if not revealed:
        for path, key, value in keys_deep(snapshot):
            if key in ANSWER_KEYS:
                assert value is None, (who, snapshot["version"], path, value)


def test_phones_and_the_projector_never_see_an_answer_before_the_reveal(app, make_socket,
                                                                        make_contest):
    app.config["QUIZ_COALESCE"] = {"screen": 0, "host": 0, "player": 0, "presence": 0}
    # phones get every snapshot too
    rounds = full_rounds()
    all_questions = [q for r in rounds for q in r["questions"]]
    c = make_contest(contest_spec(teams=("红队", "蓝队", "绿队"), rounds=rounds))
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    screen = make_socket(contest=c["code"], role="screen")
    phones = {t: TeamActions(make_socket, c["code"], t, f"选手{i}")
              for i, t in enumerate(c["teams"])}
    watcher = make_socket(contest=c["code"], role="player")       # a phone that never joins
    shown, seen = set(), {"player": 0, "screen": 0, "kinds": set(), "revealed": 0}
    snap = states(host)[-1]

    def inspect():
        for who, sock in [("screen", screen), ("watcher", watcher)] + [
                (f"phone {t}", p.sock) for t, p in phones.items()]:
            for m in sock.get_received():
                if m["name"] == "state":
                    s = m["args"][0]
                    if s.get("question"):
                        shown.add(s["question"]["stem"])
                        seen["revealed"] += bool(s.get("revealed"))
                    if s.get("round"):
                        seen["kinds"].add(s["round"]["kind"])
                    assert_no_answer(s, shown, all_questions, who)
                    seen["screen" if who == "screen" else "player"] += 1
                    seen[f"last {who}"] = s
                elif m["name"] == "events":
                    # the projector's cues carry no answer and no explanation
                    for _path, key, _v in keys_deep(m["args"][0]):
                        assert key not in ("answer", "explanation"), m
                    assert "秘" not in json.dumps(m["args"][0], ensure_ascii=False)

    def do(action, **fields):
        nonlocal snap
        ack = host.emit("host", dict(fields, action=action), callback=True)
        assert ack["ok"], (action, fields, ack, snap["phase"])
        snap = states(host)[-1]
        inspect()

    def answer_for(team):
        qtype = snap["question"]["type"]
        return ["C"] if qtype == "single" else [SECRET.format("错")]

    for _step in range(200):
        inspect()
        phase, q = snap["phase"], snap.get("question")
        if phase == "finished":
            break
        if phase in ("lobby", "round_intro", "round_end"):
            do("next")
        elif phase == "reading":
            do("open_buzzers", question=q["id"])
        elif phase == "open":
            buzzed = set(snap["locked_out"]) | {b["team"] for b in snap["buzzes"]}
            free = [t for t in c["teams"] if t not in buzzed]
            if not free:
                do("close_buzzers")
                continue
            ack = phones[free[0]].buzz(q["id"])
            assert ack["ok"], ack
            snap = states(host)[-1]
        elif phase == "answering":
            phone = phones[snap["turn"]]
            ack = phone.answer(q["id"], answer_for(snap["turn"]))
            assert ack["ok"], ack
            snap = states(host)[-1]
            if snap["phase"] == "answering":                 # a text answer: the host judges
                do("judge", question=q["id"], team=snap["turn"], correct=False)
        elif phase == "collecting":
            for t, phone in phones.items():
                assert phone.answer(q["id"], answer_for(t))["ok"]
            inspect()
            do("close_answers")
        elif phase == "choosing":
            chooser = snap["wager"]["chooser"]
            left = [int(v) for v, n in snap["wager"]["left"].items() if n]
            ack = phones[chooser].sock.emit("wager", {"value": left[0]}, callback=True)
            assert ack["ok"], ack
            snap = states(host)[-1]
        elif phase == "closed":
            if not snap["revealed"]:
                do("reveal", question=q["id"])
            else:
                do("next")
        else:                                                # pragma: no cover
            raise AssertionError(f"unexpected phase {phase}")
    assert snap["phase"] == "finished"
    inspect()
    # a tie, then the 加赛 question: hidden until revealed like any other
    scores = {t["id"]: t["score"] for t in snap["teams"]}
    top, second = sorted(scores, key=scores.get, reverse=True)[:2]
    if scores[top] != scores[second]:
        do("adjust_score", team=second, delta=scores[top] - scores[second], reason="平分")
    tb = dict(secret_question(99), id=900, bank_id=None, points=None, time_limit=None,
              level=None, category="", media=[])
    all_questions.append(tb)
    do("start_tiebreak", teams=[top, second], question=tb)
    do("open_buzzers", question=900)
    assert phones[second].buzz(900)["ok"]
    inspect()
    do("judge", question=900, team=second, correct=True)
    do("reveal", question=900)
    assert snap["revealed"] and seen["last screen"]["answer"] == ["C"]
    assert seen[f"last phone {top}"]["answer"] == ["C"]
    assert seen["kinds"] == {"compulsory", "buzz", "all_answer", "wager", "tiebreak"}
    wager_stems = {q["stem"] for q in rounds[3]["questions"]}
    assert shown >= {q["stem"] for q in all_questions} - wager_stems    # all were played
    assert len(shown & wager_stems) == 3                      # one wager per team
    assert seen["player"] > 50 and seen["screen"] > 50 and seen["revealed"] > 0


# --- organizer pages, CSRF, secret sizes -------------------------------------------------

ORGANIZER_PAGES = ["/bank/", "/contests/new"]


@pytest.mark.parametrize("path", ORGANIZER_PAGES)
def test_organizer_pages_need_the_sign_in(client, organizer_client, path):
    resp = client.get(path)
    assert resp.status_code in (302, 401, 403), (path, resp.status_code)
    if resp.status_code == 302:
        assert "/login" in resp.headers["Location"]
    signed_in = organizer_client.get(path)
    assert signed_in.status_code in (200, 302) and "/login" not in signed_in.headers.get(
        "Location", "")


def test_every_organizer_route_of_the_app_is_guarded(app, client, make_contest):
    """Every bank, setup, results and API route answers a stranger with a refusal."""
    code = make_contest()["code"]
    guarded = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/bank", "/contests", "/results", "/api")):
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        url = re.sub(r"<[^>]+>", code, url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = client.open(url, method=method)
            assert resp.status_code in (302, 401, 403), (method, url, resp.status_code)
            if resp.status_code == 302:
                assert "/login" in resp.headers["Location"], (method, url)
            guarded += 1
    assert guarded >= 10


def test_creating_a_contest_needs_the_sign_in(app, client):
    with app.app_context():
        before = Contest.query.count()
    resp = client.post("/contests", data={"spec": json.dumps(contest_spec())})
    assert resp.status_code in (302, 401, 403)
    with app.app_context():
        assert Contest.query.count() == before


def test_host_console_needs_the_host_key_or_the_organizer(client, organizer_client,
                                                          make_contest):
    c = make_contest()
    page = client.get(f"/host/{c['code']}")
    assert c["host_key"].encode() not in page.data
    assert b'name="key"' in page.data or page.status_code in (302, 401, 403)
    wrong = client.post(f"/host/{c['code']}", data={"key": "guess"})
    assert wrong.status_code == 401
    right = client.post(f"/host/{c['code']}", data={"key": c["host_key"]})
    assert right.status_code == 302
    assert client.get(f"/host/{c['code']}").data != page.data
    assert organizer_client.get(f"/host/{c['code']}").data != page.data


@pytest.fixture
def csrf_app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("QUIZ_ADMIN_PASSWORD", ADMIN_PASSWORD)
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": True, "QUIZ_DEMO": False,
                      "QUIZ_NO_TIMER": True, "SOCKETIO_ASYNC_MODE": "threading",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite3'}"})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def csrf_token(page: bytes) -> str:
    found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert found, "no csrf_token field on the page"
    return found.group(1).decode()


def test_forms_refuse_a_post_without_the_csrf_token(csrf_app):
    browser = csrf_app.test_client()
    refused = browser.post("/login", data={"password": ADMIN_PASSWORD})
    assert refused.status_code == 400
    token = csrf_token(browser.get("/login").data)
    ok = browser.post("/login", data={"password": ADMIN_PASSWORD, "csrf_token": token})
    assert ok.status_code == 302
    # signed in: the contest form and sign-out are protected the same way
    with csrf_app.app_context():
        before = Contest.query.count()
    spec = json.dumps(contest_spec(), ensure_ascii=False)
    assert browser.post("/contests", data={"spec": spec}).status_code == 400
    assert browser.post("/logout").status_code == 400
    with csrf_app.app_context():
        assert Contest.query.count() == before
    form = browser.get("/contests/new")
    assert form.status_code == 200
    token = csrf_token(form.data)
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
    # a token from another session is worthless
    other = csrf_app.test_client()
    assert other.post("/login", data={"password": ADMIN_PASSWORD,
                                      "csrf_token": token}).status_code == 400


def entropy_bits(secret: str) -> float:
    """Bits in a token_urlsafe/token_hex-style secret of this length (its alphabet)."""
    alphabet = 16 if re.fullmatch(r"[0-9a-f]+", secret) else 64
    return len(secret) * math.log2(alphabet)


def test_host_keys_and_player_tokens_are_at_least_128_bits(app, make_socket, make_contest):
    made = [make_contest() for _ in range(5)]
    keys = [c["host_key"] for c in made]
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert entropy_bits(key) >= 128, key
        assert re.fullmatch(r"[A-Za-z0-9_\-]+", key)
    tokens = [TeamActions(make_socket, made[0]["code"], made[0]["teams"][0], f"p{i}").token
              for i in range(5)]
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert entropy_bits(token) >= 128, token
    with app.app_context():
        stored = [p.token_hash for p in Player.query.all()]
        db.session.rollback()
    for token in tokens:                       # only a hash is stored, never the token
        assert token not in stored and all(token not in h for h in stored)
