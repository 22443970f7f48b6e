"""The official record of a contest: standings, round scores, questions, score changes, buzzes.

Pure core: ``build_record(info, state, commands, initial)`` turns the engine state, the command
log (``quiz.record.store.command_log``) and the initial state (snapshot 0) into one JSON-safe dict.
``load_record(contest)`` reads those three from the database and calls it.

Where the facts come from:
  * standings, score changes and buzzes: the engine state (``engine.standings``, ``log``,
    ``buzz_log``) — the state the live contest acknowledged;
  * per-question answers and rulings: the command log replayed from the initial state through the
    engine (the live question record ``state["q"]`` is replaced when the next question comes, so
    the replay keeps the last version of each question's record, and which judgement was right).

Nothing here formats for a language except ``label``/``fmt_answer``/``fmt_time`` (zh or en).
"""
from __future__ import annotations

import copy
from datetime import datetime, timezone

from quiz import engine
from quiz.engine import formats
from quiz.engine.checks import grade

TIEBREAK_RULE = {
    "en": ("Teams are ranked by final score, highest first. Teams with equal scores are "
           "separated by tie-break (加赛) wins: more wins ranks higher. Teams still equal share "
           "the rank (competition ranking: 1, 1, 3) and are listed by seat number."),
    "zh": ("按最终得分从高到低排名；得分相同的队伍，加赛获胜次数多者名次在前；"
           "仍然相同的队伍名次并列（如 1、1、3），并按座位号顺序列出。"),
}


def ruled_kinds() -> set[str]:
    """Score-log kinds of a ruling on the team with the turn (judge, timeout, wager...)."""
    return {"judge", "timeout"} | {f.record["score_kind"] for f in formats.all()
                                   if "judge" in f.host_commands}


def graded_kinds() -> set[str]:
    """Score-log kinds of the formats scored at the reveal, not judged (all-answer)."""
    return {f.record["score_kind"] for f in formats.all() if "judge" not in f.host_commands}


def answer_kinds() -> set[str]:
    """Score-log kinds that score an answer."""
    return ruled_kinds() | graded_kinds()


def outside_kind() -> str:
    """The kind of the questions played outside the rounds (加赛 tie-breaks)."""
    return next(f.kind for f in formats.all() if not f.in_rounds)


# Words for the record; the round formats' own labels come from the registry (label()).
LABELS = {
    "zh": {
        "none": "环节外",
        "judge": "判定", "timeout": "超时", "foul": "犯规", "adjust": "调分", "undo": "撤销",
        "right": "答对", "wrong": "答错", "partial": "部分正确", "unjudged": "未判定",
        "unanswered": "无人作答",
        "host": "主持人", "player": "选手", "system": "系统",
        "true": "对", "false": "错", "yes": "是", "no": "否",
        "base": "基础分", "total": "总分",
    },
    "en": {
        "none": "Outside rounds",
        "judge": "Ruling", "timeout": "Timeout", "foul": "Foul", "adjust": "Adjustment",
        "undo": "Undo",
        "right": "Right", "wrong": "Wrong", "partial": "Partly right", "unjudged": "Not ruled",
        "unanswered": "Nobody answered",
        "host": "Host", "player": "Player", "system": "System",
        "true": "True", "false": "False", "yes": "yes", "no": "no",
        "base": "Base score", "total": "Total",
    },
}


def norm_lang(lang: str | None) -> str:
    """'zh' for any Chinese locale (zh, zh_CN, zh-CN), else 'en'."""
    return "zh" if str(lang or "zh").lower().replace("-", "_").startswith("zh") else "en"


def label(key: str | None, lang: str) -> str:
    """The zh/en word for a round kind, score-change kind, result or role."""
    if key is None:
        return ""
    lang = norm_lang(lang)
    if key in LABELS[lang]:
        return LABELS[lang][key]
    kinds = {f.kind: f for f in formats.all()} | {f.record["score_kind"]: f for f in formats.all()}
    return kinds[key].labels[lang] if key in kinds else key


