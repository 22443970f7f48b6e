"""A phone's own line: its personal points and rank, and after the contest its own answers.

Asked by the phone (the `mine` event), answered for the player of that socket only. Both are
computed once per state version and kept on the runtime (``rt.personal``), so a hall of
phones asking at the reveal costs one ranking, and at the end one replay of the record.
"""
import bisect
import threading

from quiz.base import offloop
from quiz.engine.standings import player_standings
from quiz.engine.views import player_board_on
from quiz.live import players
from quiz.record import own_answers, results

_build_lock = threading.Lock()     # one replay of the record at a time (gevent-patched)


def _cached(rt, key: str, build):
    """build(state) for the state's version, kept on the runtime until the version changes."""
    with rt.lock:
        version = rt.state.get("version")
        got = rt.personal.get(key)
        if got is not None and got[0] == version:
            return got[1]
        if key != "review":
            value = build(rt.state)
            rt.personal[key] = (version, value)
            return value
    with _build_lock:                        # the review reads the database: outside rt.lock
        got = rt.personal.get(key)
        if got is not None and got[0] == version:
            return got[1]
        value = build(None)
        with rt.lock:
            rt.personal[key] = (version, value)
        return value


def _ranking(state: dict) -> dict:
    rows = player_standings(state)
    return {"rows": {r["player"]: r for r in rows},
            "points": sorted(-r["points"] for r in rows), "count": len(rows)}


def points_of(rt, player: int) -> dict | None:
    """{points, rank, players}: rank as the board's (ties share it); a player with no answer
    scored yet has 0 points; None while nobody has personal points."""
    ranking = _cached(rt, "ranking", _ranking)
    if not ranking["count"]:
        return None
    row = ranking["rows"].get(player)
    points = row["points"] if row else 0
    rank = bisect.bisect_left(ranking["points"], -points) + 1
    return {"points": points, "rank": rank, "players": max(ranking["count"], rank)}


def all_reviews(info: dict, state: dict, commands: list[dict], initial: dict | None) -> dict:
    """Every player's and team's review: the record's replay (own_answers.reviews)."""
    rep = results.replay(initial, commands) if initial is not None else None
    record = results.build_record(info, state, commands, initial, rep=rep)
    return own_answers.reviews(record, rep["questions"] if rep else {}, state)


def _review(rt):
    def build(_state) -> dict:
        sources = results.load_sources(players.contest_of(rt))
        # the replay is CPU work of seconds in a big hall: off the live loop (quiz.base.offloop)
        return offloop.run(all_reviews, *sources)
    return build


def skipped(rt) -> None:
    """The host skipped the staged reveal of this finished state (a reloaded phone asks)."""
    with rt.lock:
        rt.personal["skip"] = (rt.state.get("version"), True)


def mine(rt, info: dict, lang: str) -> dict:
    """The ack of `mine`: personal (when the player board is on) and, once finished, review
    and whether the host skipped the staged reveal."""
    with rt.lock:
        board, finished = player_board_on(rt.state), rt.state.get("phase") == "finished"
        skip = rt.personal.get("skip")
        skip = bool(skip and skip[0] == rt.state.get("version"))
    out: dict = {"ok": True, "personal": points_of(rt, info["player"]) if board else None,
                 "review": None, "reveal_skipped": skip}
    if finished:
        data = _cached(rt, "review", _review(rt))
        out["review"] = own_answers.review_of(data, info["player"], info["team"],
                                              results.norm_lang(lang))
    return out
