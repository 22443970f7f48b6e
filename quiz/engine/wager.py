"""风险 wager rounds: teams choose a value in order of score (lowest first) and stake it."""
from __future__ import annotations

from .checks import is_int, need_id
from .errors import RuleError
from .state import current_round, new_q, progress, question, set_deadline, team


def level_left(state: dict, rnd: dict) -> dict[str, list[int]]:
    """Unused question ids of the round per value (str keys)."""
    used = set(state["progress"][str(rnd["id"])]["used"])
    left: dict[str, list[int]] = {str(v): [] for v in rnd["settings"]["values"]}
    for qid in rnd["question_ids"]:
        level = question(state, qid)["level"]
        if qid not in used and str(level) in left:
            left[str(level)].append(qid)
    return left


def next_chooser(state: dict) -> int | None:
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


def begin_choosing(state: dict) -> list[dict]:
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


def _chooser_checks(state: dict, cmd: dict, team_id: int | None) -> int:
    if team_id is None:                      # the host acts on behalf of a team
        team_id = need_id(cmd, "team")
    elif cmd.get("team") is not None and cmd.get("team") != team_id:
        raise RuleError("forbidden", "you can only choose for your own team", "只能为本队选择")
    team(state, team_id)
    rnd = current_round(state)
    if state["phase"] != "choosing" or rnd is None or rnd["kind"] != "wager":
        raise RuleError("wrong_phase", "no wager is being chosen now", "现在不是选择风险题的时候")
    if progress(state)["chooser"] != team_id:
        raise RuleError("not_your_turn", "it is another team's turn to choose", "还没轮到你们选题")
    return team_id


def cmd_choose_wager(state: dict, cmd: dict, now: int, team_id: int | None) -> list[dict]:
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
    q = new_q(qid, "wager", prog["shown"], len(rnd["question_ids"]), now)
    q["turn"] = team_id
    q["value"] = value
    state["q"] = q
    state["phase"] = "answering"
    seconds = question(state, qid)["time_limit"] or settings["answer_time"]
    q["duration_ms"] = seconds * 1000
    set_deadline(state, now + seconds * 1000, "answer", now)
    return [{"type": "wager_chosen", "team": team_id, "value": value, "question": qid}]


def cmd_pass(state: dict, cmd: dict, now: int, team_id: int | None) -> list[dict]:
    """The chooser passes (放弃) without loss, if the round allows it."""
    team_id = _chooser_checks(state, cmd, team_id)
    return _pass(state, team_id, now)


def _pass(state: dict, team_id: int, now: int) -> list[dict]:
    if not current_round(state)["settings"]["allow_pass"]:
        raise RuleError("pass_not_allowed", "passing is not allowed in this round",
                        "本环节不允许放弃")
    prog = progress(state)
    prog["turns"][str(team_id)] = prog["turns"].get(str(team_id), 0) + 1
    team(state, team_id)["passes"] += 1
    return [{"type": "pass", "team": team_id}] + begin_choosing(state)