def fmt_answer(answer: object, lang: str) -> str:
    """An answer list as text: letters joined by commas, true/false as words."""
    if answer is None:
        return ""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, dict):                 # per-player answers: {name: [..]}
        return "; ".join(f"{k}: {fmt_answer(v, lang)}" for k, v in answer.items())
    items = [label(a, lang) if a in ("true", "false") else str(a) for a in answer]
    return ", ".join(items)


def local_time(ms: int | None) -> datetime | None:
    """Epoch ms as a naive datetime in the server's time zone (for spreadsheets)."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).astimezone().replace(tzinfo=None)


def fmt_time(ms: int | None) -> str:
    """Epoch ms as 'YYYY-MM-DD HH:MM:SS.mmm' in the server's time zone."""
    dt = local_time(ms)
    return "" if dt is None else dt.isoformat(sep=" ", timespec="milliseconds")


def iso_time(ms: int | None) -> str | None:
    """Epoch ms as ISO 8601 with the server's UTC offset (for JSON)."""
    if ms is None:
        return None
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc).astimezone()
    return dt.isoformat(timespec="milliseconds")


# ---- replay ----------------------------------------------------------------------------------

def replay(initial: dict, commands: list[dict]) -> dict:
    """Re-run the command log from the initial state through the engine.

    Returns {"state", "questions": {qid: last q record}, "order": [qid, ...] (first shown
    first), "judged": {log entry id: correct}, "buzz_actor": {buzz_log index: actor}}.
    """
    state = copy.deepcopy(initial)
    qrecs: dict[int, dict] = {}
    order: list[int] = []
    judged: dict[int, bool] = {}
    buzz_actor: dict[int, dict] = {}
    ruled = ruled_kinds()
    handed_in: dict[int, dict] = {}     # {question: {team: the newest phone answer seen}}
    for item in commands:
        command = item["command"]
        n_log, n_buzz = len(state["log"]), len(state["buzz_log"])
        try:
            events = engine.apply(state, command, item["at_ms"])
        except engine.RuleError:
            continue                      # as store.load: a refused replay changes nothing
        entries = [e for e in state["log"][n_log:] if e["kind"] in ruled]
        rulings = [e for e in events if e.get("type") == "judged"]
        for entry, event in zip(entries, rulings, strict=False):
            judged[entry["id"]] = bool(event.get("correct"))
        if isinstance(command, dict) and command.get("type") == "buzz":
            actor = command.get("actor") or {}
            for i in range(n_buzz, len(state["buzz_log"])):
                buzz_actor[i] = {"player": actor.get("player"), "name": actor.get("name", "")}
        q = state["q"]
        if q is not None:
            if q["id"] not in qrecs:
                order.append(q["id"])
            qrecs[q["id"]] = q            # the same dict keeps changing; keep the newest
            _keep_submissions(handed_in, q)
    qrecs = {k: copy.deepcopy(v) for k, v in qrecs.items() if v["id"] == k}
    for qid, rec in qrecs.items():
        # an undone ruling takes the state back to before the answer: the record keeps it
        rec["submissions"] = dict(handed_in.get(qid, {}), **rec["submissions"])
    return {"state": state, "questions": qrecs, "order": [k for k in order if k in qrecs],
            "judged": judged, "buzz_actor": buzz_actor}


# ---- the record ------------------------------------------------------------------------------

def _keep_submissions(handed_in: dict, q: dict) -> None:
    """Remember every phone answer handed in, even one an undo later takes out of the state."""
    if q["submissions"]:
        handed_in.setdefault(q["id"], {}).update(copy.deepcopy(q["submissions"]))


