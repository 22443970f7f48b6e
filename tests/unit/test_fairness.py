"""Fair buzz order (quiz/engine/fairness.py): ranking by claimed press time, the bounds, the
fallback to receipt for poor sync, near-ties, forged timestamps."""
from __future__ import annotations

from quiz.engine import fairness

FAIR = dict(fairness.RULE_DEFAULTS, buzz_order="fair")
ARRIVAL = dict(fairness.RULE_DEFAULTS, buzz_order="arrival")
OPEN = 10_000


def press(team, received, claimed, rtt=40, unc=5):
    return {"team": team, "received": received, "claimed": claimed, "rtt": rtt,
            "uncertainty": unc}


def order(rows):
    return [r["team"] for r in rows]


def test_the_earlier_press_wins_although_it_arrived_later():
    # team 1 pressed at +100 on a slow link (arrives +250), team 2 at +130 on a fast one (+140)
    rows = fairness.rank([press(2, OPEN + 140, OPEN + 130, rtt=20),
                          press(1, OPEN + 250, OPEN + 100, rtt=300)], OPEN, FAIR)
    assert order(rows) == [1, 2]
    assert rows[0]["corrected"] == OPEN + 100 and rows[0]["margin_ms"] == 30
    assert not rows[1]["near_tie"] and rows[0]["decided_by"] == "press"


def test_arrival_order_ranks_by_receipt_and_flags_nothing():
    rows = fairness.rank([press(2, OPEN + 140, OPEN + 130, rtt=20),
                          press(1, OPEN + 250, OPEN + 100, rtt=300)], OPEN, ARRIVAL)
    assert order(rows) == [2, 1]
    assert [r["corrected"] for r in rows] == [OPEN + 140, OPEN + 250]
    assert not any(r["fallback"] or r["near_tie"] or r["bound"] for r in rows)


def test_a_claim_is_never_earlier_than_its_round_trip_allows():
    # rtt 40: one-way 20, + uncertainty 5 + margin 20 => at most 45 ms before its receipt
    row = fairness.rank([press(1, OPEN + 500, OPEN + 100)], OPEN, FAIR)[0]
    assert row["corrected"] == OPEN + 455 and row["bound"] == "round_trip"


def test_a_claim_is_never_before_the_opening_nor_after_its_receipt():
    early = fairness.rank([press(1, OPEN + 10, OPEN - 200)], OPEN, FAIR)[0]
    assert early["corrected"] == OPEN and early["bound"] == "opening"
    future = fairness.rank([press(1, OPEN + 80, OPEN + 900)], OPEN, FAIR)[0]
    assert future["corrected"] == OPEN + 80 and future["bound"] == "receipt"


def test_a_forged_timestamp_gains_at_most_the_uncertainty_and_margin():
    # the honest team pressed at +100 (fast link); the forger pressed at +200 on the same link,
    # arrived at +210, and claims +0: clamped to 210 - 20 - 5 - 20 = +165, still second
    honest = press(1, OPEN + 110, OPEN + 100)
    forger = press(2, OPEN + 210, OPEN)
    rows = fairness.rank([forger, honest], OPEN, FAIR)
    assert order(rows) == [1, 2] and rows[1]["corrected"] == OPEN + 165
    # lost by less than the gain (uncertainty + margin): the forgery can win, bounded
    close = fairness.rank([press(2, OPEN + 140, OPEN), honest], OPEN, FAIR)
    assert close[0]["team"] == 2 and close[0]["corrected"] >= OPEN + 140 - 45


def test_poor_sync_falls_back_to_receipt_and_says_so():
    rows = fairness.rank([press(1, OPEN + 300, OPEN + 100, unc=90),
                          press(2, OPEN + 200, OPEN + 190)], OPEN, FAIR)
    assert order(rows) == [2, 1]
    assert rows[1]["fallback"] and rows[1]["corrected"] == OPEN + 300
    no_sync = fairness.rank([{"team": 3, "received": OPEN + 50, "claimed": None, "rtt": None,
                              "uncertainty": None}], OPEN, FAIR)[0]
    assert no_sync["fallback"] and no_sync["corrected"] == OPEN + 50


def test_a_race_closer_than_the_uncertainty_is_a_near_tie_decided_by_receipt():
    # team 1 claims 4 ms earlier, but either clock may be 10 ms off: a near-tie
    rows = fairness.rank([press(2, OPEN + 110, OPEN + 104, unc=10),
                          press(1, OPEN + 160, OPEN + 100, rtt=120, unc=10)], OPEN, FAIR)
    assert order(rows) == [2, 1]           # the tied group goes by receipt
    assert all(r["near_tie"] and r["decided_by"] == "receipt" for r in rows)


def test_under_the_host_rule_a_near_tie_keeps_press_order_for_the_host_to_decide():
    rules = dict(FAIR, near_tie="host")
    rows = fairness.rank([press(2, OPEN + 110, OPEN + 104, unc=10),
                          press(1, OPEN + 160, OPEN + 100, rtt=120, unc=10),
                          press(3, OPEN + 400, OPEN + 390)], OPEN, rules)
    assert order(rows) == [1, 2, 3]
    assert [r["team"] for r in fairness.lead_group(rows, rules)] == [1, 2]
    assert not rows[2]["near_tie"] and rows[1]["margin_ms"] == 286


def test_clean_press_keeps_only_non_negative_integers():
    assert fairness.clean_press({"claimed": "9", "rtt": -1, "uncertainty": 3.5}) == \
        {"claimed": None, "rtt": None, "uncertainty": None}
    assert fairness.clean_press(None) == {"claimed": None, "rtt": None, "uncertainty": None}
    assert fairness.clean_press({"claimed": 5, "rtt": 40, "uncertainty": 2, "x": 1}) == \
        {"claimed": 5, "rtt": 40, "uncertainty": 2}


def test_the_collection_closes_when_no_waiting_team_could_beat_the_leader():
    reach = {"1": 30, "2": 200, "3": 60}
    # leader pressed at +100, arrived +110; team 2 (200 ms reach) still out: wait to +300
    assert fairness.close_at(OPEN + 110, OPEN + 100, reach, {1}, [1, 2, 3]) == OPEN + 300
    # team 2 pressed too: only team 3 (60 ms) remains
    assert fairness.close_at(OPEN + 110, OPEN + 100, reach, {1, 2}, [1, 2, 3]) == OPEN + 160
    # every connected team pressed: at once; unknown reach: the longest window
    assert fairness.close_at(OPEN + 110, OPEN + 100, reach, {1, 2, 3}, [1, 2, 3]) == OPEN + 110
    assert fairness.close_at(OPEN + 110, OPEN + 100, None, {1}, [1, 2]) == \
        OPEN + 110 + fairness.COLLECT_MAX_MS
    # bounded: never more than COLLECT_MAX_MS after the first arrival, never less than MIN
    assert fairness.close_at(OPEN + 110, OPEN + 100, {"2": 5000}, {1}, [1, 2]) == \
        OPEN + 110 + fairness.COLLECT_MAX_MS
    assert fairness.close_at(OPEN + 110, OPEN + 100, {"2": 1}, {1}, [1, 2]) == \
        OPEN + 110 + fairness.COLLECT_MIN_MS
