"""Standings: who is ahead, with the documented tie-break rule."""
from __future__ import annotations

from typing import Any

from .types import State


def standings(state: State) -> list[dict]:
    """Teams ranked by score.

    Rule: score descending; teams with equal scores share a rank (competition ranking
    1, 1, 3) unless tie-break (加赛) wins separate them: among equal scores, more tie-break
    wins ranks higher. Within a shared rank the order is by seat number (ascending).
    Each row: team, name, color, seat, score, rank, right, wrong, fouls, passes,
    tiebreak_wins.
    """
    rows: list[dict[str, Any]] = [
            {"team": t["id"], "name": t["name"], "color": t["color"], "seat": t["seat"],
             "score": t["score"], "rank": 0, "right": t["right"], "wrong": t["wrong"],
             "fouls": t["fouls"], "passes": t["passes"], "tiebreak_wins": t["tiebreak_wins"]}
            for t in state["teams"]]
    rows.sort(key=lambda r: (-r["score"], -r["tiebreak_wins"], r["seat"]))
    for i, row in enumerate(rows):
        prev = rows[i - 1] if i else None
        if prev is not None and (prev["score"], prev["tiebreak_wins"]) == (
                row["score"], row["tiebreak_wins"]):
            row["rank"] = prev["rank"]
        else:
            row["rank"] = i + 1
    return rows