def build_record(info: dict, state: dict, commands: list[dict], initial: dict | None,
                 rep: dict | None = None) -> dict:
    """The whole record as one JSON-safe dict.

    ``info``: {"code", "name", "created_at" (datetime or None), "players" ({id: name}, opt.)}.
    Without ``initial`` there is no replay: ``checks.replay_matches_state`` is None.
    ``rep``: the replay of ``commands`` from ``initial``, when the caller has made it already.
    """
    if rep is None and initial is not None:
        rep = replay(initial, commands)
    teams = {t["id"]: t for t in state["teams"]}
    rounds = state["rounds"]
    round_of = {qid: r for r in rounds for qid in r["question_ids"]}
    tiebreak_qids = [int(k) for k in state["questions"] if int(k) not in round_of]
    qrecs = rep["questions"] if rep else {}
    qmeta = _question_meta(state, round_of, tiebreak_qids, qrecs, rep["order"] if rep else [])
    standings = _standings(state)
    record = {
        "contest": _contest(info, state),
        "tiebreak_rule": dict(TIEBREAK_RULE),
        "standings": standings,
        "round_columns": [],
        "round_scores": [],
        "questions": [],
        "score_changes": _score_changes(state, teams, qmeta),
        "buzzes": _buzzes(state, teams, qmeta, rep["buzz_actor"] if rep else {},
                          info.get("players") or {}),
        "checks": {},
    }
    record["disputed_races"] = disputed_races(record["buzzes"])
    record["round_columns"], record["round_scores"] = _round_scores(
        state, standings, set(tiebreak_qids))
    record["questions"] = _questions(state, teams, qmeta, qrecs,
                                     rep["judged"] if rep else {}, info.get("players") or {})
    replay_ok = None if rep is None else (rep["state"]["version"] == state["version"]
                                          and rep["state"]["log"] == state["log"])
    sums_ok = all(r["sum"] == r["total"] for r in record["round_scores"])
    record["checks"] = {"replay_matches_state": replay_ok, "round_sums_match_scores": sums_ok}
    return record


def _contest(info: dict, state: dict) -> dict:
    created = info.get("created_at")
    finished = state["phase"] == "finished"
    if finished and state.get("finished_at"):
        day = local_time(state["finished_at"]).date().isoformat()
    elif created is not None:
        day = (created if created.tzinfo is None else created.astimezone()).date().isoformat()
    else:
        day = None
    return {"code": info.get("code"), "name": info.get("name") or state["name"],
            "created_at": created.isoformat() if created is not None else None,
            "date": day, "phase": state["phase"], "finished": finished,
            "finished_at": iso_time(state.get("finished_at")),
            "base_score": state["settings"].get("base_score", 0),
            "version": state["version"]}


def _standings(state: dict) -> list[dict]:
    rows = engine.standings(state)
    for row in rows:
        same = [r for r in rows if r["score"] == row["score"] and r is not row]
        row["tied_on_score"] = bool(same)
        row["shares_rank"] = any(r["rank"] == row["rank"] for r in same)
    return rows


def _question_meta(state: dict, round_of: dict, tiebreak_qids: list[int], qrecs: dict,
                   order: list[int]) -> dict[int, dict]:
    """For every question that was played: its round, number and text."""
    meta: dict[int, dict] = {}
    tb_number = 0
    played = list(order)
    for e in state["log"] + state["buzz_log"]:
        qid = e.get("question")
        if qid is not None and qid not in played:
            played.append(qid)
    for qid in played:
        qdata = state["questions"].get(str(qid))
        if qdata is None:
            continue
        rnd = round_of.get(qid)
        rec = qrecs.get(qid)
        if rnd is None:
            tb_number += 1
            index = tb_number
            rmeta = {"round": None, "round_title": "",
                     "round_kind": rec["kind"] if rec else outside_kind()}
        else:
            used = state["progress"][str(rnd["id"])]["used"]
            index = used.index(qid) + 1 if qid in used else rnd["question_ids"].index(qid) + 1
            rmeta = {"round": rnd["id"], "round_title": rnd["title"], "round_kind": rnd["kind"]}
        meta[qid] = dict(rmeta, question=qid, index=index, bank_id=qdata.get("bank_id"),
                         type=qdata["type"], stem=qdata["stem"],
                         correct_answer=list(qdata["answer"]),
                         shown_at=rec["shown_at"] if rec else None)
    return meta


