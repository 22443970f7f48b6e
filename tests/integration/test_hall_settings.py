"""The contest's word filter for names and the all-answer extra time, through the socket."""
import pytest

from quiz.setup.contests import SetupError, create_contest
from tests.helpers import contest_spec, question


def states(sock):
    return [m["args"][0] for m in sock.get_received() if m["name"] == "state"]


def all_answer_spec(**extra):
    rounds = [{"kind": "all_answer", "title": "全员答题",
               "questions": [question(stem=f"全员 {i}") for i in range(1, 3)]}]
    return contest_spec(rounds=rounds, **extra)


@pytest.mark.parametrize("name", ["Bad Bob", "b a d", "B.A.D", "ｂａｄ", "大坏 蛋"])
def test_a_name_with_a_listed_word_is_refused_and_no_player_is_made(make_contest, make_socket,
                                                                   name):
    contest = make_contest(contest_spec(name_filter=["bad", "坏蛋"]))
    phone = make_socket(contest=contest["code"], role="player")
    ack = phone.emit("join", {"team": contest["teams"][0], "name": name}, callback=True)
    assert ack == {"ok": False, "error": "name_not_allowed",
                   "message": "This name is not allowed in this contest; choose another name.",
                   "message_zh": "这个名字不能在本场比赛中使用，请换一个名字。"}
    ack = phone.emit("join", {"team": contest["teams"][0], "name": "Bob"}, callback=True)
    assert ack["ok"] and ack["name"] == "Bob"


def test_the_filter_also_holds_under_host_approval(make_contest, make_socket):
    contest = make_contest(contest_spec(join="host_approval", name_filter=["bad"]))
    phone = make_socket(contest=contest["code"], role="player")
    ack = phone.emit("join", {"team": contest["teams"][0], "name": "xBADx"}, callback=True)
    assert ack["error"] == "name_not_allowed"


def test_without_a_filter_any_name_joins(make_contest, make_socket):
    contest = make_contest(contest_spec())
    phone = make_socket(contest=contest["code"], role="player")
    assert phone.emit("join", {"team": contest["teams"][0], "name": "bad"}, callback=True)["ok"]


def test_the_filter_is_stored_as_a_list_and_checked(app):
    with app.app_context():
        contest = create_contest(contest_spec(name_filter=" bad \n\n坏蛋\n"))
        assert contest.setup["name_filter"] == ["bad", "坏蛋"]
        with pytest.raises(SetupError) as err:
            create_contest(contest_spec(name_filter=["x" * 41]))
        assert err.value.field == "name_filter" and "过滤" in err.value.message_zh


def test_extra_time_and_the_host_s_add_time_over_the_socket(make_contest, make_socket):
    contest = make_contest(all_answer_spec(settings={"extra_time": "50"}))
    host = make_socket(contest=contest["code"], role="host", key=contest["host_key"])
    screen = make_socket(contest=contest["code"], role="screen")
    for action in ("next", "next"):
        assert host.emit("host", {"action": action}, callback=True)["ok"]
    shown = states(screen)[-1]
    assert shown["phase"] == "collecting" and shown["countdown_ms"] == 30_000
    first = shown["deadline"]
    assert host.emit("host", {"action": "add_time"}, callback=True)["ok"]
    shown = states(screen)[-1]
    assert shown["deadline"] == first + 15_000 and shown["countdown_ms"] == 45_000


def test_a_phone_and_the_judge_may_not_add_time(app, make_contest, make_socket):
    from quiz.base import auth
    from quiz.record.models import Contest

    contest = make_contest(all_answer_spec())
    host = make_socket(contest=contest["code"], role="host", key=contest["host_key"])
    for action in ("next", "next"):
        host.emit("host", {"action": action}, callback=True)
    with app.app_context():
        judge_key = auth.judge_key(Contest.query.filter_by(code=contest["code"]).one())
    judge = make_socket(contest=contest["code"], role="host", key=judge_key)
    phone = make_socket(contest=contest["code"], role="player")
    phone.emit("join", {"team": contest["teams"][0], "name": "张三"}, callback=True)
    for sock in (judge, phone):
        ack = sock.emit("host", {"action": "add_time"}, callback=True)
        assert ack["ok"] is False and ack["error"] == "forbidden"


def test_a_new_host_key_makes_a_new_judge_link_and_the_old_one_is_refused(app, make_contest):
    from quiz.base import auth
    from quiz.base.extensions import db
    from quiz.record.models import Contest

    contest = make_contest(contest_spec())
    with app.app_context():
        row = Contest.query.filter_by(code=contest["code"]).one()
        old = auth.judge_key(row)
    client = app.test_client()
    assert client.get(f"/host/{contest['code']}?key={old}").status_code == 302
    with app.app_context():
        row = Contest.query.filter_by(code=contest["code"]).one()
        row.host_key = "a-new-host-key-for-this-contest"
        db.session.commit()
        new = auth.judge_key(row)
    assert new != old
    fresh = app.test_client()
    assert fresh.get(f"/host/{contest['code']}?key={old}").status_code == 401
    assert fresh.get(f"/host/{contest['code']}?key={new}").status_code == 302


def test_the_judge_qr_is_for_the_organizer_or_the_host_only(app, make_contest, organizer_client):
    contest = make_contest(contest_spec())
    assert app.test_client().get(f"/contests/{contest['code']}/judge-qr.svg").status_code == 403
    got = organizer_client.get(f"/contests/{contest['code']}/judge-qr.svg")
    assert got.status_code == 200 and got.mimetype == "image/svg+xml"
    assert got.headers["Cache-Control"] == "no-store"
    page = organizer_client.get(f"/contests/{contest['code']}")
    assert page.headers["Cache-Control"] == "no-store"
