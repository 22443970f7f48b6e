"""The organizer's contest setup: the form page, creating by JSON and by file, refusals."""
import io
import json

from quiz.record.models import Contest
from tests.helpers import contest_spec


def test_setup_needs_the_organizer(client):
    resp = client.get("/contests/new")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    resp = client.post("/contests", json=contest_spec())
    assert resp.status_code == 302


def test_setup_page_offers_the_demo_layout(organizer_client):
    page = organizer_client.get("/contests/new").get_data(as_text=True)
    assert 'id="setup"' in page
    start = page.index('<script id="setup-spec" type="application/json">')
    raw = page[page.index(">", start) + 1:page.index("</script>", start)]
    example = json.loads(raw)  # the demo contest prefills the form
    assert [t["name"] for t in example["teams"]][:2] == ["红星队", "先锋队"]


def test_create_from_json_then_show_links(organizer_client, app):
    resp = organizer_client.post("/contests", json=contest_spec(name="校园知识竞赛"))
    body = resp.get_json()
    assert resp.status_code == 200 and body["ok"], body
    with app.app_context():
        contest = Contest.query.filter_by(code=body["code"]).one()
        assert contest.name == "校园知识竞赛" and len(contest.teams) == 3
    page = organizer_client.get(body["url"]).get_data(as_text=True)
    assert f"/play/{body['code']}" in page and contest.host_key in page


def test_create_from_an_uploaded_file(organizer_client):
    data = json.dumps(contest_spec(), ensure_ascii=False).encode("utf-8")
    resp = organizer_client.post(
        "/contests", data={"file": (io.BytesIO(data), "contest.json")},
        content_type="multipart/form-data")
    assert resp.status_code == 200 and resp.get_json()["ok"]


def test_bad_contests_are_refused_and_nothing_is_created(organizer_client, app):
    cases = [
        {"name": "x", "teams": [], "rounds": []},
        contest_spec(rounds=[{"kind": "quiz-show", "questions": []}]),
        contest_spec(teams=("同名", "同名")),
        contest_spec(rounds=[{"kind": "buzz", "draw": {"count": 5, "category": "不存在"}}]),
    ]
    for spec in cases:
        resp = organizer_client.post("/contests", json=spec)
        body = resp.get_json()
        assert resp.status_code == 400 and body["ok"] is False, spec
        assert body["message"] and body["message_zh"]
    resp = organizer_client.post(
        "/contests", data={"file": (io.BytesIO(b"\xff\xfe not json"), "c.json")},
        content_type="multipart/form-data")
    assert resp.status_code == 400
    with app.app_context():
        assert Contest.query.count() == 0
