"""Contests as things an organizer manages: list and states, edit until the start, duplicate,
archive, delete with its confirmations, refusals that name their field in both languages."""
import json

from quiz.engine.settings import CONTEST_DEFAULTS, DEFAULTS
from quiz.record import store
from quiz.record.models import Contest, Team
from quiz.setup.contests import status
from quiz.setup.texts import SETTINGS
from tests.helpers import contest_spec, question


def _create(client, **extra):
    body = client.post("/contests", json=contest_spec(**extra)).get_json()
    assert body["ok"], body
    return body["code"]


def _contest(app, code):
    with app.app_context():
        c = Contest.query.filter_by(code=code).one()
        return {"name": c.name, "status": status(c), "setup": c.setup,
                "teams": [t.name for t in c.teams], "id": c.id}


def test_every_setting_of_the_rules_has_words_on_the_form():
    keys = set(CONTEST_DEFAULTS) - {"tiebreak"}
    for defaults in DEFAULTS.values():
        keys |= set(defaults)
    assert keys <= set(SETTINGS), keys - set(SETTINGS)
    assert all(len(v) == 4 and v[0] and v[1] for v in SETTINGS.values())


def test_list_shows_states_and_the_organizer_lands_on_it(organizer_client, app, make_socket):
    one_team = _create(organizer_client, teams=("独队",), name="只有一队")
    ready = _create(organizer_client, name="准备好的比赛")
    assert _contest(app, one_team)["status"] == "draft"
    assert _contest(app, ready)["status"] == "ready"
    resp = organizer_client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/contests")
    page = organizer_client.get("/contests").get_data(as_text=True)
    assert "准备好的比赛" in page and "只有一队" in page and ready in page
    assert "草稿" in page and "就绪" in page
    host = make_socket(contest=ready, role="host", key=_key(app, ready))
    assert host.emit("host", {"action": "next"}, callback=True)["ok"]
    assert _contest(app, ready)["status"] == "running"
    page = organizer_client.get("/contests?lang=en").get_data(as_text=True)
    assert "Running" in page and "Draft" in page


def _key(app, code):
    with app.app_context():
        return Contest.query.filter_by(code=code).one().host_key


def test_edit_keeps_unchanged_rounds_and_refuses_once_started(organizer_client, app,
                                                              make_socket):
    code = _create(organizer_client)
    before = _contest(app, code)
    spec = dict(before["setup"], name="改过的名字",
                teams=[{"name": "红队"}, {"name": "新来的队"}])
    spec["rounds"] = list(spec["rounds"])
    spec["rounds"][1] = dict(spec["rounds"][1], settings={"right_points": 25})
    resp = organizer_client.post(f"/contests/{code}/edit", json=spec)
    assert resp.get_json()["ok"], resp.get_json()
    after = _contest(app, code)
    assert after["name"] == "改过的名字" and after["teams"] == ["红队", "新来的队"]
    assert after["setup"]["rounds"][1]["settings"] == {"right_points": 25}
    page = organizer_client.get(f"/contests/{code}/edit").get_data(as_text=True)
    start = page.index('<script id="setup-spec" type="application/json">')
    filled = json.loads(page[page.index(">", start) + 1:page.index("</script>", start)])
    assert filled["name"] == "改过的名字" and filled["teams"][1]["name"] == "新来的队"
    with app.app_context():
        state, _seq = store.load(after["id"])
    assert state["rounds"][1]["settings"]["right_points"] == 25
    assert [q["stem"] for q in state["questions"].values()][:3] == ["必答 1", "必答 2", "必答 3"]
    host = make_socket(contest=code, role="host", key=_key(app, code))
    assert host.emit("host", {"action": "next"}, callback=True)["ok"]
    resp = organizer_client.post(f"/contests/{code}/edit", json=spec)
    body = resp.get_json()
    assert resp.status_code == 400 and "started" in body["message"] and "开始" in body["message_zh"]
    resp = organizer_client.get(f"/contests/{code}/edit")
    assert resp.status_code == 302


def test_refusals_name_the_field_in_both_languages(organizer_client, app):
    cases = [
        (dict(contest_spec(), name=" "), "name", "名称"),
        (contest_spec(teams=("同名", "同名")), "teams.2.name", "重复"),
        (contest_spec(rounds=[{"kind": "buzz", "questions": [question()],
                               "settings": {"answer_time": 0}}]),
         "rounds.1.settings.answer_time", "答题时间"),
        (contest_spec(rounds=[{"kind": "buzz", "draw": {"count": 5, "category": "无"}}]),
         "rounds.1.draws.1.count", "题库"),
        (dict(contest_spec(), base_score="很多"), "base_score", "基础分"),
    ]
    for spec, field, zh_word in cases:
        body = organizer_client.post("/contests", json=spec).get_json()
        assert body["ok"] is False and body["field"] == field, (field, body)
        assert zh_word in body["message_zh"] and body["message"] != body["message_zh"], body
    with app.app_context():
        assert Contest.query.count() == 0


def test_duplicate_archive_and_delete(organizer_client, app, make_socket):
    code = _create(organizer_client, name="2026 知识竞赛", date="2026-12-20")
    resp = organizer_client.post(f"/contests/{code}/duplicate")
    copy_code = resp.headers["Location"].rsplit("/", 1)[-1]
    assert copy_code != code
    copy = _contest(app, copy_code)
    assert copy["name"].startswith("2026 知识竞赛") and copy["teams"] == ["红队", "蓝队", "绿队"]
    assert _key(app, copy_code) != _key(app, code)

    organizer_client.post(f"/contests/{copy_code}/archive")
    listed = organizer_client.get("/contests").get_data(as_text=True)
    assert copy_code not in listed and code in listed
    assert copy_code in organizer_client.get("/contests?archived=1").get_data(as_text=True)
    organizer_client.post(f"/contests/{copy_code}/archive", data={"restore": "1"})
    assert copy_code in organizer_client.get("/contests").get_data(as_text=True)

    # not confirmed: nothing deleted
    organizer_client.post(f"/contests/{copy_code}/delete", data={})
    assert _contest(app, copy_code)
    resp = organizer_client.post(f"/contests/{copy_code}/delete", data={"confirm": "1"})
    assert resp.status_code == 302
    with app.app_context():
        assert Contest.query.filter_by(code=copy_code).count() == 0

    # a played contest needs its code typed as well
    host = make_socket(contest=code, role="host", key=_key(app, code))
    assert host.emit("host", {"action": "next"}, callback=True)["ok"]
    page = organizer_client.post(f"/contests/{code}/delete", data={"confirm": "1"})
    assert "输入参赛码" in page.get_data(as_text=True) or code in page.get_data(as_text=True)
    assert _contest(app, code)
    organizer_client.post(f"/contests/{code}/delete", data={"confirm": "1",
                                                             "confirm_code": code})
    with app.app_context():
        assert Contest.query.filter_by(code=code).count() == 0
        assert Team.query.count() == 0


def test_an_english_download_does_not_switch_the_interface(organizer_client, make_contest):
    made = make_contest()
    resp = organizer_client.get(f"/results/{made['code']}.xlsx?lang=en")
    assert resp.status_code == 200
    assert "lang=en" not in resp.headers.get("Set-Cookie", "")
    page = organizer_client.get("/contests").get_data(as_text=True)
    assert "比赛" in page and 'lang="zh-CN"' in page
