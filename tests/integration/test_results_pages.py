"""Results pages, JSON endpoints and their access rules; the tie-break rule applied and stated."""
import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.helpers import TeamActions, contest_spec, question
from tests.integration.test_results_export import EVIL, host_do, host_state, play

ROUTES = ("/results/{code}", "/results/{code}.xlsx", "/results/{code}/stats",
          "/api/contests/{code}/standings", "/api/contests/{code}/log")


@pytest.fixture
def played(app, make_contest, make_socket):
    return play(make_contest, make_socket)


def test_only_the_host_or_the_organizer_sees_the_results(app, played, client, make_contest):
    code = played["code"]
    for route in ROUTES:
        resp = client.get(route.format(code=code))
        assert resp.status_code == 403, route
        assert EVIL.encode() not in resp.data
    assert client.get(f"/api/contests/{code}/log").json["error"] == "forbidden"
    # the host of another contest is refused too
    other = make_contest(contest_spec())
    assert client.get(f"/host/{other['code']}?key={other['host_key']}").status_code == 302
    for route in ROUTES:
        assert client.get(route.format(code=code)).status_code == 403, route
    # this contest's host gets everything
    assert client.get(f"/host/{code}?key={played['host_key']}").status_code == 302
    for route in ROUTES:
        assert client.get(route.format(code=code)).status_code == 200, route
    # an unknown code: 403 for anyone but the organizer (no oracle for join codes), then 404
    for route in ROUTES:
        assert client.get(route.format(code="999999")).status_code == 403, route
    assert client.post("/login", data={"password": ADMIN_PASSWORD}).status_code == 302
    for route in ROUTES:
        assert client.get(route.format(code="999999")).status_code == 404, route


def test_printable_page_has_standings_rounds_rule_and_signatures(played, organizer_client):
    resp = organizer_client.get(f"/results/{played['code']}?lang=en")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "测试竞赛" in html and "Official results" in html
    assert "css/print.css" in html
    # the formula-looking name is shown escaped, as text
    assert "=HYPERLINK(&#34;http://evil&#34;,&#34;x&#34;)" in html
    assert html.index("HYPERLINK") < html.index("蓝队") < html.index("-绿队")
    assert "Ranking rule:" in html and "tie-break (加赛) wins" in html
    for heading in ("必答题", "抢答题", "全员答题", "Base score", "Total"):
        assert heading in html
    for line in ("Judges (signature)", "Scorer", "Host", "Date"):
        assert line in html
    assert "provisional" not in html.lower()


def test_stats_page_and_json(played, organizer_client):
    html = organizer_client.get(f"/results/{played['code']}/stats?lang=en").get_data(True)
    assert "Question statistics" in html and "全员 1" in html and "%" in html
    data = organizer_client.get(f"/api/contests/{played['code']}/standings").json
    assert data["ok"] and data["contest"]["finished"]
    assert [s["score"] for s in data["standings"]] == [120, 90, 82]
    assert data["tiebreak_rule"]["zh"].startswith("按最终得分")
    assert data["checks"]["round_sums_match_scores"]
    log = organizer_client.get(f"/api/contests/{played['code']}/log").json
    assert len(log["buzzes"]) == 5
    assert [e["kind"] for e in log["score_changes"]].count("undo") == 1
    undone = [e for e in log["score_changes"] if e["undone"]]
    assert len(undone) == 1 and undone[0]["delta"] == 10
    stats = {(q["round"], q["index"]): q["stats"] for q in log["questions"]}
    assert stats[(1, 1)]["right_share"] == 1.0
    assert stats[(2, 1)]["answered"] == 2 and stats[(2, 1)]["right"] == 1
    assert stats[(2, 1)]["fouls"] == 1 and stats[(2, 1)]["buzzes"] == 3
    assert stats[(2, 1)]["avg_buzz_ms"] is not None
    assert stats[(3, 1)]["right_share"] == 0.5


def test_tiebreak_rule_is_applied_and_stated(app, make_contest, make_socket, organizer_client):
    spec = contest_spec(teams=("甲队", "乙队", "丙队"), rounds=[
        {"kind": "buzz", "title": "抢答题", "questions": [question(stem="抢答")]}])
    c = make_contest(spec)
    t1, t2, t3 = c["teams"]
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    phone = TeamActions(make_socket, c["code"], t2, "乙")
    host_do(host, "next")
    host_do(host, "show_question")
    host_do(host, "open_buzzers", question=host_state(host)["question"]["id"])
    host_do(host, "close_buzzers")
    host_do(host, "next")                                   # round end: all three at 100
    host_do(host, "start_tiebreak", teams=[t1, t2],
            question=dict(question(stem="加赛题"), id=900))
    host_do(host, "open_buzzers", question=900)
    assert phone.buzz(900)["ok"]
    host_do(host, "judge", question=900, team=t2, correct=True)
    host_do(host, "next")
    host_do(host, "finish")
    data = organizer_client.get(f"/api/contests/{c['code']}/standings").json
    rows = [(s["name"], s["score"], s["rank"], s["tiebreak_wins"], s["shares_rank"])
            for s in data["standings"]]
    assert rows == [("乙队", 100, 1, 1, False), ("甲队", 100, 2, 0, True),
                    ("丙队", 100, 2, 0, True)]
    assert [col["kind"] for col in data["round_columns"]] == ["buzz", "tiebreak"]
    log = organizer_client.get(f"/api/contests/{c['code']}/log").json
    tb = [q for q in log["questions"] if q["round_kind"] == "tiebreak"]
    assert len(tb) == 1 and tb[0]["rows"][0]["team_name"] == "乙队"
    assert tb[0]["rows"][0]["result"] == "right"
    html = organizer_client.get(f"/results/{c['code']}?lang=en").get_data(True)
    assert "Tie-break wins" in html and "more wins ranks higher" in html


def test_results_of_a_contest_not_yet_played(make_contest, organizer_client):
    import io

    from openpyxl import load_workbook

    c = make_contest(contest_spec())
    html = organizer_client.get(f"/results/{c['code']}?lang=en").get_data(True)
    assert "provisional" in html
    data = organizer_client.get(f"/api/contests/{c['code']}/standings").json
    assert not data["contest"]["finished"]
    assert [s["score"] for s in data["standings"]] == [100, 100, 100]
    assert [s["rank"] for s in data["standings"]] == [1, 1, 1]
    log = organizer_client.get(f"/api/contests/{c['code']}/log").json
    assert log["score_changes"] == [] and log["questions"] == []
    assert log["checks"]["replay_matches_state"] is True
    stats = organizer_client.get(f"/results/{c['code']}/stats?lang=en").get_data(True)
    assert "No question has been played yet." in stats
    resp = organizer_client.get(f"/results/{c['code']}.xlsx?lang=zh_CN")
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb["名次"].max_row >= 4 and wb["分数变动"].max_row == 1


def test_the_record_without_replay_agrees(app, played):
    from quiz.record.models import Contest
    from quiz.record.results import load_record

    with app.app_context():
        contest = Contest.query.filter_by(code=played["code"]).one()
        full, quick = load_record(contest), load_record(contest, questions=False)
    for key in ("standings", "round_scores", "score_changes"):
        assert full[key] == quick[key]
    assert quick["checks"]["replay_matches_state"] is None
    rows = [(r["team_name"], r["result"], r["points"]) for q in quick["questions"]
            for r in q["rows"]]
    assert rows == [(r["team_name"], r["result"], r["points"]) for q in full["questions"]
                    for r in q["rows"]]
