"""The record carries the fair-order evidence: results.xlsx's buzz sheet and the printable
record's close races, so a judge can answer a team that disputes a race."""
import io
import time

from openpyxl import load_workbook

from quiz.live import runtime
from tests.helpers import contest_spec, question

HOST = {"role": "host", "name": "host"}


def test_a_near_tie_is_in_the_workbook_and_the_printed_record(app, make_contest,
                                                              organizer_client):
    contest = make_contest(contest_spec(
        teams=("红队", "蓝队"), settings={"buzz_order": "fair"},
        rounds=[{"kind": "buzz", "title": "抢答题", "questions": [question(stem="抢答 1")]}]))
    red, blue = contest["teams"]
    code = contest["code"]
    with app.app_context():
        runtime.execute(code, {"type": "next", "actor": HOST})
        rt, _ = runtime.execute(code, {"type": "show_question", "actor": HOST})
        qid = rt.state["q"]["id"]
        runtime.execute(code, {"type": "open_buzzers", "question": qid, "actor": HOST})
        time.sleep(max(0, rt.state["q"]["opens_at"] - runtime.now_ms() + 20) / 1000)
        runtime.execute(code, {"type": "tick", "actor": {"role": "system"}})
        reach = {str(red): 40, str(blue): 40}
        for team, ahead in ((blue, 3), (red, 13)):  # red claims ~5 ms earlier: a near-tie
            time.sleep(0.005)                        # (so the two receipts differ)
            now = runtime.now_ms()
            runtime.execute(code, {
                "type": "buzz", "question": qid, "reach": reach,
                "actor": {"role": "player", "team": team, "player": None, "name": "p"},
                "press": {"claimed": now - ahead, "rtt": 30, "uncertainty": 12}})
        buzzes = rt.state["q"]["buzzes"]
        assert rt.state["phase"] == "answering" and all(b["near_tie"] for b in buzzes)
    resp = organizer_client.get(f"/results/{code}.xlsx?lang=en")
    ws = load_workbook(io.BytesIO(resp.data))["Buzzes"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    assert [r["Team"] for r in rows] == ["蓝队", "红队"]     # decided by receipt
    assert all(r["Near-tie"] == "yes" and r["Decided by"] == "receipt" for r in rows)
    assert all(r["Round trip ms"] == 30 and r["Clock error ms"] == 12 for r in rows)
    assert rows[1]["Corrected press time"] < rows[0]["Corrected press time"]
    assert rows[0]["Received (epoch ms)"] < rows[1]["Received (epoch ms)"]
    page = organizer_client.get(f"/results/{code}?lang=zh_CN").get_data(as_text=True)
    assert "接近的抢答记录" in page and "接近并列" in page
    assert page.index("红队", page.index("buzz-evidence")) > 0
