"""Every round format played through the socket layer, plus undo, reconnect and lobby control."""
import time

from tests.helpers import TeamActions, contest_spec, question


def latest(sock):
    got = [m["args"][0] for m in sock.get_received() if m["name"] == "state"]
    return got[-1] if got else None


class Hall:
    """A contest with a host, a projector and one phone per team."""

    def __init__(self, make_socket, make_contest, rounds, teams=("红队", "蓝队", "绿队"),
                 **extra):
        c = make_contest(contest_spec(teams=teams, rounds=rounds, **extra))
        self.code, self.teams = c["code"], c["teams"]
        self.make_socket = make_socket
        self.host = make_socket(contest=self.code, role="host", key=c["host_key"])
        self.screen = make_socket(contest=self.code, role="screen")
        self.phones = [TeamActions(make_socket, self.code, t, f"选手{i}")
                       for i, t in enumerate(self.teams)]
        self.snap = latest(self.host)

    def do(self, action, **fields):
        ack = self.host.emit("host", dict(fields, action=action), callback=True)
        assert ack["ok"], (action, ack)
        self.snap = latest(self.host) or self.snap
        return self.snap

    def scores(self):
        s = latest(self.screen) or self.snap
        return {t["id"]: t["score"] for t in s["teams"]}

    @property
    def qid(self):
        return self.snap["question"]["id"]


def test_compulsory_round_only_the_team_whose_turn_it_is_answers(make_socket, make_contest):
    hall = Hall(make_socket, make_contest, [
        {"kind": "compulsory", "title": "必答题",
         "questions": [question(stem=f"必答 {i}") for i in range(3)]}])
    hall.do("next")
    hall.do("show_question")
    red, blue, _green = hall.phones
    assert hall.snap["turn"] == hall.teams[0]          # seat order: red first
    refused = blue.answer(hall.qid, ["B"])
    assert refused["ok"] is False and refused["error"] == "not_your_turn"
    assert red.answer(hall.qid, ["B"])["ok"]           # a choice answer is judged at once
    assert hall.scores()[hall.teams[0]] == 110
    hall.do("reveal", question=hall.qid)
    hall.do("next")
    assert hall.snap["turn"] == hall.teams[1]          # then blue
    hall.do("judge", question=hall.qid, team=hall.teams[1], correct=False)
    assert hall.scores()[hall.teams[1]] == 100         # 答错不扣分 by default


def test_wager_round_lowest_score_chooses_first_and_stakes_the_value(make_socket, make_contest):
    hall = Hall(make_socket, make_contest, [
        {"kind": "wager", "title": "风险题",
         "questions": [question(stem=f"风险 {v}", level=v) for v in (10, 20, 30, 10, 20, 30)]}])
    hall.do("adjust_score", team=hall.teams[0], delta=50, reason="上一环节成绩")
    hall.do("adjust_score", team=hall.teams[2], delta=20, reason="上一环节成绩")
    hall.do("next")                                    # the round's intro card
    hall.do("next")
    assert hall.snap["phase"] == "choosing" and hall.snap["wager"]["chooser"] == hall.teams[1]
    red, blue, green = hall.phones
    assert red.sock.emit("wager", {"value": 30}, callback=True)["error"] == "not_your_turn"
    assert blue.sock.emit("wager", {"value": 30}, callback=True)["ok"]
    snap = latest(hall.host)
    assert snap["question"]["points"] == 30 and snap["turn"] == hall.teams[1]
    hall.snap = snap
    hall.do("judge", question=hall.qid, team=hall.teams[1], correct=False)
    assert hall.scores()[hall.teams[1]] == 70          # wrong: −value
    hall.do("next")
    assert hall.snap["wager"]["chooser"] == hall.teams[2]   # green (120) before red (150)
    assert green.sock.emit("wager", {"pass": True}, callback=True)["ok"]
    assert hall.scores()[hall.teams[2]] == 120         # passing costs nothing


