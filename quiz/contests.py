"""Building a contest from a setup file (docs/contest-file.md) and drawing its questions.

The contest draws on the bank; the bank knows nothing of contests. Questions are copied
into the contest's engine state when it is created, so editing the bank later never
changes a contest that is running or finished.
"""
import random
import secrets

from quiz import engine, joinpolicy
from quiz.extensions import db
from quiz.live import store
from quiz.live.runtime import Refused
from quiz.models import Contest, QuestionUse, Team

KINDS = ("compulsory", "buzz", "wager", "all_answer")
PALETTE = ["#e53935", "#1e88e5", "#43a047", "#fdd835", "#8e24aa", "#fb8c00",
           "#00acc1", "#d81b60", "#6d4c41", "#546e7a"]
MAX_TEAMS = 40


class SetupError(ValueError):
    """A contest file that cannot be used; the message says what to fix."""


def _bank_service():
    from question_bank import service

    return service


def _new_code() -> str:
    while True:
        code = f"{secrets.randbelow(900000) + 100000}"
        if not Contest.query.filter_by(code=code).count():
            return code


def _teams(spec: dict) -> list[dict]:
    teams = spec.get("teams")
    if not isinstance(teams, list) or not 1 <= len(teams) <= MAX_TEAMS:
        raise SetupError(f"'teams' must list 1 to {MAX_TEAMS} teams")
    out = []
    for i, t in enumerate(teams, start=1):
        if isinstance(t, str):
            t = {"name": t}
        if not isinstance(t, dict) or not str(t.get("name", "")).strip():
            raise SetupError(f"team {i} needs a name")
        out.append({
            "name": str(t["name"]).strip()[:60],
            "color": str(t.get("color") or PALETTE[(i - 1) % len(PALETTE)]),
            "seat": int(t.get("seat") or i),
            "roster": [str(m)[:40] for m in t.get("roster", []) if str(m).strip()],
        })
    if len({t["name"] for t in out}) != len(out):
        raise SetupError("team names must differ")
    return out


def _inline_question(q: dict, where: str) -> dict:
    if not isinstance(q, dict) or not str(q.get("stem", "")).strip():
        raise SetupError(f"{where}: a question needs a stem")
    qtype = q.get("type", "open")
    if qtype not in ("single", "multiple", "true_false", "fill_blank", "open"):
        raise SetupError(f"{where}: unknown question type {qtype!r}")
    answer = q.get("answer", [])
    if isinstance(answer, str):
        answer = [answer]
    return {
        "bank_id": None, "type": qtype, "stem": str(q["stem"]),
        "options": [str(o) for o in q.get("options", [])][:8],
        "answer": [str(a) for a in answer], "points": q.get("points"),
        "explanation": str(q.get("explanation", "")), "time_limit": q.get("time_limit"),
        "level": q.get("level"), "category": str(q.get("category", "")), "media": [],
    }


def _draw(draw: dict, default_bank, exclude: set, rng: random.Random, where: str) -> list[dict]:
    service = _bank_service()
    count = draw.get("count", 1)
    if not isinstance(count, int) or not 1 <= count <= 500:
        raise SetupError(f"{where}: 'count' must be 1 to 500")
    found = service.draw(
        bank=draw.get("bank", default_bank), category=draw.get("category"),
        type=draw.get("type"), difficulty=draw.get("difficulty"), count=count,
        order=draw.get("order", "random"), exclude_ids=tuple(exclude),
        seed=rng.randrange(2**31),
    )
    if len(found) < count:
        raise SetupError(
            f"{where}: the bank has {len(found)} matching unused questions, {count} asked"
        )
    out = []
    for q in found:
        exclude.add(q.id)
        d = service.question_to_dict(q)
        if draw.get("level") is not None:
            d["level"] = int(draw["level"])
        out.append(d)
    return out


