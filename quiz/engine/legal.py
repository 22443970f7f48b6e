"""Which host commands are legal now (for the console's buttons)."""
from __future__ import annotations

from .flow import ACTIVE, TIEBREAK_FROM, after_finish
from .state import current_round, unused_questions


def legal_commands(state: dict) -> list[str]:
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
    showable = (rnd is not None and rnd["kind"] != "wager" and bool(unused_questions(state, rnd))
                and not after_finish(state))
    if phase in ("lobby", "round_end", "round_intro", "closed", "reading", "open"):
        out.add("next")
    if showable and phase in ("round_intro", "closed", "reading", "open"):
        out.add("show_question")
    if q is not None and phase in ("reading", "open", "deciding", "answering", "collecting",
                                   "closed"):
        out.add("foul")
        if not q["revealed"] and phase not in ("answering", "deciding"):
            out.add("reveal")
    by_phase = {
        "reading": set() if q and q.get("opens_at") else {"open_buzzers"},
        "deciding": {"decide_buzz"},
        "open": {"close_buzzers"},
        "answering": {"judge"},
        "collecting": {"close_answers"},
        "choosing": {"choose_wager"} | ({"pass"} if rnd and rnd["settings"].get("allow_pass")
                                        else set()),
    }
    out |= by_phase.get(phase, set())
    if phase == "closed" and _can_rejudge(state):
        out.add("judge")
    return sorted(out)


def _can_rejudge(state: dict) -> bool:
    last = state["q"]["last_judgement"]
    return bool(last and state["undo"] and state["undo"][-1]["id"] == last["undo_id"])


def _swappable(state: dict) -> bool:
    q = state["q"]
    if q is not None and state["phase"] == "reading" and not q["buzzes"] \
            and q["kind"] != "tiebreak":
        return True
    return any(unused_questions(state, rnd) for rnd in state["rounds"])
