"""The rules of reviewing a contest's drawn questions, in plain Python (no Flask, no database).

What the organizer chose is kept in the contest's setup JSON under ``review``::

    {"pinned": {"<round id>": [question id, ...]},
     "spares": {"<round id>": [bank question id, ...]}}

The questions themselves and their order live in the engine state (``arrange_round``).
A round's *draws* are the ``draw`` filters of its entry in the contest file; a bank
question fits the round when it matches one of them (bank, type, category, difficulty).
"""
from __future__ import annotations

import copy

FILTER_KEYS = ("type", "category", "difficulty")


def review_part(setup: dict | None) -> dict:
    """The ``review`` part of a contest setup, with both maps present (a copy)."""
    part = copy.deepcopy((setup or {}).get("review") or {})
    part.setdefault("pinned", {})
    part.setdefault("spares", {})
    return part


def with_review(setup: dict | None, part: dict) -> dict:
    """A new setup dict carrying ``part`` as its review (assign it, so the JSON column saves)."""
    out = copy.deepcopy(setup or {})
    out["review"] = part
    return out


def pinned(part: dict, round_id: int) -> list[int]:
    return list(part["pinned"].get(str(round_id), []))


def spares(part: dict, round_id: int) -> list[int]:
    return list(part["spares"].get(str(round_id), []))


def toggle(values: list[int], value: int) -> list[int]:
    """``values`` with ``value`` added at the end, or removed when it was there."""
    return [v for v in values if v != value] if value in values else values + [value]


def move(ids: list[int], qid: int, delta: int) -> list[int]:
    """``ids`` with ``qid`` moved ``delta`` places (-1 up, +1 down); unchanged at an end."""
    if qid not in ids:
        raise KeyError(qid)
    out = list(ids)
    i = out.index(qid)
    j = i + delta
    if 0 <= j < len(out):
        out[i], out[j] = out[j], out[i]
    return out


def round_draws(spec: dict, round_index: int) -> list[dict]:
    """The draw filters of round ``round_index`` (0-based) in the contest file, bank filled in."""
    rounds = (spec or {}).get("rounds") or []
    if not 0 <= round_index < len(rounds) or not isinstance(rounds[round_index], dict):
        return []
    draws = rounds[round_index].get("draw") or []
    if isinstance(draws, dict):
        draws = [draws]
    out = []
    for d in draws:
        if isinstance(d, dict):
            out.append(dict({k: d.get(k) for k in FILTER_KEYS},
                            bank=d.get("bank", spec.get("bank")), level=d.get("level")))
    return out


def matches(question: dict, draw: dict, bank_id_of) -> bool:
    """Whether a bank question (as a dict with ``bank``: its bank id) fits one draw.

    ``bank_id_of(name_or_id)`` resolves the draw's bank (None: no such bank).
    """
    if draw.get("bank") is not None and question.get("bank") != bank_id_of(draw["bank"]):
        return False
    return all(not draw.get(k) or question.get(k) == draw[k] for k in FILTER_KEYS)


def draw_of(question: dict, draws: list[dict], bank_id_of) -> dict | None:
    """The first draw of the round that ``question`` fits (level too, when the draw sets one)."""
    for d in draws:
        if d.get("level") is not None and question.get("level") != int(d["level"]):
            continue
        if matches(question, d, bank_id_of):
            return d
    return None


def redraw_slots(ids: list[int], pinned_ids: list[int], from_bank: set[int]) -> list[int]:
    """Positions a redraw fills anew: every bank question that is not pinned.

    Questions written into the contest file (not from the bank) stay, like pinned ones.
    """
    keep = set(pinned_ids)
    return [i for i, qid in enumerate(ids) if qid not in keep and qid in from_bank]


def next_question_id(questions: dict) -> int:
    """An engine question id not used yet in the contest (the state's keys are str ids)."""
    return max([0] + [int(k) for k in questions]) + 1


def first_spare(spare_ids: list[int], in_contest: set[int]) -> int | None:
    """The first spare not already in the contest (a spare is taken once)."""
    return next((b for b in spare_ids if b not in in_contest), None)