def _rounds(spec: dict, exclude: set, rng: random.Random) -> list[dict]:
    rounds = spec.get("rounds")
    if not isinstance(rounds, list) or not rounds:
        raise SetupError("'rounds' must list at least one round")
    out, qid = [], 0
    for i, r in enumerate(rounds, start=1):
        where = f"round {i}"
        if not isinstance(r, dict) or r.get("kind") not in KINDS:
            raise SetupError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
        questions = []
        for q in r.get("questions", []):
            questions.append(_inline_question(q, where))
        draws = r.get("draw", [])
        if isinstance(draws, dict):
            draws = [draws]
        for d in draws:
            if not isinstance(d, dict):
                raise SetupError(f"{where}: each 'draw' is an object")
            questions += _draw(d, spec.get("bank"), exclude, rng, where)
        if not questions:
            raise SetupError(f"{where}: no questions (give 'questions' or 'draw')")
        for q in questions:
            qid += 1
            q["id"] = qid
        out.append({"id": i, "kind": r["kind"], "title": str(r.get("title") or ""),
                    "settings": dict(r.get("settings") or {}), "questions": questions})
    return out


def used_question_ids() -> set[int]:
    return {u.bank_question_id for u in QuestionUse.query.all()}


def create_contest(spec: dict) -> Contest:
    """Validate ``spec``, draw its questions and store the contest with its initial state."""
    if not isinstance(spec, dict) or not str(spec.get("name", "")).strip():
        raise SetupError("the contest needs a 'name'")
    teams = _teams(spec)
    seed = spec.get("seed")
    seed = seed if isinstance(seed, int) else secrets.randbelow(2**31)
    rng = random.Random(seed)
    exclude = used_question_ids() if spec.get("exclude_used") else set()
    rounds = _rounds(spec, exclude, rng)
    code = str(spec.get("code") or _new_code())
    if Contest.query.filter_by(code=code).count():
        raise SetupError(f"the join code {code} is taken")
    join = spec.get("join", joinpolicy.DEFAULT_POLICY)
    if join not in joinpolicy.POLICIES:
        raise SetupError(f"'join' must be one of {', '.join(joinpolicy.POLICIES)}")
    contest = Contest(code=code, name=str(spec["name"]).strip()[:200],
                      host_key=secrets.token_urlsafe(24), setup=dict(spec, join=join))
    db.session.add(contest)
    for t in teams:
        contest.teams.append(Team(**t))
    db.session.flush()
    setup = {
        "name": contest.name, "base_score": int(spec.get("base_score", 100)), "seed": seed,
        "teams": [{"id": t.id, "name": t.name, "color": t.color, "seat": t.seat}
                  for t in contest.teams],
        "rounds": rounds, "settings": dict(spec.get("settings") or {}),
    }
    try:
        state = engine.new_state(setup)
    except engine.RuleError as err:
        db.session.rollback()
        raise SetupError(err.message) from err
    store.save_initial(contest.id, state)
    for bank_id in {q["bank_id"] for r in rounds for q in r["questions"] if q["bank_id"]}:
        db.session.add(QuestionUse(contest_id=contest.id, bank_question_id=bank_id))
    db.session.commit()
    return contest


def _current_question(rt) -> dict:
    view = engine.view(rt.state, "host")
    return view.get("question") or {}


def draw_replacement(rt, question_id) -> dict:
    """A bank question like the one being swapped (same type and category), not yet used."""
    service = _bank_service()
    current = _current_question(rt)
    exclude = used_question_ids()
    found = service.draw(type=current.get("type"), category=current.get("category") or None,
                         count=1, order="random", exclude_ids=tuple(exclude))
    if not found:
        found = service.draw(type=current.get("type"), count=1, order="random",
                             exclude_ids=tuple(exclude))
    if not found:
        raise Refused("bank_exhausted", "The bank has no unused question to swap in.",
                      "题库中没有可替换的未用题目。")
    return _adopt(rt, found[0], service, level=current.get("level"))


def draw_tiebreak_question(rt) -> dict:
    """An unused bank question for a tie-break (加赛)."""
    service = _bank_service()
    found = service.draw(count=1, order="random", exclude_ids=tuple(used_question_ids()))
    if not found:
        raise Refused("bank_exhausted", "The bank has no unused question for a tie-break.",
                      "题库中没有可用于加赛的未用题目。")
    return _adopt(rt, found[0], service)


def _adopt(rt, bank_question, service, level=None) -> dict:
    q = service.question_to_dict(bank_question)
    q["id"] = max([0] + [int(k) for k in rt.state.get("questions", {})]) + 1
    if level is not None:
        q["level"] = level
    return q


def record_use(contest_id: int, question: dict) -> None:
    """Remember that a drawn bank question went into the contest (after the rules took it)."""
    if question.get("bank_id"):
        db.session.add(QuestionUse(contest_id=contest_id, bank_question_id=question["bank_id"]))
        db.session.commit()
