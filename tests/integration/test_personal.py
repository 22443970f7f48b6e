"""A phone's own line (`mine`): personal points and rank, its own answers after the contest."""
from tests.helpers import TeamActions, contest_spec, question


def host_do(host, action, **fields):
    ack = host.emit("host", dict(fields, action=action), callback=True)
    assert ack["ok"], (action, fields, ack)


def host_state(host):
    """The newest state the host got (kept: get_received empties the queue)."""
    got = [m["args"][0] for m in host.get_received() if m["name"] == "state"]
    if got:
        host.newest = got[-1]
    return host.newest


def mine(phone, lang="en"):
    ack = phone.sock.emit("mine", {"lang": lang}, callback=True)
    assert ack["ok"], ack
    return ack


def spec(board=True):
    return contest_spec(teams=("红队", "蓝队"), settings={"player_board": board}, rounds=[
        {"kind": "compulsory", "title": "必答题", "questions": [question(stem="必答第一题")]},
        {"kind": "all_answer", "title": "全员答题", "settings": {"per": "player"},
         "questions": [question(stem="全员第一题：一加一等于几？这道题的题干" + "很长" * 20)]}])


def play(make_contest, make_socket, board=True):
    c = make_contest(spec(board))
    code, (red, blue) = c["code"], c["teams"]
    host = make_socket(contest=code, role="host", key=c["host_key"])
    ann, bo, cy = (TeamActions(make_socket, code, team, name)
                   for team, name in ((red, "安"), (red, "博"), (blue, "岑")))
    host_do(host, "next")
    host_do(host, "show_question")
    q1 = host_state(host)["question"]["id"]
    assert ann.answer(q1, "B")["ok"]                 # red's turn, judged at once: right
    while host_state(host)["phase"] != "collecting":
        host_do(host, "next")
    q2 = host_state(host)["question"]["id"]
    for phone, pick in ((ann, "B"), (bo, "A"), (cy, "B")):
        assert phone.answer(q2, pick)["ok"]
    host_do(host, "reveal", question=q2)
    return host, ann, bo, cy


def test_each_phone_gets_its_own_points_and_rank(make_contest, make_socket):
    host, ann, bo, cy = play(make_contest, make_socket)
    assert mine(ann)["personal"] == {"points": 10, "rank": 1, "players": 3}
    assert mine(cy)["personal"] == {"points": 10, "rank": 1, "players": 3}
    assert mine(bo)["personal"] == {"points": 0, "rank": 3, "players": 3}
    assert mine(ann)["review"] is None                # not finished yet
    late = TeamActions(make_socket, ann.code, ann.team, "丁")   # joined after the scoring
    assert mine(late)["personal"] == {"points": 0, "rank": 3, "players": 3}
    board = host_state(host)["player_board"]
    assert [(r["name"], r["points"], r["rank"]) for r in board] == [
        ("安", 10, 1), ("岑", 10, 1), ("博", 0, 3)]
    host_do(host, "undo")                             # the scoring undone: the points too
    assert mine(ann)["personal"] is None           # nobody has personal points: no line


def test_no_personal_line_when_the_board_is_off(make_contest, make_socket):
    _host, ann, _bo, _cy = play(make_contest, make_socket, board=False)
    assert mine(ann)["personal"] is None


def test_after_the_contest_each_phone_lists_its_own_answers(make_contest, make_socket):
    host, ann, bo, cy = play(make_contest, make_socket)
    host_do(host, "finish")
    a, b = mine(ann)["review"], mine(bo, "zh")["review"]
    assert [(r["stem"][:5], r["answer"], r["result"], r["points"], r["mine"])
            for r in a["rows"]] == [("必答第一题", "B", "right", 10, False),
                                    ("全员第一题", "B", "right", 10, True)]
    assert [(r["answer"], r["result"], r["points"]) for r in b["rows"]] == [
        ("B", "right", 10), ("A", "wrong", 0)]
    assert a["rows"][1]["stem"].endswith("…") and len(a["rows"][1]["stem"]) == 40
    assert a["team"]["rank"] == 1 and b["team"]["rank"] == 1
    c = mine(cy)["review"]
    assert [(r["answer"], r["result"]) for r in c["rows"]] == [("B", "right")]
    assert c["team"]["rank"] == 2
    assert mine(ann)["reveal_skipped"] is False
    assert host.emit("reveal", {"action": "skip"}, callback=True)["ok"]
    assert mine(ann)["reveal_skipped"] is True
