"""Which host commands are legal now (for the console's buttons)."""
from __future__ import annotations

from . import registry
from .flow import ACTIVE, TIEBREAK_FROM, after_finish
from .state import current_round, unused_questions
from .types import State


def legal_commands(state: State) -> list[str]:
    """Sorted command types the host may send in the current state (with suitable fields)."""
    phase = state["phase"]
    q = state["q"]
    rnd = current_round(state)
    out = {"adjust_score", "unlock_lobby" if state["lobby_locked"] else "lock_lobby"}
    if state["undo"]:
        out.add("undo")
    if phase == "finished":
        out.add("start_tiebreak")
        return sorted(out)
    out |= {"finish", "resume" if state["paused"] else "pause"}
    if phase in TIEBREAK_FROM:
        out.add("start_tiebreak")
    if _swappable(state):
        out.add("swap_question")
    unstarted = any(not p["started"] for p in state["progress"].values())
    if unstarted and phase not in ACTIVE and not after_finish(state):
        out.add("start_round")
    showable = (rnd is not None and registry.get(rnd["kind"]).capabilities["host_shows"]
                and bool(unused_questions(state, rnd)) and not after_finish(state))
    if phase in ("lobby", "round_end", "round_intro", "closed", "reading", "open"):
        out.add("next")
    if showable and phase in ("round_intro", "closed", "reading", "open"):
        out.add("show_question")
    if q is not None and phase in ("reading", "open", "deciding", "answering", "collecting",
                                   "closed"):
        out.add("foul")
        if not q["revealed"] and phase not in ("answering", "deciding"):
            out.add("reveal")
    fmt = registry.current(state)
    if fmt is not None:
        out |= fmt.legal(state)
    return sorted(out)


def can_rejudge(state: State) -> bool:
    """Whether the last ruling on the closed question may still be replaced."""
    q = state["q"]
    last = q["last_judgement"] if q else None
    return bool(last and state["undo"] and state["undo"][-1]["id"] == last["undo_id"])


def _swappable(state: State) -> bool:
    q = state["q"]
    if q is not None and state["phase"] == "reading" and not q["buzzes"] \
            and registry.get(q["kind"]).in_rounds:
        return True
    return any(unused_questions(state, rnd) for rnd in state["rounds"])
