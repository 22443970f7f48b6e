"""Test-data factories: contest files with inline questions, players that join and buzz."""


def question(qtype="single", stem="1 + 1 = ?", answer=("B",), options=("1", "2", "3", "4"),
             **extra) -> dict:
    q = {"type": qtype, "stem": stem, "options": list(options), "answer": list(answer),
         "explanation": "解析：" + stem}
    if qtype in ("true_false", "fill_blank", "open"):
        q["options"] = []
    q.update(extra)
    return q


def contest_spec(teams=("红队", "蓝队", "绿队"), rounds=None, **extra) -> dict:
    """A contest file with inline questions, so it needs no bank. Joins are "open" (any phone
    joins any team) unless ``join=`` says otherwise: most tests are about the game. Buzzes rank in
    arrival order unless ``settings`` names another."""
    if rounds is None:
        rounds = [
            {"kind": "compulsory", "title": "必答题",
             "questions": [question(stem=f"必答 {i}") for i in range(1, 4)]},
            {"kind": "buzz", "title": "抢答题",
             "questions": [question(stem=f"抢答 {i}") for i in range(1, 4)]},
            {"kind": "all_answer", "title": "全员答题",
             "questions": [question(stem=f"全员 {i}") for i in range(1, 3)]},
        ]
    spec = {"name": "测试竞赛", "base_score": 100, "join": "open",
            "teams": [{"name": n} for n in teams], "rounds": rounds}
    spec.update(extra)
    # Arrival order unless the test says (new contests are fair: see tests/conftest.py).
    spec["settings"] = {"buzz_order": "arrival", **(spec.get("settings") or {})}
    return spec


class TeamActions:
    """A phone: connects as a player, joins a team, buzzes and answers."""

    def __init__(self, make_socket, code, team_id, name="选手"):
        self.code = code
        self.sock = make_socket(contest=code, role="player")
        ack = self.sock.emit("join", {"team": team_id, "name": name}, callback=True)
        assert ack["ok"], ack
        self.token = ack["token"]
        self.player = ack["player"]
        self.team = team_id

    def buzz(self, question_id):
        return self.sock.emit("buzz", {"question": question_id}, callback=True)

    def answer(self, question_id, answer):
        return self.sock.emit("answer", {"question": question_id, "answer": answer},
                              callback=True)

    def last_state(self):
        states = [m["args"][0] for m in self.sock.get_received() if m["name"] == "state"]
        return states[-1] if states else None
