"""View shapes, the player view's size, the host's extras and no answer leaks."""
from __future__ import annotations

import copy
import json

import pytest

from quiz.engine import RuleError, apply, view
from tests.unit.test_engine_factories import (
    HOST,
    Game,
    check_no_leak,
    q,
    rnd,
    setup,
    wager_questions,
)

COMMON_KEYS = {"version", "name", "phase", "round", "question", "deadline", "paused",
               "paused_remaining_ms", "teams", "turn", "buzzes", "locked_out", "revealed",
               "outcome", "distribution", "answered_count", "lobby_locked", "tiebreak",
               "last_event", "final", "wager", "capabilities", "opens_at",
               "countdown_ms"}
PHONE_KEYS = COMMON_KEYS | {"phone", "timeout_points", "personal",
                            "reveal_from"}  # phone_states; board on; finished
HOST_KEYS = COMMON_KEYS | {"answer", "explanation", "answer_private", "next_question", "log",
                           "log_total",
                           "buzz_log", "submissions", "can_undo", "undo_label", "legal",
                           "rounds", "settings", "deadline_kind", "near_tie",
                           "near_tie_rows", "player_board"}


def every_kind() -> dict:
    return setup([
        rnd(1, "compulsory", [q(1, "fill_blank"), q(2, "true_false"), q(3), q(4, "open")]),
        rnd(2, "buzz", [q(11), q(12, "fill_blank"), q(13, "multiple")]),
        rnd(3, "wager", wager_questions(per_level=1)),
        rnd(4, "all_answer", [q(31, "single", ["B"]), q(32, "fill_blank"),
                              q(33, "multiple")], per="player", speed_bonus=5),
    ])


def play_everything(g: Game) -> None:
    """Every round kind from the lobby to the finish, with buzzes, fouls and phone answers."""
    g.host("next")
    g.host("next")
    g.player(1, "answer", question=1, answer="wrong text")
    g.host("judge", question=1, team=1, correct=False)
    g.host("reveal", question=1)
    g.host("next")
    g.player(2, "answer", question=2, answer="true")
    g.host("next")
    g.at(30_000).tick()
    g.host("next")
    g.host("judge", question=4, team=4, correct=True)
    g.host("next")                                        # round end
    g.host("next")                                        # buzz round intro
    g.host("next")                                        # q11
    g.player(3, "buzz", question=11)                      # foul
    g.host("open_buzzers", question=11)
    g.at(200).player(1, "buzz", question=11)
    g.at(30).player(2, "buzz", question=11)
    g.host("judge", question=11, team=1, correct=False)
    g.player(2, "buzz", question=11)
    g.host("judge", question=11, team=2, correct=True)
    g.host("reveal", question=11)
    g.host("next")
    g.host("open_buzzers", question=12)
    g.at(15_000).tick()
    g.host("next")
    g.host("open_buzzers", question=13)
    g.player(4, "buzz", question=13)
    g.player(4, "answer", question=13, answer="AC")
    g.host("next")                                        # round end
    g.host("next")                                        # wager intro
    g.host("next")                                        # choosing
    while g.phase == "choosing":
        chooser = g.state["progress"]["3"]["chooser"]
        left = view(g.state, "host")["wager"]["left"]
        level = next((int(k) for k, n in left.items() if n), None)
        g.player(chooser, "choose_wager", value=level)
        g.host("judge", question=g.qid, team=chooser, correct=chooser % 2 == 0)
        g.host("reveal", question=g.qid)
        g.host("next")
    assert g.phase == "round_end"
    g.host("next")                                        # all-answer intro
    for qid, answers in ((31, ("B", "A")), (32, ("SECRET<32>", "x")), (33, ("AC", "A"))):
        if g.phase != "collecting":
            g.host("next")
        for tid in (1, 2, 3, 4):
            for pid, ans in zip((1, 2), answers, strict=True):
                g.at(100).player(tid, "answer", pid=tid * 10 + pid, question=qid, answer=ans)
        g.host("reveal", question=qid)
    g.host("next")
    g.host("next")
    g.host("finish") if g.phase != "finished" else None


def test_no_view_but_the_hosts_shows_an_answer_before_reveal():
    g = Game(every_kind())
    play_everything(g)
    assert g.phase == "finished"
    assert g.views_checked >= 50