def test_all_answer_round_counts_the_last_answer_and_shows_the_distribution(
        make_socket, make_contest):
    hall = Hall(make_socket, make_contest, [
        {"kind": "all_answer", "title": "全员答题",
         "questions": [question(stem="全员 1", answer=["C"])]}])
    hall.do("next")
    hall.do("show_question")
    red, blue, green = hall.phones
    assert red.answer(hall.qid, ["A"])["ok"]
    assert red.answer(hall.qid, ["C"])["ok"]           # changed its mind: the last one counts
    assert blue.answer(hall.qid, ["B"])["ok"]
    assert latest(hall.host)["answered_count"] == 2
    screen = latest(hall.screen)
    assert "answer" not in screen and screen["distribution"] is None
    hall.do("close_answers")
    assert green.answer(hall.qid, ["C"])["error"] == "too_late"
    hall.do("reveal", question=hall.qid)
    screen = latest(hall.screen)
    assert screen["answer"] == ["C"]
    counts = screen["distribution"]["counts"]
    assert counts == {"A": 0, "B": 1, "C": 1, "D": 0}
    assert screen["distribution"]["answered"] == 2 and screen["distribution"]["right"] == 1
    scores = hall.scores()
    assert scores[hall.teams[0]] == 110 and scores[hall.teams[1]] == 100


def test_a_reloaded_phone_gets_its_answer_back(make_socket, make_contest):
    hall = Hall(make_socket, make_contest, [
        {"kind": "all_answer", "title": "全员答题", "questions": [question(stem="全员 1")]}])
    hall.do("next")
    hall.do("show_question")
    red = hall.phones[0]
    assert red.answer(hall.qid, ["D"])["ok"]
    red.sock.disconnect()
    again = make_socket(contest=hall.code, role="player", token=red.token)
    me = [m["args"][0] for m in again.get_received() if m["name"] == "me"][-1]
    assert me["team"] == hall.teams[0] and me["answer"] == ["D"]


def test_tiebreak_is_only_for_the_tied_teams(make_socket, make_contest):
    hall = Hall(make_socket, make_contest, [
        {"kind": "buzz", "title": "抢答题", "questions": [question(stem="抢答 1")]}])
    hall.do("adjust_score", team=hall.teams[2], delta=-30, reason="犯规")
    hall.do("finish")
    hall.do("start_tiebreak", teams=hall.teams[:2],
            question=dict(question(stem="加赛题"), id=900, bank_id=None, points=None,
                          time_limit=None, level=None, category="", media=[]))
    assert hall.snap["tiebreak"]["teams"] == hall.teams[:2]
    hall.do("open_buzzers", question=hall.qid)
    red, blue, green = hall.phones
    assert green.buzz(hall.qid)["error"] == "not_in_tiebreak"
    assert blue.buzz(hall.qid)["ok"]
    hall.do("judge", question=hall.qid, team=hall.teams[1], correct=True)
    final = latest(hall.screen)
    assert final["tiebreak"]["winner"] == hall.teams[1]
    ranks = {t["id"]: t["rank"] for t in final["teams"]}
    assert ranks[hall.teams[1]] == 1 and ranks[hall.teams[0]] == 2


def test_undo_puts_a_judgement_back_so_the_host_can_rejudge(make_socket, make_contest):
    hall = Hall(make_socket, make_contest, [
        {"kind": "buzz", "title": "抢答题", "questions": [question(stem="抢答 1")]}])
    hall.do("next")
    hall.do("show_question")
    hall.do("open_buzzers", question=hall.qid)
    assert hall.phones[0].buzz(hall.qid)["ok"]
    hall.do("judge", question=hall.qid, team=hall.teams[0], correct=False)
    assert hall.scores()[hall.teams[0]] == 90
    snap = hall.do("undo")
    assert hall.scores()[hall.teams[0]] == 100
    assert snap["phase"] == "answering" and snap["turn"] == hall.teams[0]
    undone = [e for e in snap["log"] if e["undone"]]
    assert undone and undone[0]["delta"] == -10
    hall.do("judge", question=hall.qid, team=hall.teams[0], correct=True)
    assert hall.scores()[hall.teams[0]] == 110


