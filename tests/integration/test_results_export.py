"""The official record: play a contest through the socket layer, export it, read every sheet back.

The contest has a team whose name looks like a spreadsheet formula, a foul, a wrong answer, an
adjustment with a reason, an undo, and negative score changes.
"""
import io
import zipfile

import pytest
from openpyxl import load_workbook

from quiz.record.export_xlsx import HEADERS, SHEETS
from tests.helpers import TeamActions, contest_spec, question

EVIL = '=HYPERLINK("http://evil","x")'
TEAMS = (EVIL, "蓝队", "-绿队")


def host_do(host, action, **fields):
    ack = host.emit("host", dict(fields, action=action), callback=True)
    assert ack["ok"], (action, fields, ack)
    return ack


def host_state(host):
    got = [m["args"][0] for m in host.get_received() if m["name"] == "state"]
    return got[-1]


def spec():
    return contest_spec(teams=TEAMS, rounds=[
        {"kind": "compulsory", "title": "必答题", "settings": {"wrong_points": -5},
         "questions": [question(stem=f"必答 {i}") for i in range(1, 4)]},
        {"kind": "buzz", "title": "抢答题",
         "questions": [question(stem="=1+1 抢答 1"), question(stem="抢答 2")]},
        {"kind": "all_answer", "title": "全员答题",
         "questions": [question(stem="全员 1")]},
    ])


def play(make_contest, make_socket):
    """Play the whole contest; returns the contest dict and the teams' ids by name."""
    c = make_contest(spec())
    code = c["code"]
    t1, t2, t3 = c["teams"]
    host = make_socket(contest=code, role="host", key=c["host_key"])
    red = TeamActions(make_socket, code, t1, "甲")
    blue = TeamActions(make_socket, code, t2, "乙")
    green = TeamActions(make_socket, code, t3, "丙")

    # round 1, compulsory: t1 answers right on the phone, t2 is ruled wrong, t3 answers wrong
    host_do(host, "next")
    host_do(host, "show_question")
    q = host_state(host)["question"]["id"]
    assert red.answer(q, "B")["ok"]
    host_do(host, "next")
    q = host_state(host)["question"]["id"]
    host_do(host, "judge", question=q, team=t2, correct=False)
    host_do(host, "next")
    q = host_state(host)["question"]["id"]
    assert green.answer(q, "A")["ok"]
    host_do(host, "next")                                  # round end
    # round 2, buzz-in
    host_do(host, "next")                                  # round intro
    host_do(host, "show_question")
    q = host_state(host)["question"]["id"]
    assert blue.buzz(q)["ok"]                              # too early: a foul
    host_do(host, "open_buzzers", question=q)
    assert green.buzz(q)["ok"]
    assert red.buzz(q)["ok"]
    host_do(host, "judge", question=q, team=t3, correct=False)   # reopens for t1
    assert red.buzz(q)["ok"]
    host_do(host, "judge", question=q, team=t1, correct=True)
    host_do(host, "next")
    q = host_state(host)["question"]["id"]
    host_do(host, "open_buzzers", question=q)
    assert red.buzz(q)["ok"]
    host_do(host, "judge", question=q, team=t1, correct=True)
    host_do(host, "undo")                                  # the ruling was a mistake
    host_do(host, "judge", question=q, team=t1, correct=False)
    host_do(host, "close_buzzers")
    host_do(host, "next")                                  # round end
    # round 3, all answer
    host_do(host, "next")
    host_do(host, "show_question")
    q = host_state(host)["question"]["id"]
    assert red.answer(q, "B")["ok"]
    assert blue.answer(q, ["C"])["ok"]
    host_do(host, "close_answers")
    host_do(host, "reveal", question=q)
    host_do(host, "next")                                  # round end
    host_do(host, "adjust_score", team=t2, delta=5, reason="申诉成功：计分更正")
    host_do(host, "adjust_score", team=t3, delta=-3, reason="-扰乱赛场")
    host_do(host, "finish")
    assert host_state(host)["phase"] == "finished"
    return c


@pytest.fixture
def played(app, make_contest, make_socket):
    return play(make_contest, make_socket)


