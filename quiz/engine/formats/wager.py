"""风险 wager rounds: teams choose a value in order of score (lowest first) and stake it."""
from __future__ import annotations

from .. import turns
from ..checks import is_int, need_id
from ..errors import RuleError
from ..state import current_round, new_q, progress, question, team
from ..types import Event, LiveQuestion, Round, State
from . import common

kind = "wager"
labels = {"zh": "风险", "en": "Wager"}
in_rounds = True
defaults: dict = {
    "values": [10, 20, 30],
    "turns_per_team": 1,
    "allow_pass": True,
    "answer_time": 60,
    "foul_points": -10,
}
specs: dict = {}
capabilities = {"buzzers": False, "wager": True, "tap_answer": False, "turn_answer": True,
                "countdown": True, "host_shows": False}
record = {"eligible": "one", "score_kind": "wager"}


def level_left(state: State, rnd: Round) -> dict[str, list[int]]:
    """Unused question ids of the round per value (str keys)."""
    used = set(state["progress"][str(rnd["id"])]["used"])
    left: dict[str, list[int]] = {str(v): [] for v in rnd["settings"]["values"]}
    for qid in rnd["question_ids"]:
        level = question(state, qid)["level"]
        if qid not in used and str(level) in left:
            left[str(level)].append(qid)
    return left


def next_chooser(state: State) -> int | None:
    """The team that chooses next: fewest turns taken, then lowest score, then lowest seat;
    None when every team had its turns or no question is left."""
    rnd = current_round(state)
    prog = progress(state)
    if not any(level_left(state, rnd).values()):
        return None
    limit = rnd["settings"]["turns_per_team"]
    candidates = [t for t in state["teams"] if prog["turns"].get(str(t["id"]), 0) < limit]
    if not candidates:
        return None
    best = min(candidates, key=lambda t: (prog["turns"].get(str(t["id"]), 0), t["score"],
                                          t["seat"]))
    return best["id"]


def begin_choosing(state: State) -> list[dict]:
    """Hand the choice to the next team, or end the round."""
    chooser = next_chooser(state)
    state["q"] = None
    if chooser is None:
        state["phase"] = "round_end"
        progress(state)["chooser"] = None
        return [{"type": "round_end", "round": current_round(state)["id"]}]
    state["phase"] = "choosing"
    progress(state)["chooser"] = chooser
    return [{"type": "choosing", "team": chooser}]


def _chooser_checks(state: State, cmd: dict, team_id: int | None) -> int:
    if team_id is None:                      # the host acts on behalf of a team
        team_id = need_id(cmd, "team")
    elif cmd.get("team") is not None and cmd.get("team") != team_id:
        raise RuleError("forbidden", "you can only choose for your own team", "只能为本队选择")
    team(state, team_id)
    rnd = current_round(state)
    if state["phase"] != "choosing" or rnd is None or rnd["kind"] != kind:
        raise RuleError("wrong_phase", "no wager is being chosen now", "现在不是选择风险题的时候")
    if progress(state)["chooser"] != team_id:
        raise RuleError("not_your_turn", "it is another team's turn to choose", "还没轮到你们选题")
    return team_id


def cmd_choose_wager(state: State, cmd: dict, now: int, team_id: int | None) -> list[dict]:
    """The chooser picks a value (0 = pass) and gets the next unused question of that level."""
    team_id = _chooser_checks(state, cmd, team_id)
    value = cmd.get("value")
    rnd = current_round(state)
    settings = rnd["settings"]
    if not is_int(value) or (value != 0 and value not in settings["values"]):
        raise RuleError("bad_command", f"value must be one of {settings['values']} or 0 to pass",
                        f"分值必须是 {settings['values']} 之一，0 表示放弃")
    if value == 0:
        return _pass(state, team_id, now)
    left = level_left(state, rnd)[str(value)]
    if not left:
        raise RuleError("level_exhausted", f"no {value}-point question is left",
                        f"{value} 分的题目已用完")
    qid = left[0]
    prog = progress(state)
    prog["used"].append(qid)
    prog["shown"] += 1
    prog["turns"][str(team_id)] = prog["turns"].get(str(team_id), 0) + 1
    prog["chooser"] = None
    q = new_q(qid, kind, prog["shown"], len(rnd["question_ids"]), now)
    q["turn"] = team_id
    q["value"] = value
    state["q"] = q
    show(state, q, now)
    return [{"type": "wager_chosen", "team": team_id, "value": value, "question": qid}]


