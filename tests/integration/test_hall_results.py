"""results.xlsx keeps a team's submitted answer after the host undoes its ruling (issue 18)."""
import io

from openpyxl import load_workbook

from quiz.record.export_xlsx import HEADERS
from tests.helpers import TeamActions, contest_spec, question


def host_do(host, action, **fields):
    ack = host.emit("host", dict(fields, action=action), callback=True)
    assert ack["ok"], (action, fields, ack)


def host_state(host):
    return [m["args"][0] for m in host.get_received() if m["name"] == "state"][-1]


def test_an_undone_ruling_keeps_the_teams_answer_in_results_xlsx(
        make_contest, make_socket, organizer_client):
    c = make_contest(contest_spec(teams=("红队", "蓝队"), rounds=[
        {"kind": "compulsory", "title": "必答题",
         "questions": [question(stem="必答 1"), question(stem="必答 2")]}]))
    code, (red_id, _blue) = c["code"], c["teams"]
    host = make_socket(contest=code, role="host", key=c["host_key"])
    red = TeamActions(make_socket, code, red_id, "甲")
    host_do(host, "next")
    host_do(host, "show_question")
    q = host_state(host)["question"]["id"]
    assert red.answer(q, "C")["ok"]                 # judged wrong at once (B is right)
    host_do(host, "undo")                           # the host takes the ruling back ...
    host_do(host, "judge", question=q, team=red_id, correct=True)   # ... and rules it right

    resp = organizer_client.get(f"/results/{code}.xlsx?lang=en")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data))["Questions"]
    cols = HEADERS["questions"]["en"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[cols.index("Team")] == "红队"]
    assert [(r[cols.index("Answer")], r[cols.index("Result")], r[cols.index("Points")])
            for r in rows] == [("C", "Right", 10)]
