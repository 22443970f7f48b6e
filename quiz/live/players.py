"""Phones: joining a team, the secret token that brings a phone back, removal, join limits."""
import hashlib
import secrets

from quiz import engine
from quiz.base import limits
from quiz.base.extensions import db
from quiz.engine import formats
from quiz.live import joinpolicy, namefilter
from quiz.live.runtime import Refused
from quiz.record.models import Contest, Player, Team

NAME_MAX = 20
# Ids are positive and fit SQLite's INTEGER (a bigger int makes the driver raise).
MAX_ID = 2**53


def is_id(value) -> bool:
    return type(value) is int and 0 < value < MAX_ID


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def contest_of(rt) -> Contest:
    contest = db.session.get(Contest, rt.contest_id)
    db.session.rollback()
    return contest


def by_token(rt, token) -> Player | None:
    """The player this token belongs to in this contest, or None (removed players too)."""
    if not isinstance(token, str) or not 16 <= len(token) <= 128:
        return None
    player = Player.query.filter_by(token_hash=token_hash(token)).one_or_none()
    db.session.rollback()
    if player is None or player.contest_id != rt.contest_id or player.removed:
        return None
    return player


def clean_name(value) -> str:
    """A display name: text only, white space folded, at most NAME_MAX characters."""
    if not isinstance(value, str):
        return ""
    name = " ".join(value.split())
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:NAME_MAX]


def join(rt, info: dict, payload: dict, address: str, sid: str | None = None) -> dict:
    """Join a team under the contest's join policy (quiz/live/joinpolicy.py): the ack fields of a
    new player (with its secret token), or of a request waiting for the host (``pending``)."""
    if info.get("player"):
        raise Refused("already_joined", "This phone has already joined.", "此手机已经加入。")
    team_id = payload.get("team")
    if not is_id(team_id):
        raise Refused("bad_team", "Pick a team.", "请选择队伍。")
    name = clean_name(payload.get("name"))
    if not name:
        raise Refused("bad_name", "Enter your name (up to 20 characters).",
                      "请输入姓名（最多 20 个字）。")
    view = engine.view(rt.state, "player")
    if view.get("lobby_locked"):
        raise Refused("lobby_locked", "The lobby is locked; ask the host.",
                      "主持人已锁定加入，请联系主持人。")
    # joins per address and per contest, counted once for every process (quiz/base/limits.py)
    if not limits.get().take("join_address", address) or not limits.get().take(
            "join_contest", rt.code):
        raise Refused("rate_limited", "Too many joins; wait a minute.", "加入太频繁，请稍后再试。")
    contest = contest_of(rt)
    check_name(contest, name)
    policy, host_key = joinpolicy.policy_of(contest.setup), contest.host_key
    team = db.session.get(Team, team_id)
    if team is None or team.contest_id != rt.contest_id:
        db.session.rollback()
        raise Refused("bad_team", "No such team in this contest.", "本场比赛没有这个队伍。")
    try:
        decision = joinpolicy.decide(policy, host_key, team.id, payload.get("secret"))
    except joinpolicy.BadSecret:
        db.session.rollback()
        raise Refused("bad_team_secret",
                      "This team link is not valid: scan your team's card again, or ask the host.",
                      "队伍链接无效：请重新扫描本队的卡片，或联系主持人。") from None
    if decision == joinpolicy.ASK:
        team_id = team.id
        db.session.rollback()
        from quiz.live import join_requests, runtime

        return join_requests.ask(rt.code, sid, info, team_id, name, runtime.now_ms())
    return admit(rt, info, team, name)


def check_name(contest: Contest, name: str) -> None:
    """Refuse a name holding a word of the contest's filter (quiz/live/namefilter.py)."""
    words = namefilter.words_of((contest.setup or {}).get("name_filter"))
    if words and namefilter.blocked(name, words):
        raise Refused("name_not_allowed",
                      "This name is not allowed in this contest; choose another name.",
                      "这个名字不能在本场比赛中使用，请换一个名字。")


def admit(rt, info: dict, team: Team, name: str) -> dict:
    """Create the player on ``team`` for the phone whose client record is ``info``; the join
    ack fields, with the secret token (shown once; only its hash is kept)."""
    token = secrets.token_urlsafe(24)
    team_id, team_name = team.id, team.name
    player = Player(contest_id=rt.contest_id, team_id=team_id, name=name,
                    token_hash=token_hash(token))
    db.session.add(player)
    db.session.commit()
    info.update(player=player.id, team=team_id, name=name)
    from quiz.live import publish

    with rt.lock:
        publish.player_joined(rt, team_id, +1)
    return {"token": token, "player": player.id, "team": team_id, "name": name,
            "team_name": team_name}


def remove(rt, player_id) -> Player:
    """Mark a player removed: its token stops working and its phones are disconnected."""
    if not is_id(player_id):
        raise Refused("bad_command", "Say which player.", "请指定选手。")
    player = db.session.get(Player, player_id)
    if player is None or player.contest_id != rt.contest_id:
        db.session.rollback()
        raise Refused("unknown_player", "No such player.", "没有这个选手。")
    was_removed = player.removed
    player.removed = True
    db.session.commit()
    if not was_removed:
        from quiz.live import publish

        with rt.lock:
            publish.player_joined(rt, player.team_id, -1)
    return player


def me(rt, info: dict) -> dict:
    """What a phone needs about itself: who it is and its answer to the current question."""
    return {"player": info["player"], "team": info["team"], "name": info["name"],
            "answer": current_answer(rt.state, info["player"], info["team"])}


def current_answer(state: dict, player_id: int, team_id: int):
    """This phone's (or its team's) answer to the current question, if it gave one."""
    q = state.get("q")
    if not q:
        return None
    if formats.get(q["kind"]).capabilities["tap_answer"]:   # answers of every team
        rec = q.get("answers", {}).get(str(team_id))
        if rec and "answer" not in rec:  # per-player answers: {player_id: record}
            rec = rec.get(str(player_id))
    else:
        rec = q.get("submissions", {}).get(str(team_id))
    return rec.get("answer") if rec else None