def test_host_always_sees_the_answer_and_explanation():
    g = Game(every_kind())
    g.host("next")
    g.host("next")
    v = view(g.state, "host")
    assert v["answer"] == ["SECRET<1>"] and v["explanation"] == "EXPL<1>"
    assert v["answer_private"] is True
    assert v["next_question"]["id"] == 2 and v["next_question"]["answer"] == ["true"]
    assert set(v) == HOST_KEYS


def test_view_shapes():
    g = Game(every_kind())
    g.host("next")
    g.host("next")
    v = view(g.state, "screen")
    assert set(v) == COMMON_KEYS | {"player_board"}
    assert v["round"] == {"id": 1, "kind": "compulsory", "title": "compulsory round",
                          "index": 1, "count": 4, "settings": {"answer_time": 30}}
    assert v["question"] == {"id": 1, "index": 1, "count": 4, "type": "fill_blank",
                             "stem": "题干 1", "options": [], "points": 10,
                             "time_limit": None, "media": [], "level": None, "attempt": 0}
    assert v["teams"][0] == {"id": 1, "name": "第1队", "color": "#e53935", "seat": 1,
                             "score": 100, "rank": 1}
    assert v["turn"] == 1 and v["deadline"] == g.now + 30_000
    p = view(g.state, "player")
    assert set(p) <= PHONE_KEYS
    assert p["question"] == {"id": 1, "index": 1, "count": 4, "type": "fill_blank",
                             "stem": "题干 1", "options": [], "points": 10, "attempt": 0}
    assert p["turn"] == 1 and p["deadline"] == v["deadline"] and p["phase"] == "answering"
    g.host("judge", question=1, team=1, correct=True)
    g.host("reveal", question=1)
    screen, player = view(g.state, "screen"), view(g.state, "player")
    assert screen["answer"] == player["answer"] == ["SECRET<1>"]
    assert screen["explanation"] == "EXPL<1>" and "explanation" not in player
    assert screen["last_event"]["type"] == "revealed"


def test_buzz_view_lists_buzzes_with_timing():
    g = Game(setup([rnd(1, "buzz", [q(1)])]))
    g.host("next")
    g.host("next")
    g.player(4, "buzz", question=1)
    g.host("open_buzzers", question=1)
    g.at(50).player(2, "buzz", question=1)
    g.at(38).player(1, "buzz", question=1)
    v = view(g.state, "screen")
    assert v["buzzes"] == [
        {"team": 4, "rank": None, "ms_after_open": None, "ms_behind_first": None,
         "foul": True, "attempt": 0},
        {"team": 2, "rank": 1, "ms_after_open": 50, "ms_behind_first": 0, "foul": False,
         "attempt": 1},
        {"team": 1, "rank": 2, "ms_after_open": 88, "ms_behind_first": 38, "foul": False,
         "attempt": 1}]
    assert v["locked_out"] == [4] and v["turn"] == 2
    assert v["last_event"]["type"] == "buzz" and v["last_event"]["ms_behind_first"] == 38
    assert len(view(g.state, "host")["buzz_log"]) == 3


