"""Two processes on one database can never both win a buzz: the command log's unique
(contest, seq) key makes the second writer reload and be judged against the first's buzz."""
import threading

import pytest

from quiz.factory import create_app
from quiz.live import runtime
from quiz.record import store
from quiz.setup.contests import create_contest
from tests.helpers import contest_spec, question


def make_app(db_url, tmp_path):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": db_url, "QUIZ_DEMO": False,
                       "QUIZ_NO_TIMER": True, "SOCKETIO_ASYNC_MODE": "threading"})


def host(action, **fields):
    return dict(fields, type=action, actor={"role": "host", "name": "host"})


def player(action, team, **fields):
    return dict(fields, type=action, actor={"role": "player", "team": team, "player": team,
                                            "name": "p"})


def test_two_processes_with_stale_caches_never_both_win(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    a, b = make_app(url, tmp_path), make_app(url, tmp_path)
    spec = contest_spec(rounds=[{"kind": "buzz", "title": "抢答",
                                 "questions": [question(stem="q")]}])
    with a.app_context():
        contest = create_contest(spec)
        code, teams, cid = contest.code, [t.id for t in contest.teams], contest.id
        runtime.execute(code, host("next"))
        rt, _ = runtime.execute(code, host("show_question"))
        qid = rt.state["q"]["id"]
        runtime.execute(code, host("open_buzzers", question=qid))
    with b.app_context():
        stale = runtime.get(code)                     # process B loads the same state
        assert stale.state["phase"] == "open"
    with a.app_context():
        runtime.execute(code, player("buzz", teams[0], question=qid))   # A: red buzzes first
    with b.app_context():
        rt_b, _ = runtime.execute(code, player("buzz", teams[1], question=qid))  # B is stale
        buzzes = rt_b.state["q"]["buzzes"]
        assert [(x["team"], x["rank"]) for x in buzzes] == [(teams[0], 1), (teams[1], 2)]
    with a.app_context():
        state, seq = store.load(cid)
        ranks = [x["rank"] for x in state["q"]["buzzes"]]
        assert ranks.count(1) == 1 and state["q"]["turn"] == teams[0]


def test_concurrent_buzzes_in_one_process_rank_each_team_once(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    app = make_app(f"sqlite:///{tmp_path / 'one.db'}", tmp_path)
    names = [f"队{i}" for i in range(12)]
    spec = contest_spec(teams=names, rounds=[{"kind": "buzz", "title": "抢答",
                                              "questions": [question(stem="q")]}])
    with app.app_context():
        contest = create_contest(spec)
        code, teams, cid = contest.code, [t.id for t in contest.teams], contest.id
        runtime.execute(code, host("next"))
        rt, _ = runtime.execute(code, host("show_question"))
        qid = rt.state["q"]["id"]
        runtime.execute(code, host("open_buzzers", question=qid))
    start = threading.Barrier(len(teams) * 2)
    outcomes = []

    def press(team):
        start.wait()
        with app.app_context():
            try:
                runtime.execute(code, player("buzz", team, question=qid))
                outcomes.append("ok")
            except runtime.Refused as err:
                outcomes.append(err.code)

    threads = [threading.Thread(target=press, args=(t,)) for t in teams * 2]  # each twice
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with app.app_context():
        state, _ = store.load(cid)
    buzzes = state["q"]["buzzes"]
    assert sorted(x["rank"] for x in buzzes) == list(range(1, len(teams) + 1))
    assert len({x["team"] for x in buzzes}) == len(teams)        # one buzz per team
    assert outcomes.count("ok") == len(teams)


def test_a_client_connecting_to_another_process_sees_the_latest_state(tmp_path, monkeypatch):
    from quiz.base.extensions import socketio

    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'shared2.db'}"
    a, b = make_app(url, tmp_path), make_app(url, tmp_path)
    with a.app_context():
        contest = create_contest(contest_spec())
        code = contest.code
    with b.app_context():
        runtime.get(code)                             # process B caches the lobby state
    with a.app_context():
        runtime.execute(code, host("next"))           # process A moves on
    client = socketio.test_client(b, auth={"contest": code, "role": "screen"})
    snap = [m["args"][0] for m in client.get_received() if m["name"] == "state"][-1]
    assert snap["phase"] == "round_intro"
    client.disconnect()


def test_a_stale_process_judges_a_command_against_the_committed_state(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'shared3.db'}"
    a, b = make_app(url, tmp_path), make_app(url, tmp_path)
    spec = contest_spec(rounds=[{"kind": "buzz", "title": "抢答",
                                 "questions": [question(stem="q")]}])
    with a.app_context():
        contest = create_contest(spec)
        code, teams = contest.code, [t.id for t in contest.teams]
    with b.app_context():
        runtime.get(code)                             # B caches the lobby
    with a.app_context():
        runtime.execute(code, host("next"))
        rt, _ = runtime.execute(code, host("show_question"))
        qid = rt.state["q"]["id"]
        runtime.execute(code, host("open_buzzers", question=qid))
    with b.app_context():                             # in B's cache no question is shown yet
        rt_b, _ = runtime.execute(code, player("buzz", teams[0], question=qid))
        assert rt_b.state["q"]["buzzes"][0]["team"] == teams[0]


def test_a_command_that_loses_several_races_is_still_accepted(tmp_path, monkeypatch):
    """Three processes kept meeting head-on: after three lost races a buzz was refused `busy`.
    Five lost races in a row (another writer took the number each time) now end in the buzz
    being accepted; only a contest that stays contended past every try is `busy`."""
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    app = make_app(f"sqlite:///{tmp_path / 'race.db'}", tmp_path)
    spec = contest_spec(rounds=[{"kind": "buzz", "title": "抢答",
                                 "questions": [question(stem="q")]}])
    real_append, lost = store.append, []

    def contended(losses):
        def append(*args):
            if len(lost) < losses:
                lost.append(args[1])
                raise store.Conflict("taken")
            return real_append(*args)
        return append

    with app.app_context():
        contest = create_contest(spec)
        code, teams = contest.code, [t.id for t in contest.teams]
        runtime.execute(code, host("next"))
        rt, _ = runtime.execute(code, host("show_question"))
        qid = rt.state["q"]["id"]
        runtime.execute(code, host("open_buzzers", question=qid))
        monkeypatch.setattr(store, "append", contended(5))
        rt, _ = runtime.execute(code, player("buzz", teams[0], question=qid))
        assert len(lost) == 5 and rt.state["q"]["turn"] == teams[0]
        lost.clear()
        monkeypatch.setattr(store, "append", contended(runtime.CONFLICT_ATTEMPTS))
        with pytest.raises(runtime.Refused) as refused:
            runtime.execute(code, host("judge", question=qid, team=teams[0], correct=True))
        assert refused.value.code == "busy"