def test_score_adjustment_needs_a_reason_and_keeps_who_and_when(make_socket, make_contest):
    hall = Hall(make_socket, make_contest, [
        {"kind": "buzz", "title": "抢答题", "questions": [question()]}])
    ack = hall.host.emit("host", {"action": "adjust_score", "team": hall.teams[0], "delta": 5,
                                  "reason": ""}, callback=True)
    assert ack["ok"] is False
    snap = hall.do("adjust_score", team=hall.teams[0], delta=5, reason="评委复核加分")
    entry = snap["log"][-1]
    assert entry["reason"] == "评委复核加分" and entry["delta"] == 5
    assert entry["actor"]["role"] == "host" and abs(entry["at"] - time.time() * 1000) < 10000


def test_lock_lobby_and_remove_player(make_socket, make_contest):
    hall = Hall(make_socket, make_contest, [
        {"kind": "buzz", "title": "抢答题", "questions": [question()]}])
    hall.do("lock_lobby")
    late = make_socket(contest=hall.code, role="player")
    ack = late.emit("join", {"team": hall.teams[0], "name": "迟到"}, callback=True)
    assert ack["ok"] is False and ack["error"] == "lobby_locked"
    red = hall.phones[0]
    ack = hall.host.emit("host", {"action": "remove_player", "player": 10**6}, callback=True)
    assert ack["ok"] is False and ack["error"] == "unknown_player"
    ack = hall.host.emit("host", {"action": "remove_player", "player": red.player},
                         callback=True)
    assert ack["ok"], ack
    assert not red.sock.is_connected()
    back = make_socket(contest=hall.code, role="player", token=red.token)
    assert not back.is_connected()                    # its token no longer works


def test_phone_snapshots_are_coalesced_under_a_burst(make_socket, make_contest):
    hall = Hall(make_socket, make_contest, [
        {"kind": "buzz", "title": "抢答题", "questions": [question()]}])
    watcher = make_socket(contest=hall.code, role="player")
    watcher.get_received()
    for i in range(40):
        hall.do("adjust_score", team=hall.teams[0], delta=1, reason=f"第{i}次")
    time.sleep(0.4)                                   # let the last coalesced push go out
    got = [m["args"][0] for m in watcher.get_received() if m["name"] == "state"]
    assert 1 <= len(got) < 20                          # a handful, not one per change
    assert got[-1]["version"] == hall.snap["version"]  # and the last one is the newest
    assert {t["id"]: t["score"] for t in got[-1]["teams"]}[hall.teams[0]] == 140
    screens = [m for m in hall.screen.get_received() if m["name"] == "state"]
    assert len(screens) >= 40                          # the projector gets every change


def test_with_real_coalescing_the_host_sees_its_own_change_at_once(app, make_socket,
                                                                   make_contest):
    app.config["QUIZ_COALESCE"] = {}                  # the served defaults
    hall = Hall(make_socket, make_contest, [
        {"kind": "buzz", "title": "抢答题", "questions": [question()]}])
    for i in range(5):                                # faster than any interval
        ack = hall.host.emit("host", {"action": "adjust_score", "team": hall.teams[0],
                                      "delta": 1, "reason": f"第{i}次"}, callback=True)
        assert latest(hall.host)["version"] == ack["version"]
        assert latest(hall.screen)["version"] == ack["version"]
    watcher = make_socket(contest=hall.code, role="player")
    watcher.get_received()
    for _ in range(20):                               # a burst from phones is coalesced
        hall.phones[0].sock.emit("time", {}, callback=True)
        hall.host.emit("host", {"action": "adjust_score", "team": hall.teams[1], "delta": 1,
                                "reason": "r"}, callback=True)
    time.sleep(0.3)
    got = [m["args"][0] for m in watcher.get_received() if m["name"] == "state"]
    assert 1 <= len(got) < 20 and got[-1]["version"] == latest(hall.host)["version"]