def _round_scores(state: dict, standings: list[dict], tiebreak_qids: set) -> tuple[list, list]:
    """Points per team per round (tie-break questions and out-of-round changes apart)."""
    per: dict[int, dict[str, int]] = {t["id"]: {} for t in state["teams"]}
    outside = outside_kind()
    for e in state["log"]:
        if e["undone"] or e["kind"] == "undo":
            continue
        if e["question"] is not None and e["question"] in tiebreak_qids:
            key = outside
        elif e["round"] is None:
            key = "none"
        else:
            key = str(e["round"])
        bucket = per.setdefault(e["team"], {})
        bucket[key] = bucket.get(key, 0) + e["delta"]
    used = {k for b in per.values() for k in b}
    columns = [{"key": str(r["id"]), "round": r["id"], "title": r["title"], "kind": r["kind"]}
               for r in state["rounds"]]
    for extra in (outside, "none"):
        if extra in used:
            columns.append({"key": extra, "round": None, "title": "", "kind": extra})
    base = state["settings"].get("base_score", 0)
    rows = []
    for s in standings:
        got = per.get(s["team"], {})
        by_round = {c["key"]: got.get(c["key"], 0) for c in columns}
        rows.append({"team": s["team"], "name": s["name"], "rank": s["rank"], "base": base,
                     "by_round": by_round, "sum": base + sum(by_round.values()),
                     "total": s["score"]})
    return columns, rows


def _qref(qmeta: dict, qid: int | None) -> dict:
    m = qmeta.get(qid) if qid is not None else None
    if m is None:
        return {"question": qid, "question_index": None}
    return {"question": qid, "question_index": m["index"]}


def _round_title(state: dict, rid: int | None) -> str:
    for r in state["rounds"]:
        if r["id"] == rid:
            return r["title"] or label(r["kind"], "zh")
    return ""


def _score_changes(state: dict, teams: dict, qmeta: dict) -> list[dict]:
    out = []
    outside = {f.kind for f in formats.all() if not f.in_rounds}
    for e in state["log"]:
        kind = qmeta.get(e["question"], {}).get("round_kind") if e["question"] is not None \
            else None
        tiebreak = kind in outside
        out.append({
            "id": e["id"], "at": e["at"], "time": iso_time(e["at"]),
            "team": e["team"], "team_name": teams.get(e["team"], {}).get("name", ""),
            "delta": e["delta"], "kind": e["kind"], "reason": e["reason"],
            "actor": (e.get("actor") or {}).get("name", ""),
            "actor_role": (e.get("actor") or {}).get("role", ""),
            "round": e["round"], "round_title": "" if tiebreak else _round_title(state, e["round"]),
            "round_kind": kind if tiebreak else _round_kind(state, e["round"]),
            **_qref(qmeta, e["question"]),
            "undone": bool(e["undone"]), "undoes": e.get("undoes"),
        })
    return out


def _round_kind(state: dict, rid: int | None) -> str | None:
    for r in state["rounds"]:
        if r["id"] == rid:
            return r["kind"]
    return None


def _buzzes(state: dict, teams: dict, qmeta: dict, buzz_actor: dict, players: dict) -> list:
    out = []
    for i, b in enumerate(state["buzz_log"]):
        actor = buzz_actor.get(i, {})
        player = b.get("player", actor.get("player"))
        name = (actor.get("name") or players.get(player, "")) if player is not None else ""
        m = qmeta.get(b["question"], {})
        out.append({
            "n": i + 1, "at": b["at"], "time": iso_time(b["at"]),
            "round": b.get("round"), "round_title": m.get("round_title", ""),
            "round_kind": m.get("round_kind"), **_qref(qmeta, b["question"]),
            "attempt": b["attempt"], "team": b["team"],
            "team_name": teams.get(b["team"], {}).get("name", ""),
            "player": player, "player_name": name or "",
            "rank": b["rank"], "ms_after_open": b["ms_after_open"],
            "ms_behind_first": b["ms_behind_first"], "foul": bool(b["foul"]),
            **{k: b.get(k) for k in BUZZ_EVIDENCE},
        })
    return out


# What a judge needs to answer a team that disputes a race (docs/rules.md, "Fair buzz order").
BUZZ_EVIDENCE = ("received", "claimed", "corrected", "rtt", "uncertainty", "margin_ms",
                 "near_tie", "fallback", "bound", "decided_by")


