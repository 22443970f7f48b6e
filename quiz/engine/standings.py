"""Standings: who is ahead, with the documented tie-break rule."""
from __future__ import annotations

from collections.abc import Callable
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
    competition_ranks(rows, lambda r: (r["score"], r["tiebreak_wins"]))
    return rows


def competition_ranks(rows: list[dict], key: Callable[[dict], Any]) -> None:
    """Give sorted rows a 'rank': rows with equal ``key(row)`` share it (1, 1, 3)."""
    for i, row in enumerate(rows):
        prev = rows[i - 1] if i else None
        row["rank"] = prev["rank"] if prev is not None and key(prev) == key(row) else i + 1


def player_standings(state: State) -> list[dict]:
    """Players ranked by personal points (per-player all-answer rounds).

    Rule: points descending; equal points share a rank (1, 1, 3), listed by player id.
    Each row: player, name, team, points, right, answered, rank.
    """
    rows: list[dict[str, Any]] = [
        {"player": int(pid), "name": p["name"], "team": p["team"], "points": p["points"],
         "right": p["right"], "answered": p["answered"], "rank": 0}
        for pid, p in state.get("players", {}).items()]
    rows.sort(key=lambda r: (-r["points"], r["player"]))
    competition_ranks(rows, lambda r: r["points"])
    return rows
