"""What a phone says and lets its player do, for every (round kind, question type, phase, role).

One pure table: each state gives exactly one instruction, and each instruction names exactly one
thing the player can do now (``ACTIONS``), so a phone never says "answer aloud" and "tap an
answer" at once. The phone page carries the whole table (``page_table``, a few hundred bytes
gzipped); a phone works out its own role (``ROLES``) and shows that one line.
"""
from __future__ import annotations

from . import (
    formats,  # noqa: F401 - registers the built-in round formats
    registry,
)
from .checks import QUESTION_TYPES
from .state import PHASES

# what the player can do now
ACTIONS = ("buzz", "tap", "type", "answer_aloud", "wager", "wait", "nothing")

# a phone's role in the current question, as the phone works it out from the snapshot:
#   turn   its team answers now (or chooses the value in 风险)
#   other  another team's turn, or nobody's
#   ranked it buzzed, but not first
#   locked its team is locked out of this question (answered wrong)
#   foul   it buzzed too early
#   out    a tie-break between other teams
ROLES = ("turn", "other", "ranked", "locked", "foul", "out")


def _kinds() -> tuple[str, ...]:
    """Every registered format's kind (the rounds' and the tie-break's)."""
    return tuple(f.kind for f in registry.all_formats())


def _offers(kind: str, capability: str) -> bool:
    """Whether the format of this kind offers a capability (buzzers, tap_answer...)."""
    return bool(registry.get(kind).capabilities.get(capability))


# the formats registered at import, and those with buzzers (for tests and docs)
KINDS = _kinds()
BUZZ_KINDS = tuple(k for k in KINDS if _offers(k, "buzzers"))

# instruction key (static/js/i18n.js) -> the one thing the player can do
INSTRUCTIONS = {
    "ps.lobby": "wait", "ps.round_intro": "wait", "ps.round_end": "wait",
    "ps.finished": "nothing", "ps.closed": "wait",
    "ps.choose": "wager", "ps.other_chooses": "wait",
    "ps.listen": "wait", "ps.listen_buzz": "wait", "ps.buzz": "buzz", "ps.late": "buzz",
    "ps.tap": "tap", "ps.tap_multi": "tap", "ps.type": "type", "ps.aloud": "answer_aloud",
    "ps.other_answering": "wait", "ps.ranked": "wait",
    "ps.locked": "nothing", "ps.foul": "nothing", "ps.out": "nothing",
}

_ANSWER_BY_TYPE = {"single": "ps.tap", "true_false": "ps.tap", "multiple": "ps.tap_multi",
                   "fill_blank": "ps.type", "open": "ps.aloud"}
# in the all-answer round nobody speaks: an open question is written on the phone
_WRITTEN_BY_TYPE = dict(_ANSWER_BY_TYPE, open="ps.type")
_ONCE = {"lobby": "ps.lobby", "round_intro": "ps.round_intro", "round_end": "ps.round_end",
         "finished": "ps.finished", "closed": "ps.closed"}


def instruction(kind: str, qtype: str | None, phase: str, role: str) -> str:
    """The one instruction for this state (a key of ``INSTRUCTIONS``)."""
    if phase in _ONCE:
        return _ONCE[phase]
    if role in ("out", "foul", "locked"):       # out of this question, whatever the round
        return "ps." + role
    if phase == "choosing":
        return "ps.choose" if role == "turn" else "ps.other_chooses"
    if _offers(kind, "buzzers"):
        return _buzz(qtype, phase, role)
    if phase == "collecting" and _offers(kind, "tap_answer"):
        return _WRITTEN_BY_TYPE[qtype or "open"]
    if phase == "answering" and role == "turn":
        return _ANSWER_BY_TYPE[qtype or "open"]
    if phase == "answering":
        return "ps.other_answering"
    return "ps.listen"


def _buzz(qtype: str | None, phase: str, role: str) -> str:
    if phase == "answering" and role == "turn":
        return _ANSWER_BY_TYPE[qtype or "open"]
    if role == "ranked":
        return "ps.ranked"
    if phase == "open":
        return "ps.buzz"
    if phase == "answering":      # a later press still counts, for the runner-up list
        return "ps.late"
    return "ps.listen_buzz"


def page_table() -> dict:
    """The whole table for the phone page (sent once with the page, not in every snapshot):
    ``rows["kind|type|phase"]`` (or ``"kind|*|phase"`` when the type does not matter) is an
    index into ``states``, each a list of instructions in ``ROLES`` order."""
    states: list[list[str]] = []
    rows: dict[str, int] = {}

    def index(row: list[str]) -> int:
        if row not in states:
            states.append(row)
        return states.index(row)

    for kind in _kinds():
        for phase in PHASES:
            by_type = {t: [instruction(kind, t, phase, r) for r in ROLES] for t in QUESTION_TYPES}
            if all(row == by_type["open"] for row in by_type.values()):
                rows[f"{kind}|*|{phase}"] = index(by_type["open"])
            else:
                rows.update({f"{kind}|{t}|{phase}": index(row) for t, row in by_type.items()})
    return {"roles": list(ROLES), "actions": dict(INSTRUCTIONS), "states": states, "rows": rows}


def every_state():
    """Every (kind, type, phase, role) a contest can be in, for tests and docs."""
    for kind in _kinds():
        for qtype in QUESTION_TYPES:
            for phase in PHASES:
                for role in ROLES:
                    yield kind, qtype, phase, role