def disputed_races(buzzes: list[dict]) -> list[dict]:
    """The buzzes of races a judge may be asked about: near-ties, poor sync, bounded claims."""
    return [b for b in buzzes if b["near_tie"] or b["fallback"] or b["bound"]
            or b["decided_by"] == "host"]


def _result_of(entry: dict, judged: dict, qdata: dict, answer) -> str:
    if entry["kind"] == "timeout":
        return "timeout"
    if entry["kind"] in graded_kinds():
        if isinstance(answer, list) and answer:
            return grade(qdata, answer)
        return "right" if entry["delta"] > 0 else "wrong"
    if entry["id"] in judged:
        return "right" if judged[entry["id"]] else "wrong"
    return "right" if "答对" in entry["reason"] else "wrong"   # no replay: the engine's reason


def _questions(state: dict, teams: dict, qmeta: dict, qrecs: dict, judged: dict,
               players: dict) -> list[dict]:
    seat = {t["id"]: t["seat"] for t in state["teams"]}
    scored, answer_kinds_ = answer_kinds() | {"foul"}, answer_kinds()
    out = []
    for qid, meta in qmeta.items():
        qdata = state["questions"][str(qid)]
        rec = qrecs.get(qid) or {}
        entries = [e for e in state["log"] if e["question"] == qid and not e["undone"]
                   and e["kind"] in scored]
        buzzes = [b for b in state["buzz_log"] if b["question"] == qid]
        rows: list[dict] = []
        answers = _answers(rec, players)
        first_seen: dict[tuple, int] = {}
        marks = [((e["team"], "foul" if e["kind"] == "foul" else "answer"), e["at"])
                 for e in entries]
        marks += [((b["team"], "answer"), b["at"]) for b in buzzes if not b["foul"]]
        marks += [((tid, "answer"), at) for tid, (_ans, at) in answers.items()]
        for key, at in marks:
            at = 2**53 if at is None else at
            first_seen[key] = min(first_seen.get(key, at), at)
        for (tid, what), _at in sorted(first_seen.items(),
                                       key=lambda kv: (kv[1], seat.get(kv[0][0], 0))):
            mine = [e for e in entries if e["team"] == tid]
            if what == "foul":
                fouls = [e for e in mine if e["kind"] == "foul"]
                rows.append(_row(meta, tid, teams, "foul", None, sum(e["delta"] for e in fouls),
                                 None, fouls[-1]["at"] if fouls else None))
                continue
            ruled = [e for e in mine if e["kind"] in answer_kinds_]
            answer = answers.get(tid, (None, None))[0]
            if ruled:
                result = _result_of(ruled[-1], judged, qdata, answer)
            else:
                result = "unjudged"
            buzz = [b for b in buzzes if b["team"] == tid and not b["foul"]]
            row = _row(meta, tid, teams, result, answer, sum(e["delta"] for e in ruled),
                       buzz[-1] if buzz else None, ruled[-1]["at"] if ruled else None)
            caps = formats.get(rec["kind"]).capabilities if rec.get("kind") else {}
            if caps.get("tap_answer") and tid in answers and rec.get("duration_ms"):
                left = _left_ms(rec, tid)
                row["answer_ms"] = None if left is None else rec["duration_ms"] - left
            if caps.get("wager"):
                row["wager"] = rec.get("value")
            rows.append(row)
        if not rows:
            rows.append(_row(meta, None, teams, "unanswered", None, 0, None, None))
        out.append(dict(meta, rows=rows, outcome=rec.get("outcome"),
                        stats=_stats(rows, buzzes, state)))
    return out


def _answers(rec: dict, players: dict) -> dict[int, tuple]:
    """{team: (answer, at)} from a question record: phone answers and all-answer answers."""
    out: dict[int, tuple] = {}
    for tid, sub in (rec.get("submissions") or {}).items():
        out[int(tid)] = (sub.get("answer"), sub.get("at"))
    for tid, got in (rec.get("answers") or {}).items():
        if "answer" in got:                       # one answer per team
            out[int(tid)] = (got["answer"], got.get("at"))
        else:                                     # per player: {player id: rec}
            named = {}
            for pid, r in got.items():
                named[str(players.get(int(pid), pid))] = r["answer"]
            first = min((r.get("at") or 0) for r in got.values()) if got else None
            out[int(tid)] = (named, first)
    return out


