"""Per-role snapshots of the state: host (everything), screen (projector) and player (small).

No view but the host's carries the answer or the explanation before the reveal.
"""
from __future__ import annotations

from . import registry
from .errors import RuleError
from .legal import legal_commands
from .standings import player_standings, standings
from .state import clone, current_round, q_settings, question, unused_questions
from .turns import wrong_points
from .types import LiveQuestion, State

ROLES = ("host", "screen", "player")
HOST_HISTORY = 40  # score-log and buzz-log entries in the host's snapshot
PUBLIC_SETTINGS = ("answer_time", "buzz_window", "values", "per", "allow_pass", "speed_bonus",
                   "turns_per_team", "partial_credit")
PLAYER_SETTINGS = ("per", "allow_pass")
PHONE_CAPABILITIES = ("buzzers", "wager", "tap_answer")
PLAYER_BOARD_SIZE = 10  # players on the projector's player board


def view(state: State, role: str, copy: bool = True) -> dict:
    """A new dict for this role (never sharing mutable parts with the state).

    ``copy=False`` skips the deep copy at the end (for a caller that serializes the view at
    once, before the state can change): then parts of it may be the state's own lists.
    """
    if role not in ROLES:
        raise RuleError("bad_command", "role must be host, screen or player", "角色错误")
    host = role == "host"
    q = state["q"]
    revealed = bool(q and q["revealed"])
    ranked = standings(state)
    v = {
        "version": state["version"], "name": state["name"], "phase": state["phase"],
        "round": _round(state, role), "question": _question(state, host),
        "deadline": None if state["paused"] else state["deadline"],
        "paused": state["paused"], "paused_remaining_ms": state["paused_remaining_ms"],
        "teams": [_team_row(r, role) for r in ranked],
        "turn": q["turn"] if q and state["phase"] == "answering" else None,
        "buzzes": _buzzes(q, role), "locked_out": list(q["locked_out"]) if q else [],
        "revealed": revealed, "outcome": q["outcome"] if q else None,
        "distribution": q["distribution"] if revealed else None,
        "answered_count": None,
        "lobby_locked": state["lobby_locked"], "tiebreak": _tiebreak(state),
        "last_event": state["last_event"],
        "final": ([_final_row(r, host) for r in ranked] if state["phase"] == "finished"
                  else None),
        "wager": None,
        "capabilities": _capabilities(state, role),
        "opens_at": _opens_at(state),
        "countdown_ms": _countdown_ms(state),
        **_personal(state, role),
    }
    if q is not None and (revealed or host):
        qdata = question(state, q["id"])
        v["answer"] = list(qdata["answer"])
        if host or role == "screen":
            v["explanation"] = qdata["explanation"]
    if host:
        v.update(_host_extras(state))
    for fmt in _formats(state):
        v.update(fmt.view(state, role))
    if role == "player":
        v.update(_phone(state), reveal_from=_reveal_from(state))
        v = _sparse(v)
    return clone(v) if copy else v


def _formats(state: State) -> list:
    """The formats with a part in the snapshot: the round's, then the question's."""
    out = []
    for fmt in (registry.of_round(state), registry.current(state)):
        if fmt is not None and fmt not in out:
            out.append(fmt)
    return out


def _capabilities(state: State, role: str) -> dict[str, bool]:
    """What the pages offer now, from the format of the question (or round) on stage; the
    phone's copy (kept small) names only the true ones among PHONE_CAPABILITIES."""
    fmt = registry.current(state)
    caps = {k: bool(fmt and fmt.capabilities[k]) for k in registry.CAPABILITIES}
    if role == "player":
        return {k: True for k in PHONE_CAPABILITIES if caps[k]}
    return caps


def _sparse(v: dict) -> dict:
    """The phone's copy leaves out null and false fields (absent means null/false) and a round's
    empty settings to stay small; lists such as teams and buzzes are always present."""
    out = {k: x for k, x in v.items() if x is not None and x is not False}
    if out.get("question"):
        out["question"] = {k: x for k, x in out["question"].items()
                           if x is not None and not (k == "media" and not x)}
    if out.get("round") and not out["round"].get("settings"):
        out["round"] = {k: x for k, x in out["round"].items() if k != "settings"}
    out["buzzes"] = [{k: x for k, x in b.items() if x is not False and x is not None}
                     for b in out["buzzes"]]
    if out.get("last_event"):
        out["last_event"] = {k: x for k, x in out["last_event"].items()
                             if k not in ("version", "at") and x != []}
    return out


def _team_row(row: dict, role: str) -> dict:
    keys = ("name", "color", "score", "rank") if role == "player" else \
        ("name", "color", "seat", "score", "rank")
    out = {"id": row["team"], **{k: row[k] for k in keys}}
    if role == "host":
        out.update({k: row[k] for k in ("right", "wrong", "fouls", "passes", "tiebreak_wins")})
    return out


def _final_row(row: dict, host: bool) -> dict:
    if host:
        return dict(row)
    return {k: row[k] for k in ("team", "name", "score", "rank", "tiebreak_wins")}


def _round(state: State, role: str) -> dict | None:
    q = state["q"]
    rnd = current_round(state)
    fmt = registry.current(state)
    if fmt is not None and not fmt.in_rounds:
        head = {"id": None, "kind": fmt.kind, "title": fmt.labels["zh"], "index": None}
    elif rnd is not None:
        head = {"id": rnd["id"], "kind": rnd["kind"], "title": rnd["title"],
                "index": state["round_index"] + 1}
    else:
        return None
    settings = q_settings(state) if q is not None else rnd["settings"]
    head["count"] = len(state["rounds"])
    public = PLAYER_SETTINGS if role == "player" else PUBLIC_SETTINGS
    head["settings"] = (dict(settings) if role == "host" else
                        {k: settings[k] for k in public if k in settings})
    return head


