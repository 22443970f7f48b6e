"""Fair buzz order: rank presses by the press time each buzzer claims, within what its network
allows.

A press carries the server time the buzzer (a phone, or the buzzer desk) says its button was
touched (``claimed``), the buzzer's clock sync (``rtt``: round trip measured by the server,
``uncertainty``: how far its offset estimate may be off) and the server time it arrived
(``received``). Rules (docs/rules.md, "Fair buzz order"):

- a claim is clamped to ``[max(opening, received - rtt/2 - uncertainty - margin), received]``:
  a press cannot arrive before it happened, nor have travelled longer than its one-way delay
  (half the round trip, plus the sync's own error and a margin for jitter), nor come before
  the buzzers opened. A forged claim therefore gains at most ``uncertainty + margin`` over an
  honest one (and poor sync is refused below, so ``uncertainty`` is at most ``poor_sync_ms``);
- a press without a claim, without a sync, or whose uncertainty is above ``poor_sync_ms``
  (or round trip above ``max_rtt_ms``) is ranked by its receipt and flagged ``fallback``;
- presses are ordered by corrected time (then receipt, then team id);
- two neighbours closer than the larger uncertainty of the two are a near-tie (``near_tie``
  on both): the leading near-tied group is decided by receipt
  (``near_tie: "receipt"``) or left to the host (``"host"``), never silently.

In ``arrival`` order the corrected time is the receipt and nothing is clamped or flagged.
"""
from __future__ import annotations

from .checks import is_int

ORDERS = ("fair", "arrival")
NEAR_TIE_RULES = ("receipt", "host")
RULE_DEFAULTS = {
    "buzz_order": "arrival",
    "near_tie": "receipt",
    "margin_ms": 20,       # jitter allowed on top of the one-way delay and the sync error
    "poor_sync_ms": 40,    # an offset less certain than this ranks by receipt
    "max_rtt_ms": 1000,    # a round trip above this ranks by receipt
}
# The buzzers open this long after the host presses "open" (docs/rules.md): phones get the
# snapshot up to 100 ms late (coalescing, quiz/live/publish.py) plus a hall Wi-Fi's p99 one-way
# delay under load (~200 ms), so at 400 ms every phone knows the instant before it comes.
OPEN_LEAD_MS = 400
# The collection window after the first press arrives: at least COLLECT_MIN_MS (the jitter
# of the fastest links), at most COLLECT_MAX_MS: a 300 ms one-way link (a congested hall Wi-Fi)
# plus its jitter and a busy server; a buzzer slower than that is listed after the race.
COLLECT_MIN_MS = 30
COLLECT_MAX_MS = 500
# What a busy phone or server adds to a message's way, on top of the link's jitter margin.
REACH_SLACK_MS = 40
SYNC_FIELDS = ("claimed", "rtt", "uncertainty")


def clean_press(raw: object) -> dict:
    """The press fields of a buzz command, each a non-negative int or None (others dropped)."""
    raw = raw if isinstance(raw, dict) else {}
    out = {}
    for key in SYNC_FIELDS:
        value = raw.get(key)
        out[key] = value if is_int(value) and 0 <= value < 2**53 else None
    return out


def corrected_time(press: dict, opened_at: int, rules: dict) -> tuple[int, str | None, bool]:
    """(corrected time, bound applied or None, fell back to receipt) for one press."""
    received = press["received"]
    claimed, rtt, unc = press.get("claimed"), press.get("rtt"), press.get("uncertainty")
    if rules["buzz_order"] != "fair":
        return received, None, False
    if claimed is None or rtt is None or unc is None or unc > rules["poor_sync_ms"] \
            or rtt > rules["max_rtt_ms"]:
        return received, None, True
    low = max(opened_at, received - rtt // 2 - unc - rules["margin_ms"])
    if claimed > received:
        return received, "receipt", False
    if claimed < low:
        return low, "opening" if low == opened_at else "round_trip", False
    return claimed, None, False


def tolerance(row: dict, rules: dict) -> int:
    """How far a row's corrected time may be off: its sync uncertainty, or for a press ranked by
    receipt its one-way delay (half its round trip; the poor-sync limit when unknown)."""
    if row["fallback"]:
        return row["rtt"] // 2 if row["rtt"] is not None else rules["poor_sync_ms"]
    return row["uncertainty"] or 0


def rank(presses: list[dict], opened_at: int, rules: dict) -> list[dict]:
    """The presses in buzz order, each with its evidence (see the module's rules)."""
    rows = []
    for p in presses:
        corrected, bound, fallback = corrected_time(p, opened_at, rules)
        rows.append({"team": p["team"], "received": p["received"], "claimed": p.get("claimed"),
                     "rtt": p.get("rtt"), "uncertainty": p.get("uncertainty"),
                     "corrected": corrected, "bound": bound, "fallback": fallback,
                     "near_tie": False, "margin_ms": None, "decided_by": "press"})
    rows.sort(key=lambda r: (r["corrected"], r["received"], r["team"]))
    if rules["buzz_order"] != "fair":
        for r in rows:
            r["decided_by"] = "receipt"
    for before, after in zip(rows, rows[1:], strict=False):
        before["margin_ms"] = after["corrected"] - before["corrected"]
        if rules["buzz_order"] == "fair" and _tied(before, after, rules):
            before["near_tie"] = after["near_tie"] = True
    return _settle_lead(rows, rules)


def _tied(before: dict, after: dict, rules: dict) -> bool:
    """Closer than either press's tolerance: the clocks cannot tell them apart."""
    return before["margin_ms"] < max(tolerance(before, rules), tolerance(after, rules))


def lead_group(rows: list[dict], rules: dict) -> list[dict]:
    """The leading press and those chained to it by near-ties (rows in press order)."""
    group = rows[:1]
    for before, after in zip(rows, rows[1:], strict=False):
        if not (before["near_tie"] and after["near_tie"] and _tied(before, after, rules)):
            break
        group.append(after)
    return group


def _settle_lead(rows: list[dict], rules: dict) -> list[dict]:
    """A near-tie for first under the "receipt" rule: the tied group goes by receipt."""
    group = lead_group(rows, rules)
    if len(group) < 2 or rules["near_tie"] != "receipt":
        return rows
    settled = sorted(group, key=lambda r: (r["received"], r["team"]))
    for r in settled:
        r["decided_by"] = "receipt"
    return settled + rows[len(group):]


def close_at(first_received: int, leader_corrected: int, reach: dict | None, pressed: set,
             eligible: list) -> int:
    """When the collection closes: once no connected eligible team still to press could beat
    the leader (``reach``: team id -> its buzzers' one-way delay + jitter, from the edge), within
    [first + MIN, first + MAX]; at once when every such team has pressed; MAX without a reach."""
    if not isinstance(reach, dict):
        return first_received + COLLECT_MAX_MS
    waiting = [reach[str(t)] for t in eligible if t not in pressed and is_int(reach.get(str(t)))]
    if not waiting:
        return first_received
    latest = leader_corrected + max(waiting)
    return min(first_received + COLLECT_MAX_MS, max(first_received + COLLECT_MIN_MS, latest))