def cmd_pass(state: State, cmd: dict, now: int, team_id: int | None) -> list[dict]:
    """The chooser passes (放弃) without loss, if the round allows it."""
    team_id = _chooser_checks(state, cmd, team_id)
    return _pass(state, team_id, now)


def _pass(state: State, team_id: int, now: int) -> list[dict]:
    if not current_round(state)["settings"]["allow_pass"]:
        raise RuleError("pass_not_allowed", "passing is not allowed in this round",
                        "本环节不允许放弃")
    prog = progress(state)
    prog["turns"][str(team_id)] = prog["turns"].get(str(team_id), 0) + 1
    team(state, team_id)["passes"] += 1
    return [{"type": "pass", "team": team_id}] + begin_choosing(state)


def show(state: State, q: LiveQuestion, now: int) -> list[Event]:
    """The chooser answers its chosen question, with the answer time running."""
    return turns.start_turn(state, q, now)


def advance(state: State, now: int) -> list[Event]:
    """After a question the next team chooses (or the round ends)."""
    return begin_choosing(state)


def check_question(qdata: dict, settings: dict, code: str, where: str) -> None:
    """A wager question's level is one of the round's values."""
    if qdata["level"] in settings["values"]:
        return
    if code == "bad_setup":
        raise RuleError(code, f"{where}level must be one of {settings['values']}",
                        f"{where}风险题的分值须为 {settings['values']} 之一")
    raise RuleError(code, "a wager question needs a level among the values", "风险题须设置分值")


def points(state: State) -> int:
    """The stake the team chose."""
    return state["q"]["value"]


def wrong_points(state: State, timeout: bool) -> int:
    """A wrong answer (or a timeout) loses the stake."""
    return -state["q"]["value"]


def reason(q: dict, text: str) -> str:
    """The log says the stake: 风险 20 分 答对."""
    return f"风险 {q['value']} 分 {text}"


def legal(state: State) -> set[str]:
    """The chooser (or the host for it) chooses a value or, if allowed, passes."""
    if state["phase"] == "choosing":
        rnd = current_round(state)
        return {"choose_wager"} | ({"pass"} if rnd["settings"].get("allow_pass") else set())
    return common.turn_legal(state)


def view(state: State, role: str) -> dict:
    """The values, how many are used and left, who chooses and the chosen value."""
    return {"wager": wager_view(state)}


def wager_view(state: State) -> dict | None:
    """The wager part of a snapshot (None once the contest is finished)."""
    rnd = current_round(state)
    if rnd is None or rnd["kind"] != kind or state["phase"] == "finished":
        return None
    left = level_left(state, rnd)
    total: dict[str, int] = {str(v): 0 for v in rnd["settings"]["values"]}
    for qid in rnd["question_ids"]:
        total[str(question(state, qid)["level"])] += 1
    prog = state["progress"][str(rnd["id"])]
    q = state["q"]
    return {"values": list(rnd["settings"]["values"]),
            "used": {k: total[k] - len(left[k]) for k in total},
            "left": {k: len(v) for k, v in left.items()},
            "chooser": prog["chooser"] if state["phase"] == "choosing" else None,
            "value": q["value"] if q and q["kind"] == kind else None}


player_commands = {"choose_wager": cmd_choose_wager, "pass": cmd_pass,
                   "answer": turns.cmd_turn_answer}
host_commands = {"choose_wager": lambda state, cmd, now: cmd_choose_wager(state, cmd, now, None),
                 "pass": lambda state, cmd, now: cmd_pass(state, cmd, now, None),
                 "judge": turns.cmd_judge}
expiries = {"answer": turns.expire_answer}
settings = common.round_settings
enter = common.no_preparation
reveal = common.nothing_to_close
teams = common.everyone
scored = common.always_scored
on_right = common.nothing_more
