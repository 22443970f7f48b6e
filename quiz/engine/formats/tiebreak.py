"""加赛 tie-breaks: a buzz-in question for the tied teams only, outside the rounds.

Its settings are the contest's ``tiebreak`` settings (the buzz defaults, overridable); a right
answer is a tie-break win, and its points count only with ``tiebreak_counts_in_score``.
"""
from __future__ import annotations

from .. import flow
from ..checks import is_int, validate_question
from ..errors import RuleError
from ..state import new_q, team
from ..types import Event, State
from . import buzz, common

kind = "tiebreak"
labels = {"zh": "加赛", "en": "Tie-break"}
in_rounds = False
defaults = buzz.defaults
specs: dict = {}
capabilities = dict(buzz.capabilities, host_shows=False)
record = {"eligible": "tied", "score_kind": "judge"}
player_commands = buzz.player_commands
host_commands = buzz.host_commands
expiries = buzz.expiries
show = buzz.show
reveal = buzz.reveal
legal = buzz.legal


def settings(state: State) -> dict:
    """The contest's tie-break settings."""
    return state["settings"]["tiebreak"]


def teams(state: State) -> list[int] | None:
    """Only the tied teams play."""
    return state["tiebreak"]["teams"]


def scored(state: State) -> bool:
    """Counted in the score only when the contest says so."""
    return bool(state["settings"]["tiebreak_counts_in_score"])


def on_right(state: State, team_id: int) -> list[Event]:
    """A right answer wins the tie-break."""
    state["tiebreak"]["winner"] = team_id
    team(state, team_id)["tiebreak_wins"] += 1
    return [{"type": "tiebreak_won", "team": team_id}]


def cmd_start_tiebreak(state: State, cmd: dict, now: int) -> list[Event]:
    """A buzz-in question for the tied teams only; a right answer is a tie-break win."""
    ids = cmd.get("teams")
    if (not isinstance(ids, list) or not 2 <= len(ids) <= len(state["teams"])
            or not all(is_int(i) for i in ids) or len(set(ids)) != len(ids)):
        raise RuleError("bad_command", "teams must list at least two different team ids",
                        "加赛至少需要两支不同的队伍")
    for i in ids:
        team(state, i)
    new = validate_question(cmd.get("question"))
    if str(new["id"]) in state["questions"]:
        raise RuleError("bad_command", f"question id {new['id']} is already used",
                        f"题目编号 {new['id']} 已被使用")
    if state["phase"] not in flow.TIEBREAK_FROM:
        raise RuleError("wrong_phase", "a tie-break starts between questions",
                        "加赛须在题目之间开始")
    from_phase = state["phase"]
    if state["tiebreak"] is not None:          # another tie-break question: keep its origin
        from_phase = state["tiebreak"]["from"]
    state["questions"][str(new["id"])] = new
    number = 1 if state["tiebreak"] is None else state["tiebreak"]["number"] + 1
    state["tiebreak"] = {"teams": sorted(ids), "question": new["id"], "winner": None,
                         "from": from_phase, "number": number}
    q = new_q(new["id"], kind, number, number, now)
    state["q"] = q
    show(state, q, now)
    return [{"type": "tiebreak_started", "teams": sorted(ids), "question": new["id"]}]


check_question = common.any_question
enter = common.no_preparation
advance = flow.advance_in_order
points = common.question_points
wrong_points = common.settings_wrong_points
reason = common.plain_reason
view = common.no_view
