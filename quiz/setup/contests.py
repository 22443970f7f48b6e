"""Building a contest from a setup file (docs/contest-file.md) and drawing its questions.

The contest draws on the bank; the bank knows nothing of contests. Questions are copied
into the contest's engine state when it is created, so editing the bank later never
changes a contest that is running or finished.
"""
import random
import re
import secrets

from quiz import engine
from quiz.base.extensions import db
from quiz.engine import formats
from quiz.live import joinpolicy, namefilter, runtime
from quiz.live.draws import used_question_ids
from quiz.record import store
from quiz.record.models import Contest, ContestCommand, ContestSnapshot, QuestionUse, Team

PALETTE = ["#e53935", "#1e88e5", "#43a047", "#fdd835", "#8e24aa", "#fb8c00",
           "#00acc1", "#d81b60", "#6d4c41", "#546e7a"]
MAX_TEAMS = 40


class SetupError(ValueError):
    """A contest file that cannot be used; the message says what to fix, in both languages.

    ``field`` names the form field it is about (``name``, ``teams.2.name``, ``rounds.1.count``,
    ``rounds.3.settings.values``...), so the setup page can highlight it.
    """

    def __init__(self, message: str, message_zh: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or message
        self.field = field

    def to_dict(self) -> dict:
        return {"message": self.message, "message_zh": self.message_zh, "field": self.field}


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
        raise SetupError(f"'teams' must list 1 to {MAX_TEAMS} teams",
                         f"队伍须有 1 至 {MAX_TEAMS} 支", "teams")
    out = []
    for i, t in enumerate(teams, start=1):
        if isinstance(t, str):
            t = {"name": t}
        if not isinstance(t, dict) or not str(t.get("name", "")).strip():
            raise SetupError(f"team {i} needs a name", f"第 {i} 支队伍缺少队名",
                             f"teams.{i}.name")
        out.append({
            "name": str(t["name"]).strip()[:60],
            "color": str(t.get("color") or PALETTE[(i - 1) % len(PALETTE)]),
            "seat": int(t.get("seat") or i),
            "roster": [str(m)[:40] for m in t.get("roster", []) if str(m).strip()],
        })
    if len({t["name"] for t in out}) != len(out):
        names = [t["name"] for t in out]
        twice = next(i for i, n in enumerate(names, start=1) if names.index(n) < i - 1)
        raise SetupError(f"team names must differ (team {twice}: {names[twice - 1]})",
                         f"队名不能重复（第 {twice} 支：{names[twice - 1]}）",
                         f"teams.{twice}.name")
    return out


def _inline_question(q: dict, where: str) -> dict:
    if not isinstance(q, dict) or not str(q.get("stem", "")).strip():
        raise SetupError(f"{where}: a question needs a stem", f"{_zh(where)}：题目缺少题干")
    qtype = q.get("type", "open")
    if qtype not in ("single", "multiple", "true_false", "fill_blank", "open"):
        raise SetupError(f"{where}: unknown question type {qtype!r}",
                         f"{_zh(where)}：未知题型 {qtype!r}")
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


def _zh(where: str) -> str:
    """'round 3' as 第 3 环节."""
    return re.sub(r"round (\d+)", r"第 \1 环节", where)


def _field(where: str, name: str) -> str:
    return where.replace("round ", "rounds.") + "." + name


def _draw(draw: dict, default_bank, exclude: set, rng: random.Random, where: str,
          n: int = 1) -> list[dict]:
    """Draw ``draw`` (the ``n``-th draw of its round) from the bank."""
    service = _bank_service()
    field = _field(where, f"draws.{n}.count")
    count = draw.get("count", 1)
    if not isinstance(count, int) or not 1 <= count <= 500:
        raise SetupError(f"{where}: 'count' must be 1 to 500",
                         f"{_zh(where)}：题目数量须为 1 至 500", field)
    found = service.draw(
        bank=draw.get("bank", default_bank), category=draw.get("category"),
        type=draw.get("type"), difficulty=draw.get("difficulty"), count=count,
        order=draw.get("order", "random"), exclude_ids=tuple(exclude),
        seed=rng.randrange(2**31),
    )
    if len(found) < count:
        level = f" (value {draw['level']})" if draw.get("level") is not None else ""
        level_zh = f"（分值 {draw['level']}）" if draw.get("level") is not None else ""
        raise SetupError(
            f"{where}{level}: the bank has {len(found)} matching unused questions, {count} asked",
            f"{_zh(where)}{level_zh}：题库中符合条件的未用题目只有 {len(found)} 道，"
            f"需要 {count} 道",
            field,
        )
    out = []
    for q in found:
        exclude.add(q.id)
        d = service.question_to_dict(q)
        if draw.get("level") is not None:
            d["level"] = int(draw["level"])
        out.append(d)
    return out


def _rounds(spec: dict, exclude: set, rng: random.Random,
            kept: dict[int, list] | None = None) -> list[dict]:
    rounds = spec.get("rounds")
    if not isinstance(rounds, list) or not rounds:
        raise SetupError("'rounds' must list at least one round", "至少需要一个环节", "rounds")
    out, qid = [], 0
    for i, r in enumerate(rounds, start=1):
        where = f"round {i}"
        kinds = formats.round_kinds()
        if not isinstance(r, dict) or r.get("kind") not in kinds:
            raise SetupError(f"{where}: 'kind' must be one of {', '.join(kinds)}",
                             f"{_zh(where)}：环节类型须为 {'、'.join(kinds)} 之一",
                             _field(where, "kind"))
        questions = []
        if kept and i in kept:
            questions = kept[i]
        for q in ([] if kept and i in kept else r.get("questions", [])):
            questions.append(_inline_question(q, where))
        draws = r.get("draw", [])
        if isinstance(draws, dict):
            draws = [draws]
        for n, d in enumerate([] if kept and i in kept else draws, start=1):
            if not isinstance(d, dict):
                raise SetupError(f"{where}: each 'draw' is an object",
                                 f"{_zh(where)}：每个 draw 须为对象", _field(where, "draws"))
            questions += _draw(d, spec.get("bank"), exclude, rng, where, n)
        if not questions:
            raise SetupError(f"{where}: no questions (give 'questions' or 'draw')",
                             f"{_zh(where)}：没有题目（请给出 questions 或 draw）",
                             _field(where, "draws"))
        for q in questions:
            qid += 1
            q["id"] = qid
        out.append({"id": i, "kind": r["kind"], "title": str(r.get("title") or ""),
                    "settings": dict(r.get("settings") or {}), "questions": questions})
    return out


def _rule_field(message: str) -> str | None:
    """The form field an engine refusal is about: rounds[0].settings.x -> rounds.1.settings.x."""
    m = re.search(r"rounds\[(\d+)\]\.settings\.(\w+)", message)
    if m:
        return f"rounds.{int(m.group(1)) + 1}.settings.{m.group(2)}"
    m = re.search(r"(?:^|\s)(tiebreak\.)?settings\.(\w+)|^(tiebreak\.)(\w+)", message)
    if m:
        return "settings." + ((m.group(1) or m.group(3) or "") + (m.group(2) or m.group(4)))
    return "base_score" if "base_score" in message else None


def _readable(err) -> SetupError:
    """An engine refusal of a setting in the organizer's words: the round and the label."""
    from quiz.setup.texts import SETTINGS

    field = _rule_field(err.message)
    m = re.match(r"rounds\.(\d+)\.settings\.(\w+)$", field or "")
    t = re.match(r"settings\.(tiebreak\.)?(\w+)$", field or "")
    if m and m.group(2) in SETTINGS:
        words = SETTINGS[m.group(2)]
        return SetupError(f"round {m.group(1)}: “{words[1]}” has an invalid value",
                          f"第 {m.group(1)} 环节：“{words[0]}”的值无效", field)
    if t and t.group(2) in SETTINGS:
        words = SETTINGS[t.group(2)]
        en, zh = ("tie-break: ", "加赛：") if t.group(1) else ("", "")
        return SetupError(f"{en}“{words[1]}” has an invalid value",
                          f"{zh}“{words[0]}”的值无效", field)
    return SetupError(err.message, err.message_zh, field)


def _checked_name(spec: object) -> str:
    if not isinstance(spec, dict) or not str(spec.get("name", "")).strip():
        raise SetupError("the contest needs a name", "比赛缺少名称", "name")
    return str(spec["name"]).strip()[:200]


def _base_score(spec: dict) -> int:
    base = spec.get("base_score", 100)
    if type(base) is not int or not -100000 <= base <= 100000:
        raise SetupError("the base score must be a whole number from -100000 to 100000",
                         "基础分须为 -100000 至 100000 的整数", "base_score")
    return base


def _kept_rounds(old_state: dict | None, old_spec: dict | None, spec: dict) -> dict[int, list]:
    """Rounds whose kind, questions and draws are unchanged keep the questions they hold now
    (the review's swaps, order and pins survive an edit of names, teams or settings)."""
    if not old_state or not isinstance(old_spec, dict):
        return {}
    kept = {}
    old_rounds = old_spec.get("rounds") or []
    for i, r in enumerate(spec.get("rounds") or [], start=1):
        if i > len(old_rounds) or i > len(old_state["rounds"]) or not isinstance(r, dict):
            continue
        before = old_rounds[i - 1]
        if all(before.get(k) == r.get(k) for k in ("kind", "draw", "questions")):
            held = old_state["rounds"][i - 1]
            kept[i] = [dict(old_state["questions"][str(q)]) for q in held["question_ids"]]
    return kept


def _build(spec: dict, contest: Contest | None = None, old_state: dict | None = None) -> Contest:
    """Validate ``spec`` and store it as ``contest`` (a new one when None) with its first state."""
    name = _checked_name(spec)
    base = _base_score(spec)
    teams = _teams(spec)
    seed = spec.get("seed")
    seed = seed if isinstance(seed, int) and seed >= 0 else secrets.randbelow(2**31)
    spec = dict(spec, seed=seed)
    rng = random.Random(seed)
    kept = _kept_rounds(old_state, contest.setup if contest else None, spec)
    exclude = used_question_ids() if spec.get("exclude_used") else set()
    if contest is not None:  # an edit: this contest's own draws do not count as "used"
        exclude -= {u.bank_question_id for u in
                    QuestionUse.query.filter_by(contest_id=contest.id)}
    for questions in kept.values():
        exclude |= {q["bank_id"] for q in questions if q.get("bank_id")}
    old_ids = {i: [q["id"] for q in qs] for i, qs in kept.items()}
    rounds = _rounds(spec, exclude, rng, kept)  # renumbers the kept questions in place
    join = spec.get("join", joinpolicy.DEFAULT_POLICY)
    if join not in joinpolicy.POLICIES:
        raise SetupError(f"'join' must be one of {', '.join(joinpolicy.POLICIES)}",
                         f"join 须为 {'、'.join(joinpolicy.POLICIES)} 之一", "join")
    spec["join"] = join
    _set_name_filter(spec)
    if contest is None:
        code = str(spec.get("code") or _new_code())
        if Contest.query.filter_by(code=code).count():
            raise SetupError(f"the join code {code} is taken", f"参赛码 {code} 已被占用", "code")
        contest = Contest(code=code, host_key=secrets.token_urlsafe(24))
        db.session.add(contest)
    else:
        if "review" in (contest.setup or {}):
            spec["review"] = _kept_review(contest.setup["review"], kept, old_ids)
        for row in ContestSnapshot.query.filter_by(contest_id=contest.id).all():
            db.session.delete(row)
        ContestCommand.query.filter_by(contest_id=contest.id).delete()
        QuestionUse.query.filter_by(contest_id=contest.id).delete()
    contest.name = name
    contest.setup = {k: v for k, v in spec.items() if k != "code"}
    _place_teams(contest, teams)
    db.session.flush()
    setup = {
        "name": contest.name, "base_score": base, "seed": seed,
        "teams": [{"id": t.id, "name": t.name, "color": t.color, "seat": t.seat}
                  for t in contest.teams],
        "rounds": rounds, "settings": dict(spec.get("settings") or {}),
    }
    try:
        state = engine.new_state(setup)
    except engine.RuleError as err:
        db.session.rollback()
        raise _readable(err) from err
    store.save_initial(contest.id, state)
    for bank_id in {q["bank_id"] for r in rounds for q in r["questions"] if q["bank_id"]}:
        db.session.add(QuestionUse(contest_id=contest.id, bank_question_id=bank_id))
    db.session.commit()
    return contest


def _set_name_filter(spec: dict) -> None:
    """The word filter for names: a list of words (one a line on the form), checked here."""
    if "name_filter" not in spec:
        return
    words = namefilter.words_of(spec["name_filter"])
    if len(words) > namefilter.MAX_WORDS or any(len(w) > namefilter.MAX_WORD for w in words):
        raise SetupError(f"the name filter holds at most {namefilter.MAX_WORDS} words of at most "
                         f"{namefilter.MAX_WORD} characters",
                         f"名字过滤词最多 {namefilter.MAX_WORDS} 个，每个最多 "
                         f"{namefilter.MAX_WORD} 个字", "name_filter")
    if words:
        spec["name_filter"] = words
    else:
        del spec["name_filter"]


def _kept_review(review: dict, kept: dict[int, list], old_ids: dict[int, list]) -> dict:
    """The review's pins and spares of the rounds an edit kept; pins follow the renumbering."""
    out = {}
    for part, entries in review.items():
        out[part] = {}
        for rid, ids in (entries or {}).items():
            if int(rid) not in kept:
                continue
            if part == "pinned":
                new = dict(zip(old_ids[int(rid)], (q["id"] for q in kept[int(rid)]), strict=True))
                ids = [new[i] for i in ids if i in new]
            out[part][rid] = ids
    return out


def _place_teams(contest: Contest, teams: list[dict]) -> None:
    """Teams by position: rows kept (players who joined the lobby stay), new ones added."""
    rows = sorted(contest.teams, key=lambda t: t.id)
    for row, t in zip(rows, teams, strict=False):
        for k, v in t.items():
            setattr(row, k, v)
    for row in rows[len(teams):]:
        contest.teams.remove(row)
    for t in teams[len(rows):]:
        contest.teams.append(Team(**t))


def create_contest(spec: dict) -> Contest:
    """Validate ``spec``, draw its questions and store the contest with its initial state."""
    return _build(spec)


def is_started(state: dict) -> bool:
    """Whether the contest has left the lobby (a round or question begun): then no more edits."""
    if state["phase"] != "lobby" or state.get("q") is not None or state.get("tiebreak"):
        return True
    return any(p["started"] or p["used"] for p in state["progress"].values())


def status(contest: Contest) -> str:
    """draft / ready / running / finished (docs/guide: "Contests").

    ready: not started, at least two teams and every round holds questions; draft otherwise.
    """
    state, _seq = store.load(contest.id)
    if state["phase"] == "finished":
        return "finished"
    if is_started(state):
        return "running"
    ready = len(state["teams"]) >= 2 and all(r["question_ids"] for r in state["rounds"])
    return "ready" if ready else "draft"


def update_contest(contest: Contest, spec: dict) -> Contest:
    """Replace the setup of a contest that has not started (kept rounds keep their questions)."""
    state, _seq = store.load(contest.id)
    if is_started(state):
        raise SetupError("this contest has started: it can no longer be edited",
                         "比赛已经开始，不能再修改", None)
    spec = dict(spec)
    spec.pop("code", None)
    contest = _build(spec, contest, state)
    runtime.forget(contest.code)
    return contest


def duplicate_contest(contest: Contest) -> Contest:
    """Same format, next year: same teams, rounds and settings, a new code, key and draw."""
    dropped = ("seed", "code", "review", "archived")
    spec = {k: v for k, v in (contest.setup or {}).items() if k not in dropped}
    spec["name"] = (contest.name + " (副本)")[:200]
    return _build(spec)


def delete_contest(contest: Contest) -> None:
    """Delete a contest with its log, snapshots and players (the caller asked first)."""
    code = contest.code
    QuestionUse.query.filter_by(contest_id=contest.id).delete()
    db.session.delete(contest)
    db.session.commit()
    runtime.forget(code)


def set_archived(contest: Contest, archived: bool) -> None:
    contest.setup = dict(contest.setup or {}, archived=bool(archived))
    db.session.commit()


def is_archived(contest: Contest) -> bool:
    return bool((contest.setup or {}).get("archived"))