def official_state(app, code):
    from quiz.record import store
    from quiz.record.models import Contest

    with app.app_context():
        contest = Contest.query.filter_by(code=code).one()
        state, _seq = store.load(contest.id)
        return state


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def test_the_record_matches_the_played_contest(app, played):
    from quiz.record.models import Contest
    from quiz.record.results import load_record

    with app.app_context():
        record = load_record(Contest.query.filter_by(code=played["code"]).one())
    assert record["checks"] == {"replay_matches_state": True, "round_sums_match_scores": True}
    scores = {s["name"]: s["score"] for s in record["standings"]}
    assert scores == {EVIL: 120, "蓝队": 90, "-绿队": 82}
    assert [s["rank"] for s in record["standings"]] == [1, 2, 3]
    by_name = {r["name"]: r["by_round"] for r in record["round_scores"]}
    assert by_name[EVIL] == {"1": 10, "2": 0, "3": 10}
    # the adjustments were made at the end of round 3: they count in round 3's column
    assert by_name["蓝队"] == {"1": -5, "2": -10, "3": 5}
    assert by_name["-绿队"] == {"1": -5, "2": -10, "3": -3}


def test_export_workbook_has_every_sheet_right(app, played, organizer_client):
    state = official_state(app, played["code"])
    resp = organizer_client.get(f"/results/{played['code']}.xlsx?lang=en")
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in resp.headers["Content-Disposition"]
    data = resp.data
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [SHEETS[k]["en"] for k in
                             ("standings", "rounds", "questions", "changes", "buzzes")]
    teams = {t["id"]: t["name"] for t in state["teams"]}

    # every sheet: bold frozen header in English
    for key, ws in zip(("standings", "rounds", "questions", "changes", "buzzes"),
                       wb.worksheets, strict=True):
        header = [c.value for c in ws[1]]
        if key != "rounds":
            assert header == HEADERS[key]["en"]
        assert all(c.font.b for c in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width >= 6

    # standings
    ws = wb["Standings"]
    got = rows_of(ws)[:3]
    assert got == [[1, EVIL, 120, 3, 1, 0, 0, 0],
                   [2, "蓝队", 90, 0, 2, 1, 0, 0],
                   [3, "-绿队", 82, 0, 2, 0, 0, 0]]
    evil = ws["B2"]
    assert evil.value == EVIL and evil.data_type == "s"
    assert ws["B4"].value == "-绿队" and ws["B4"].data_type == "s"
    assert any("tie-break" in str(r[0]) for r in rows_of(ws)[3:] if r[0])
    # no formula anywhere in the file: the raw XML has no <f> element
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name

    # round scores: base + rounds = total
    ws = wb["Round scores"]
    assert [c.value for c in ws[1]] == ["Rank", "Team", "Base score", "必答题", "抢答题",
                                        "全员答题", "Total"]
    assert rows_of(ws) == [[1, EVIL, 100, 10, 0, 10, 120],
                           [2, "蓝队", 100, -5, -10, 5, 90],
                           [3, "-绿队", 100, -5, -10, -3, 82]]
    assert ws["D3"].data_type == "n" and ws["D3"].value == -5

    # questions
    ws = wb["Questions"]
    rows = rows_of(ws)
    cols = HEADERS["questions"]["en"]

    def col(row, name):
        return row[cols.index(name)]

    comp = [r for r in rows if r[0] == "必答题"]
    assert [(col(r, "Team"), col(r, "Answer"), col(r, "Result"), col(r, "Points"))
            for r in comp] == [(EVIL, "B", "Right", 10), ("蓝队", None, "Wrong", -5),
                               ("-绿队", "A", "Wrong", -5)]
    assert [col(r, "No.") for r in comp] == [1, 2, 3]
    assert all(col(r, "Correct answer") == "B" for r in comp)
    buzz1 = [r for r in rows if r[0] == "抢答题" and col(r, "No.") == 1]
    assert buzz1[0][3] == "=1+1 抢答 1"
    assert [(col(r, "Team"), col(r, "Result"), col(r, "Points"), col(r, "Buzz attempt"),
             col(r, "Buzz rank")) for r in buzz1] == [
        ("蓝队", "Foul", -10, None, None), ("-绿队", "Wrong", -10, 1, 1),
        (EVIL, "Right", 10, 2, 1)]
    green_buzz = next(b for b in state["buzz_log"] if teams[b["team"]] == "-绿队")
    assert col(buzz1[1], "Ms after buzzers opened") == green_buzz["ms_after_open"]
    assert col(buzz1[1], "Ms behind first buzz") == 0
    red_first = [b for b in state["buzz_log"] if teams[b["team"]] == EVIL][0]
    assert red_first["rank"] == 2 and red_first["ms_behind_first"] >= 0
    buzz2 = [r for r in rows if r[0] == "抢答题" and col(r, "No.") == 2]
    assert [(col(r, "Team"), col(r, "Result"), col(r, "Points")) for r in buzz2] == [
        (EVIL, "Wrong", -10)]                                # the undone 'right' is gone
    allq = [r for r in rows if r[0] == "全员答题"]
    assert [(col(r, "Team"), col(r, "Answer"), col(r, "Result"), col(r, "Points"))
            for r in allq] == [(EVIL, "B", "Right", 10), ("蓝队", "C", "Wrong", 0)]
    assert all(isinstance(col(r, "Answer time ms"), int) for r in allq)
    # the stem starting with '=' is a string cell
    stem_cells = [c for c in ws["D"] if c.value == "=1+1 抢答 1"]
    assert stem_cells and all(c.data_type == "s" for c in stem_cells)

    # score changes: every log entry, undos included
    ws = wb["Score changes"]
    rows = rows_of(ws)
    cols = HEADERS["changes"]["en"]
    assert len(rows) == len(state["log"])
    for row, entry in zip(rows, state["log"], strict=True):
        assert col(row, "No.") == entry["id"]
        assert col(row, "Epoch ms") == entry["at"]
        assert col(row, "Team") == teams[entry["team"]]
        assert col(row, "Change") == entry["delta"]
        assert col(row, "Reason") == entry["reason"]
        assert col(row, "Undone") == ("yes" if entry["undone"] else "no")
        assert col(row, "Server time") is not None
    kinds = [col(r, "Kind") for r in rows]
    assert kinds.count("Undo") == 1 and kinds.count("Foul") == 1
    assert kinds.count("Adjustment") == 2
    undo = next(r for r in rows if col(r, "Kind") == "Undo")
    undone = next(r for r in rows if col(r, "Undone") == "yes")
    assert col(undo, "Undoes no.") == col(undone, "No.")
    assert col(undo, "Change") == -10 and col(undone, "Change") == 10
    adj = [r for r in rows if col(r, "Kind") == "Adjustment"]
    assert [(col(r, "Team"), col(r, "Change"), col(r, "Reason"), col(r, "By"))
            for r in adj] == [("蓝队", 5, "申诉成功：计分更正", "host"),
                              ("-绿队", -3, "-扰乱赛场", "host")]
    neg_cells = [c for c in ws["E"][1:] if isinstance(c.value, int) and c.value < 0]
    assert neg_cells and all(c.data_type == "n" for c in neg_cells)
    reason_cell = next(c for c in ws["G"] if c.value == "-扰乱赛场")
    assert reason_cell.data_type == "s"

    # buzzes: every buzz with its server time, rank and team
    ws = wb["Buzzes"]
    rows = rows_of(ws)
    cols = HEADERS["buzzes"]["en"]
    assert len(rows) == len(state["buzz_log"]) == 5
    for row, b in zip(rows, state["buzz_log"], strict=True):
        assert col(row, "Epoch ms") == b["at"]
        assert col(row, "Team") == teams[b["team"]]
        assert col(row, "Rank") == b["rank"]
        assert col(row, "Attempt") == b["attempt"]
        assert col(row, "Ms after buzzers opened") == b["ms_after_open"]
        assert col(row, "Early (foul)") == ("yes" if b["foul"] else "no")
    assert [col(r, "Player") for r in rows] == ["乙", "丙", "甲", "甲", "甲"]


def test_chinese_headers_and_cli_export(app, played, runner, tmp_path):
    out = tmp_path / "results.xlsx"
    result = runner.invoke(args=["contest", "export", played["code"], str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["名次", "各环节得分", "题目", "分数变动", "抢答记录"]
    assert [c.value for c in wb["名次"][1]] == HEADERS["standings"]["zh"]
    assert wb["名次"]["B2"].value == EVIL and wb["名次"]["B2"].data_type == "s"
    kinds = [r[5] for r in rows_of(wb["分数变动"])]
    assert "撤销" in kinds and "调分" in kinds and "犯规" in kinds
    result = runner.invoke(args=["contest", "export", played["code"], str(tmp_path / "en.xlsx"),
                                 "--lang", "en"])
    assert result.exit_code == 0
    assert load_workbook(tmp_path / "en.xlsx").sheetnames[0] == "Standings"


def test_cli_export_refuses_unknown_code_and_unwritable_path(app, played, runner, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(args=["contest", "export", "000000", str(out / "x.xlsx")])
    assert result.exit_code == 1
    assert "no contest with the code" in result.output
    result = runner.invoke(args=["contest", "export", played["code"],
                                 str(out / "missing-dir" / "x.xlsx")])
    assert result.exit_code == 2
    assert "cannot write" in result.output
    result = runner.invoke(args=["contest", "export", played["code"], str(out)])
    assert result.exit_code == 2                     # a folder is not a file
    assert list(out.iterdir()) == []                 # nothing written, no temp file left