def _left_ms(rec: dict, tid: int) -> int | None:
    got = (rec.get("answers") or {}).get(str(tid))
    if not got:
        return None
    if "left_ms" in got:
        return got["left_ms"]
    lefts = [r["left_ms"] for r in got.values() if "left_ms" in r]
    return sum(lefts) // len(lefts) if lefts else None


def _row(meta: dict, tid: int | None, teams: dict, result: str, answer, points: int,
         buzz: dict | None, at: int | None) -> dict:
    return {
        "round": meta["round"], "round_title": meta["round_title"],
        "round_kind": meta["round_kind"], "question": meta["question"], "index": meta["index"],
        "stem": meta["stem"], "correct_answer": meta["correct_answer"],
        "team": tid, "team_name": teams.get(tid, {}).get("name", "") if tid else "",
        "answer": answer, "result": result, "points": points,
        "attempt": buzz["attempt"] if buzz else None,
        "buzz_rank": buzz["rank"] if buzz else None,
        "ms_after_open": buzz["ms_after_open"] if buzz else None,
        "ms_behind_first": buzz["ms_behind_first"] if buzz else None,
        "buzz_at": buzz["at"] if buzz else None,
        "at": at, "answer_ms": None, "wager": None,
    }


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


def _stats(rows: list[dict], buzzes: list[dict], state: dict) -> dict:
    answered = [r for r in rows if r["result"] in ("right", "wrong", "partial", "timeout")]
    right = [r for r in answered if r["result"] == "right"]
    fair = [b for b in buzzes if not b["foul"]]
    firsts = [b["ms_after_open"] for b in fair if b["rank"] == 1]
    kind = rows[0]["round_kind"] if rows else None
    who = formats.get(kind).record["eligible"] if kind in formats.round_kinds() + (
        outside_kind(),) else "all"
    eligible = {"one": 1, "tied": None}.get(who, len(state["teams"]))
    return {
        "teams": eligible, "answered": len(answered), "right": len(right),
        "right_share": round(len(right) / len(answered), 4) if answered else None,
        "buzzes": len(fair), "fouls": sum(1 for r in rows if r["result"] == "foul"),
        "avg_buzz_ms": _mean([b["ms_after_open"] for b in fair]),
        "first_buzz_ms": firsts[0] if firsts else None,
        "avg_answer_ms": _mean([r["answer_ms"] for r in rows]),
    }


# ---- database ---------------------------------------------------------------------------------

def contest_info(contest) -> dict:
    """The parts of a Contest row the record needs (players' names included)."""
    from quiz.record.models import Player

    players = {p.id: p.name for p in Player.query.filter_by(contest_id=contest.id).all()}
    return {"code": contest.code, "name": contest.name, "created_at": contest.created_at,
            "players": players}


def load_sources(contest) -> tuple[dict, dict, list[dict], dict | None]:
    """(info, state, command log, initial state) of a contest, from the database."""
    import json

    from quiz.record import store
    from quiz.record.models import ContestSnapshot

    info = contest_info(contest)
    state, _seq = store.load(contest.id)
    commands = store.command_log(contest.id)
    snap = ContestSnapshot.query.filter_by(contest_id=contest.id, seq=0).one_or_none()
    return info, state, commands, json.loads(snap.state) if snap is not None else None


def load_record(contest, questions: bool = True) -> dict:
    """Read the state, the command log and the initial snapshot; build the record.

    ``questions=False`` skips the replay (standings, round scores, score changes and buzzes
    come from the state alone; the per-question rows then lack answers and rulings).
    """
    from quiz.record import store

    if not questions:
        state, _seq = store.load(contest.id)
        return build_record(contest_info(contest), state, [], None)
    return build_record(*load_sources(contest))
