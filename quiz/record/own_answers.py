"""After the contest, one player's own answers: question by question, from the record.

Pure core: ``reviews(record, questions, state)`` turns the record (``results.build_record``),
the replayed question records and the final state into every player's and team's review
once; ``review_of(reviews, player, team, lang)`` picks one phone's. In per-player rounds a
row is the player's own answer and personal credit; elsewhere its team's answer and points.
"""
from __future__ import annotations

from quiz.engine.checks import grade
from quiz.record import results

STEM_MAX = 40          # characters of a question's stem on the phone's list


def short(stem: str) -> str:
    """A stem cut to STEM_MAX characters (an ellipsis when cut)."""
    stem = " ".join(str(stem).split())
    return stem if len(stem) <= STEM_MAX else stem[: STEM_MAX - 1] + "…"


def reviews(record: dict, questions: dict, state: dict) -> dict:
    """{"teams": {team: [row]}, "players": {player: {question: row}}, "order": [question],
    "standings": {team: {rank, score}}}; a row: round_title, index, stem, answer, result,
    points."""
    teams: dict[int, list[dict]] = {}
    players: dict[int, dict[int, dict]] = {}
    order: list[int] = []
    for item in record["questions"]:
        qid = item["question"]
        order.append(qid)
        head = {"question": qid, "round_title": item["round_title"], "index": item["index"],
                "stem": short(item["stem"])}
        rec = questions.get(qid) or {}
        per_player = _per_player(rec)
        for row in item["rows"]:
            if row["team"] is None or row["team"] in per_player:
                continue
            teams.setdefault(row["team"], []).append(
                dict(head, answer=row["answer"], result=row["result"], points=row["points"]))
        qdata = state["questions"][str(qid)]
        for tid, got in per_player.items():
            for pid, mine in got.items():
                players.setdefault(int(pid), {})[qid] = dict(
                    head, team=tid, answer=mine["answer"], result=grade(qdata, mine["answer"]),
                    points=mine.get("credit", 0))
            teams.setdefault(tid, []).append(dict(head, per_player=True))
    ranks = {r["team"]: {"rank": r["rank"], "score": r["score"]} for r in record["standings"]}
    return {"teams": teams, "players": players, "order": order, "standings": ranks}


def _per_player(rec: dict) -> dict[int, dict]:
    """{team: {player id: answer record}} of a per-player all-answer question."""
    return {int(tid): got for tid, got in (rec.get("answers") or {}).items()
            if isinstance(got, dict) and "answer" not in got}


def review_of(data: dict, player: int, team: int, lang: str) -> dict:
    """This phone's review: its rows in the order played and its team's final rank."""
    mine = data["players"].get(player, {})
    rows = []
    for row in data["teams"].get(team, []):
        if row.get("per_player"):
            row = mine.get(row["question"]) or dict(row, answer=None, result="unanswered",
                                                    points=0)
        rows.append({"round_title": row["round_title"], "index": row["index"],
                     "stem": row["stem"], "answer": results.fmt_answer(row["answer"], lang),
                     "result": row["result"], "points": row["points"],
                     "mine": row["question"] in mine})
    return {"rows": rows, "team": dict(data["standings"].get(team) or {}, id=team)}