def _points(state: State) -> int:
    return registry.get(state["q"]["kind"]).points(state)


def _question(state: State, host: bool) -> dict | None:
    q = state["q"]
    if q is None:
        return None
    qdata = question(state, q["id"])
    out = {"id": q["id"], "index": q["index"], "count": q["count"], "type": qdata["type"],
           "stem": qdata["stem"], "options": list(qdata["options"]), "points": _points(state),
           "time_limit": qdata["time_limit"], "media": qdata["media"], "level": qdata["level"],
           "attempt": q["attempt"]}
    if host:
        out.update({"bank_id": qdata["bank_id"], "category": qdata["category"]})
    return out


def _buzzes(q: LiveQuestion | None, role: str) -> list[dict]:
    if q is None:
        return []
    keys: tuple[str, ...] = ("team", "rank", "ms_behind_first", "foul") if role == "player" else \
        ("team", "rank", "ms_after_open", "ms_behind_first", "foul", "attempt")
    if role == "host":
        keys += EVIDENCE
    return [{k: b.get(k) for k in keys} for b in q["buzzes"]
            if b["foul"] or b["attempt"] == q["attempt"]]


EVIDENCE = ("received", "claimed", "corrected", "rtt", "uncertainty", "bound", "fallback",
            "near_tie", "margin_ms", "decided_by")


def _tie_rows(q: LiveQuestion | None) -> list[dict] | None:
    """The presses of a race waiting for the host's decision, as buzz rows with evidence."""
    if not q or not q.get("tie"):
        return None
    rows = q["tie"]["rows"]
    return [dict(r, rank=i + 1, foul=False, ms_after_open=r["corrected"] - q["opened_at"],
                 ms_behind_first=r["corrected"] - rows[0]["corrected"])
            for i, r in enumerate(rows)]


def _opens_at(state: State) -> int | None:
    """When closed buzzers will open by themselves (scheduled or after the reading time)."""
    if state["phase"] != "reading" or state["deadline_kind"] not in ("scheduled_open",
                                                                     "auto_open"):
        return None
    return state["deadline"]


def _tiebreak(state: State) -> dict | None:
    tb = state["tiebreak"]
    if tb is None:
        return None
    return {"teams": list(tb["teams"]), "winner": tb["winner"], "number": tb["number"]}


def _host_extras(state: State) -> dict:
    q = state["q"]
    rnd = current_round(state)
    nxt = None
    if rnd is not None and registry.get(rnd["kind"]).capabilities["host_shows"]:
        left = unused_questions(state, rnd)
        nxt = question(state, left[0]) if left else None
    submissions = {} if q is None else q["submissions"]   # a format's view may say otherwise
    top = state["undo"][-1] if state["undo"] else None
    return {
        "answer_private": True,
        "next_question": nxt,
        # the newest entries only: the snapshot goes out on every change and the full record
        # is in the state (quiz.record.results, /api/contests/<code>/log)
        "log": state["log"][-HOST_HISTORY:],
        "log_total": len(state["log"]),
        "buzz_log": state["buzz_log"][-HOST_HISTORY:],
        "submissions": submissions,
        "can_undo": top is not None,
        "undo_label": top["label"] if top else None,
        "legal": legal_commands(state),
        "rounds": [{"id": r["id"], "kind": r["kind"], "title": r["title"],
                    "count": len(r["question_ids"]),
                    "started": state["progress"][str(r["id"])]["started"],
                    "left": len(unused_questions(state, r))} for r in state["rounds"]],
        "settings": {k: v for k, v in state["settings"].items()},
        "deadline_kind": state["deadline_kind"],
        "near_tie": list(q["tie"]["teams"]) if q and q.get("tie") else None,
        "near_tie_rows": _tie_rows(q),
    }


def _reveal_from(state: State) -> int | None:
    """When the projector's staged reveal of the final standings began (the 'finished' event's
    time; the projector paces it from the same): the phone shows its place in step."""
    ev = state["last_event"]
    if state["phase"] != "finished" or not ev or ev.get("type") != "finished":
        return None
    return ev.get("at")


def player_board_on(state: State) -> bool:
    """The contest setting player_board: personal points on phones, a board on the projector."""
    return bool(state["settings"].get("player_board"))


def _personal(state: State, role: str) -> dict:
    """The player board (top PLAYER_BOARD_SIZE by personal points) for the projector and the
    host; the phones only learn that it is on (each asks for its own line: `mine`)."""
    on = player_board_on(state)
    if role == "player":
        return {"personal": on}
    return {"player_board": player_standings(state)[:PLAYER_BOARD_SIZE] if on else None}


def _countdown_ms(state: State) -> int | None:
    """The full length of the running countdown (for rings that show the part left)."""
    q, kind = state["q"], state["deadline_kind"]
    if q is None or kind not in ("buzz_window", "answer", "all_answer"):
        return None
    if kind == "buzz_window":
        return q_settings(state)["buzz_window"] * 1000
    if q["duration_ms"]:
        return q["duration_ms"]
    return (question(state, q["id"])["time_limit"] or q_settings(state)["answer_time"]) * 1000


def _phone(state: State) -> dict:
    """What the running deadline costs the team in turn (the phone warns before it hits);
    the phone's instructions come from quiz.engine.phone_states, sent once with the page."""
    if state["q"] is None or state["phase"] != "answering" or state["deadline_kind"] != "answer":
        return {}
    return {"timeout_points": wrong_points(state, True) or None}