def player_view_size(stem: str, buzzes: int) -> int:
    s = setup([rnd(1, "buzz", [q(1, stem=stem, options=["选项" * 5 for _ in range(4)])])],
              n_teams=10)
    for t in s["teams"]:
        t["name"] = f"第{t['id']}代表队"
    g = Game(s)
    g.host("next")
    g.host("next")
    g.host("open_buzzers", question=1)
    for tid in range(1, buzzes + 1):
        g.at(10).player(tid, "buzz", question=1)
    v = view(g.state, "player")
    assert len(v["teams"]) == 10 and len(v["buzzes"]) == buzzes
    assert v["question"]["stem"] == stem
    return len(json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def test_player_view_is_small():
    """≤ 2 KB (compact UTF-8 JSON) for 10 teams, a 200-character stem and 4 options."""
    assert player_view_size("题" * 200, buzzes=4) <= 2048
    assert player_view_size("Q" * 200, buzzes=10) <= 2048


def test_player_view_leaves_out_nulls_but_keeps_lists():
    g = Game(every_kind())
    v = view(g.state, "player")
    assert "question" not in v and "final" not in v and "revealed" not in v
    assert v["teams"] and v["buzzes"] == [] and v["locked_out"] == []
    assert v["teams"][0] == {"id": 1, "name": "第1队", "color": "#e53935", "score": 100,
                             "rank": 1}


def test_views_share_nothing_with_the_state():
    g = Game(every_kind())
    g.host("next")
    g.host("next")
    before = copy.deepcopy(g.state)
    for role in ("host", "screen", "player"):
        v = view(g.state, role)
        v["teams"][0]["score"] = -1
        v["question"]["options"].append("x")
        if role == "host":
            v["log"].append({})
            v["next_question"]["answer"].append("x")
            v["round"]["settings"]["answer_time"] = 1
    assert g.state == before


def test_unknown_role_is_refused():
    g = Game(every_kind())
    with pytest.raises(RuleError):
        view(g.state, "judge")


def test_all_answer_views():
    g = Game(every_kind())
    g.host("start_round", round=4)
    g.host("next")
    g.player(1, "answer", pid=1, question=31, answer="B")
    g.player(1, "answer", pid=2, question=31, answer="A")
    v = view(g.state, "player")
    assert v["answered_count"] == 2 and v.get("distribution") is None
    assert v["round"]["settings"]["per"] == "player"
    host = view(g.state, "host")
    assert host["submissions"]["1"]["1"]["answer"] == ["B"]


def sample_command(state: dict, ctype: str) -> dict:
    """A plausible command of this type in this state (for the legal-list check)."""
    qd = state["q"]
    qid = qd["id"] if qd else None
    turn = qd["turn"] if qd else None
    chooser = None
    if state["round_index"] is not None:
        chooser = state["progress"][str(state["rounds"][state["round_index"]]["id"])]["chooser"]
    unstarted = [r["id"] for r in state["rounds"]
                 if not state["progress"][str(r["id"])]["started"]]
    unused = [i for r in state["rounds"] for i in r["question_ids"]
              if i not in state["progress"][str(r["id"])]["used"]]
    fields = {
        "judge": {"question": qid, "team": turn or (qd or {}).get("last_judgement", {})
                  and qd["last_judgement"]["team"], "correct": True},
        "reveal": {"question": qid}, "open_buzzers": {"question": qid},
        "foul": {"question": qid, "team": next(t["id"] for t in state["teams"]
                                               if qd and t["id"] not in qd["fouled"]
                                               and (not state["tiebreak"] or t["id"] in
                                                    state["tiebreak"]["teams"]))
                 if qd else 1},
        "adjust_score": {"team": 1, "delta": 1, "reason": "r"},
        "start_round": {"round": unstarted[0] if unstarted else None},
        "start_tiebreak": {"teams": [1, 2], "question": q(99999)},
        "choose_wager": {"team": chooser, "value": state["rounds"][state["round_index"]][
            "settings"].get("values", [0])[0] if state["round_index"] is not None else 0},
        "pass": {"team": chooser},
        "swap_question": {"question": unused[0] if unused else qid,
                          "replacement": q(88888, level=10)},
    }.get(ctype, {})
    return {"type": ctype, "actor": HOST, **fields}


def test_legal_commands_are_accepted():
    g = Game(every_kind(), check_leaks=False)
    checked = set()
    original_send = g.send

    def send_and_check(command):
        events = original_send(command)
        for ctype in view(g.state, "host")["legal"]:
            trial = json.loads(json.dumps(g.state))
            cmd = sample_command(trial, ctype)
            try:
                apply(trial, cmd, g.now)
            except RuleError as err:
                if ctype == "choose_wager" and err.code == "level_exhausted":
                    continue
                raise AssertionError(f"{ctype} listed as legal but refused: {err}") from err
            checked.add(ctype)
        return events

    g.send = send_and_check
    play_everything(g)
    assert len(checked) >= 18, sorted(checked)


def test_check_no_leak_catches_a_leak():
    g = Game(every_kind())
    g.host("next")
    g.host("next")
    g.state["name"] = "EXPL<2>"
    with pytest.raises(AssertionError):
        check_no_leak(g.state)


def test_host_snapshot_carries_only_the_newest_history_but_the_state_keeps_it_all():
    g = Game(every_kind(), check_leaks=False)
    for i in range(60):
        g.host("adjust_score", team=1, delta=1, reason=f"第{i}次")
    v = view(g.state, "host")
    assert len(g.state["log"]) == 60 and v["log_total"] == 60
    assert len(v["log"]) == 40 and v["log"][-1]["reason"] == "第59次"
    assert v["log"][0]["reason"] == "第20次"
