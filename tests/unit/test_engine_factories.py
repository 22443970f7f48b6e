"""Factories shared by the engine tests (imported by the other test_engine_* modules)."""
from __future__ import annotations

import json

from quiz.engine import RuleError, apply, new_state, view

T0 = 1_700_000_000_000
HOST = {"role": "host", "team": None, "player": None, "name": "主持人"}
SYSTEM = {"role": "system", "team": None, "player": None, "name": "timer"}
COLORS = ["#e53935", "#1e88e5", "#fdd835", "#43a047", "#8e24aa",
          "#fb8c00", "#00acc1", "#6d4c41", "#546e7a", "#d81b60"]


def player(team: int, pid: int | None = None) -> dict:
    """A player actor of a team."""
    return {"role": "player", "team": team, "player": pid if pid is not None else team * 100,
            "name": f"p{team}"}


def q(qid: int, qtype: str = "single", answer=None, **kw) -> dict:
    """A question; its explanation and typed answers carry tokens the leak test looks for."""
    options = kw.pop("options", None)
    if options is None:
        options = [] if qtype in ("true_false", "fill_blank", "open") else \
            ["甲", "乙", "丙", "丁"]
    if answer is None:
        answer = {"single": ["A"], "multiple": ["A", "C"], "true_false": ["true"],
                  "fill_blank": [f"SECRET<{qid}>"], "open": [f"SECRET<{qid}>"]}[qtype]
    base = {"id": qid, "bank_id": None, "type": qtype, "stem": f"题干 {qid}",
            "options": options, "answer": answer, "points": None,
            "explanation": f"EXPL<{qid}>", "time_limit": None, "level": None,
            "category": "常识", "media": []}
    base.update(kw)
    return base


def teams(n: int = 4) -> list[dict]:
    """n teams with ids 1..n at seats 1..n."""
    return [{"id": i, "name": f"第{i}队", "color": COLORS[(i - 1) % 10], "seat": i}
            for i in range(1, n + 1)]


def rnd(rid: int, kind: str, questions: list[dict], **settings) -> dict:
    """A round of this kind."""
    return {"id": rid, "kind": kind, "title": f"{kind} round", "settings": settings,
            "questions": questions}


def setup(rounds: list[dict], n_teams: int = 4, **contest) -> dict:
    """A contest setup; buzzes in arrival order unless ``buzz_order`` is given (the contests'
    own default is fair order, tested in test_engine_fair_buzz.py)."""
    out = {"name": "测试赛", "base_score": 100, "seed": 7, "teams": teams(n_teams),
           "rounds": rounds, "settings": {"buzz_order": "arrival", **contest}}
    return out


def wager_questions(start: int = 300, per_level: int = 2, values=(10, 20, 30)) -> list[dict]:
    """per_level questions at each value."""
    out = []
    for v in values:
        for i in range(per_level):
            out.append(q(start + v + i, "single", level=v))
    return out


class Game:
    """A state plus a clock; every command is checked for JSON round-trip and answer leaks."""

    def __init__(self, setup_dict: dict, check_leaks: bool = True):
        self.state = new_state(setup_dict)
        self.now = T0
        self.check_leaks = check_leaks
        self.views_checked = 0

    def at(self, ms: int) -> Game:
        """Move the clock forward."""
        self.now += ms
        return self

    def host(self, ctype: str, **fields) -> list[dict]:
        """Send a host command."""
        return self.send({"type": ctype, "actor": HOST, **fields})

    def player(self, team: int, ctype: str, pid: int | None = None, **fields) -> list[dict]:
        """Send a player command."""
        return self.send({"type": ctype, "actor": player(team, pid), **fields})

    def tick(self) -> list[dict]:
        """Send the system tick."""
        return self.send({"type": "tick", "actor": SYSTEM})

    def send(self, command: dict) -> list[dict]:
        """apply() with checks after it."""
        before = self.state["version"]
        events = apply(self.state, command, self.now)
        assert json.loads(json.dumps(self.state)) == self.state
        assert self.state["version"] == before + (1 if events else 0)
        if self.check_leaks:
            check_no_leak(self.state)
            self.views_checked += 1
        return events

    def refused(self, code: str, command_type: str, as_team: int | None = None,
                **fields) -> None:
        """Assert the command is refused with this code and the state is unchanged."""
        actor = HOST if as_team is None else player(as_team)
        snapshot = json.dumps(self.state, sort_keys=True)
        try:
            apply(self.state, {"type": command_type, "actor": actor, **fields}, self.now)
        except RuleError as err:
            assert err.code == code, (err.code, err.message)
            assert err.message and err.message_zh
        else:
            raise AssertionError(f"{command_type} was not refused")
        assert json.dumps(self.state, sort_keys=True) == snapshot

    @property
    def qid(self) -> int:
        """The current question id."""
        return self.state["q"]["id"]

    def score(self, team: int) -> int:
        """A team's score."""
        return next(t["score"] for t in self.state["teams"] if t["id"] == team)

    def scores(self) -> dict[int, int]:
        """All scores by team id."""
        return {t["id"]: t["score"] for t in self.state["teams"]}

    def team(self, team: int) -> dict:
        """A team's record."""
        return next(t for t in self.state["teams"] if t["id"] == team)

    @property
    def phase(self) -> str:
        """The current phase."""
        return self.state["phase"]


def check_no_leak(state: dict) -> None:
    """No player or screen view shows an unrevealed answer or explanation."""
    revealed_id = state["q"]["id"] if state["q"] and state["q"]["revealed"] else None
    for role in ("player", "screen"):
        v = view(state, role)
        text = json.dumps(v, ensure_ascii=False)
        if state["q"] is not None and not state["q"]["revealed"]:
            assert "answer" not in v and "explanation" not in v
        if role == "player":
            assert "explanation" not in v
        for qid in state["questions"]:
            if int(qid) == revealed_id:
                continue
            assert f"EXPL<{qid}>" not in text, (role, qid)
            assert f"SECRET<{qid}>" not in text, (role, qid)


def test_factories_build_a_valid_state():
    g = Game(setup([rnd(1, "buzz", [q(1)])]))
    assert g.phase == "lobby"
    assert g.scores() == {1: 100, 2: 100, 3: 100, 4: 100}
