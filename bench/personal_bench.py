"""Personal points for a hall: what per-player scoring and a phone's own line cost.

Plays a per-player all-answer round in-process (the pure engine, no server): ``--players``
phones on ``--teams`` teams answer ``--questions`` questions, each revealed and scored. Prints
the time of one scoring (with the personal credits and the undo snapshot that now holds them),
one player ranking (computed once per state version for every phone that asks, then a lookup),
the record replay + every player's review built once at the end, and one phone's review.

    .venv/bin/python bench/personal_bench.py --players 1000 --teams 10 --questions 20
"""
from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from quiz import engine  # noqa: E402
from quiz.engine.standings import player_standings  # noqa: E402
from quiz.live import personal  # noqa: E402
from quiz.record import own_answers  # noqa: E402

HOST = {"role": "host", "team": None, "player": None, "name": "host"}


def setup(teams: int, questions: int) -> dict:
    qs = [{"id": i, "type": "single", "stem": f"第 {i} 题" * 5, "options": ["1", "2", "3", "4"],
           "answer": ["B"]} for i in range(1, questions + 1)]
    return {"name": "bench", "base_score": 100, "seed": 1, "settings": {"player_board": True},
            "teams": [{"id": t, "name": f"队 {t}", "seat": t} for t in range(1, teams + 1)],
            "rounds": [{"id": 1, "kind": "all_answer", "title": "个人", "questions": qs,
                        "settings": {"per": "player", "answer_time": 600}}]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--players", type=int, default=1000)
    ap.add_argument("--teams", type=int, default=10)
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--no-personal", action="store_true",
                    help="score without the personal credits (the cost before them)")
    args = ap.parse_args()
    if args.no_personal:
        from quiz.engine.formats import all_answer
        all_answer._credit_player = lambda *a: None
    state = engine.new_state(setup(args.teams, args.questions))
    initial = copy.deepcopy(state)
    log: list[dict] = []
    now = 1_000_000

    def send(cmd: dict) -> None:
        nonlocal now
        now += 5
        engine.apply(state, cmd, now)
        log.append({"command": cmd, "at_ms": now})

    send({"type": "next", "actor": HOST})
    scoring, ranking = [], []
    for qn in range(1, args.questions + 1):
        send({"type": "next", "actor": HOST})
        for p in range(1, args.players + 1):
            team = 1 + p % args.teams
            send({"type": "answer", "question": qn, "answer": "AB"[(p + qn) % 2],
                  "actor": {"role": "player", "team": team, "player": p, "name": f"p{p}"}})
        t0 = time.perf_counter()
        engine.apply(state, {"type": "reveal", "question": qn, "actor": HOST}, now + 1)
        scoring.append(time.perf_counter() - t0)
        now += 1
        log.append({"command": {"type": "reveal", "question": qn, "actor": HOST}, "at_ms": now})
        t0 = time.perf_counter()
        player_standings(state)
        ranking.append(time.perf_counter() - t0)
    send({"type": "finish", "actor": HOST})
    t0 = time.perf_counter()
    data = personal.all_reviews({"code": "b", "name": "b"}, state, log, initial)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in range(1, args.players + 1):
        own_answers.review_of(data, p, 1 + p % args.teams, "zh")
    each = (time.perf_counter() - t0) / args.players
    ms = 1000
    print(f"{args.players} players, {args.teams} teams, {args.questions} questions, "
          f"{len(log)} commands")
    print(f"one scoring (reveal): median {statistics.median(scoring) * ms:.1f} ms, "
          f"last {scoring[-1] * ms:.1f} ms")
    print(f"one player ranking: median {statistics.median(ranking) * ms:.2f} ms")
    print(f"replay + record + every review, once: {built * ms:.0f} ms")
    print(f"one phone's review from it: {each * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
