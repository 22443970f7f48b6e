"""Socket.IO events: the edge of the live layer (see docs/protocol.md).

Every client event is answered with an ack ``{"ok": true, ...}`` or
``{"ok": false, "error": CODE, "message": TEXT, "message_zh": TEXT}``. A malformed payload
gets an error ack, never an exception; a phone can never send what only the host may.
"""
import functools
import logging

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, join_room

from quiz import engine
from quiz.base import auth, limits
from quiz.base.extensions import socketio
from quiz.live import (
    clock,
    host_actions,
    join_requests,
    personal,
    players,
    publish,
    runtime,
    timers,
    transport,
)
from quiz.live.clients import clients
from quiz.live.runtime import Refused

log = logging.getLogger(__name__)


ROLES = ("host", "screen", "player")
# Flood control per player for the phone's game events (buzz, answer, wager): a burst, then a
# rate a second (QUIZ_FLOOD), shared by every socket of that player (its token) and, with
# REDIS_URL, by every process (quiz/base/limits.py "Flood"): one token on 100 sockets used to get
# 100 buckets (6,000 answers in 12 s, issue 19). A socket that has not joined has a bucket of
# its own. Beyond that the phone gets `rate_limited` at once, without taking the contest's
# lock, touching the engine or the database.


def _refuse(code: str, message: str, message_zh: str):
    # (message, data): python-socketio sends the message as text and the dict as `data`
    raise ConnectionRefusedError(message, {"error": code, "message": message,
                                           "message_zh": message_zh})


@socketio.on("connect")
def on_connect(auth_data=None):
    if not isinstance(auth_data, dict):
        _refuse("bad_auth", "Connect with an auth object.", "连接时需要提供认证信息。")
    code, role = auth_data.get("contest"), auth_data.get("role")
    if not isinstance(code, str) or role not in ROLES:
        _refuse("bad_auth", "Give a contest code and a role.", "需要比赛代码和角色。")
    if auth.code_guesses_throttled():
        _refuse("rate_limited", "Too many unknown codes; wait a few minutes.",
                "尝试的比赛代码过多，请稍后再试。")
    rt = runtime.fresh(code.strip())
    if rt is None:
        auth.record_code_miss()
        _refuse("unknown_contest", "No such contest.", "没有这场比赛。")
    info = {"code": rt.code, "role": role, "player": None, "team": None, "name": None}
    if role == "host":
        key = auth_data.get("key")
        contest = players.contest_of(rt)
        if key is not None and auth.sign_in_throttled():
            _refuse("rate_limited", "Too many wrong host keys; wait a few minutes.",
                    "主持人密钥错误次数过多，请稍后再试。")
        key = key if isinstance(key, str) else None
        if not (auth.check_host_key(contest, key) or auth.can_host(rt.code)):
            if not _judge_credential(contest, key, rt.code):
                if key is not None:
                    auth.record_sign_in_failure()
                _refuse("bad_credential", "Wrong host credential.", "主持人凭据错误。")
            info["judge"] = True      # the host's view; may only rule (on_host)
    elif role == "player":
        token = auth_data.get("token")
        if token is not None:
            player = players.by_token(rt, token)
            if player is None:
                _refuse("bad_token", "This phone's sign-in is no longer valid; join again.",
                        "此手机的登录已失效，请重新加入。")
            info.update(player=player.id, team=player.team_id, name=player.name)
    timers.ensure_started(current_app._get_current_object())
    sid = request.sid
    clients[sid] = info
    join_room(publish.room(rt.code, role))
    if info["player"]:
        join_room(f"player/{info['player']}")
    with rt.lock:
        if role == "player":
            older = _sockets_over_cap(rt, info)
            rt.phones[sid] = info
        elif role == "host":
            rt.hosts.add(sid)
        else:
            rt.screens.add(sid)
        snap = publish.snapshot(rt, role)
    socketio.emit("state", snap, to=sid)
    if info["player"]:
        socketio.emit("me", players.me(rt, info), to=sid)
    if role == "host":
        join_requests.send_listing(rt.code, to=sid)
    for old in older if role == "player" else ():
        socketio.server.disconnect(old)
    publish.presence_changed(rt)


def _sockets_over_cap(rt, info: dict) -> list[str]:
    """The oldest sockets of this player beyond QUIZ_MAX_SOCKETS_PER_PLAYER - 1, to close when
    its new socket comes (a reloaded phone's old socket lingers until its ping times out; one
    token cannot hold a hundred sockets). Call under the contest's lock."""
    if not info["player"]:
        return []
    mine = [s for s, i in rt.phones.items() if i.get("player") == info["player"]]
    keep = max(current_app.config.get("QUIZ_MAX_SOCKETS_PER_PLAYER", 3) - 1, 0)
    return mine[:max(len(mine) - keep, 0)]


@socketio.on("disconnect")
def on_disconnect(*_args):
    info = clients.pop(request.sid, None)
    if not info:
        return
    rt = runtime.get(info["code"])
    if rt is None:
        return
    with rt.lock:
        rt.phones.pop(request.sid, None)
        rt.hosts.discard(request.sid)
        rt.screens.discard(request.sid)
    join_requests.forget(rt.code, request.sid)
    publish.presence_changed(rt)


def _flood_ok(info: dict) -> bool:
    """Take a token from the player's bucket; False when it is empty."""
    flood = limits.get().flood
    if not info.get("player"):
        return flood.allow(info, None)
    key = f"{info['code']}:{info['player']}"
    return flood.allow(flood.bucket(key), key)


NOT_CONNECTED = {"ok": False, "error": "not_connected", "message": "Connect first.",
                 "message_zh": "请先连接。"}


def _answer(event: str, fn, sid: str, payload, limited: bool):
    """Run ``fn(info, payload)`` for client ``sid`` and return its ack; nothing escapes."""
    info = clients.get(sid)
    if info is None:
        return NOT_CONNECTED
    if limited and not _flood_ok(info):
        return {"ok": False, "error": "rate_limited",
                "message": "Too fast; wait a moment.", "message_zh": "操作太频繁，请稍候。"}
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        return {"ok": False, "error": "bad_payload",
                "message": "The message must be an object.",
                "message_zh": "消息格式错误。"}
    try:
        return fn(info, payload)
    except Refused as err:
        return err.ack()
    except Exception:
        log.exception("socket event %s failed", event)
        runtime.rollback_session()
        return {"ok": False, "error": "server_error",
                "message": "The server could not do that.",
                "message_zh": "服务器无法完成该操作。"}


# The bare events' handlers, registered on python-socketio's server itself (``register_bare``).
_bare: dict[str, object] = {}


def register_bare(server) -> None:
    """Register the bare events through python-socketio's public ``Server.on``.

    Flask-SocketIO's ``on``/``on_event`` always wrap a handler in its request context (the
    cost a bare event avoids), and it hands its own list to each new server at ``init_app``;
    so the factory calls this after every ``init_app`` (quiz/factory.py)."""
    for event, raw in _bare.items():
        server.on(event, raw, namespace="/")


def acked(event: str, limited: bool = False, bare: bool = False):
    """Register a client event whose handler returns an ack; no exception escapes it.

    ``bare`` events (the phone's game events, a hall of them at once) skip Flask-SocketIO's
    per-event request context (URL matching, the session cookie: ~15% of a buzz's CPU): the
    handler runs in an app context only, so it may not use ``request``, ``session`` or the
    room helpers; the client's ``info`` carries what it needs. A reserved name (``connect``...,
    quiz/live/transport.py 8.) is never a client event.
    """
    if event in transport.RESERVED_EVENTS:
        raise ValueError(f"{event!r} is a reserved Socket.IO event name")

    def decorate(fn):
        if bare:
            def raw(sid, *args):
                environ = socketio.server.get_environ(sid)
                if not environ:
                    return NOT_CONNECTED
                with environ["flask.app"].app_context():
                    return _answer(event, fn, sid, args[0] if args else None, limited)

            _bare[event] = raw
            return fn

        @functools.wraps(fn)
        def handler(*args):
            return _answer(event, fn, request.sid, args[0] if args else None, limited)

        socketio.on_event(event, handler)
        return fn

    return decorate


def _run(info: dict, command: dict) -> dict:
    rt, events = runtime.execute(info["code"], command)
    version = rt.state.get("version")  # this command's, before publishing can yield
    runtime.publish_safely(rt, events)
    return {"ok": True, "version": version}


def _player_actor(info: dict) -> dict:
    if info["role"] != "player":
        raise Refused("forbidden", "Only a player may do that.", "只有选手可以这样做。")
    if not info["player"]:
        raise Refused("not_joined", "Join a team first.", "请先加入一个队伍。")
    return {"role": "player", "team": info["team"], "player": info["player"],
            "name": info["name"]}


@acked("time", bare=True)
def on_time(info, payload):
    now = runtime.now_ms()
    if clock.record(info, payload, now) and info["role"] == "player":
        rt = runtime.get(info["code"])
        if rt is not None:
            publish.presence_changed(rt)  # the host shows each phone's sync quality
    return {"ok": True, "now": now}


@acked("join")
def on_join(info, payload):
    if info["role"] != "player":
        raise Refused("forbidden", "Only a phone may join a team.", "只有手机可以加入队伍。")
    rt = runtime.get(info["code"])
    result = players.join(rt, info, payload, request.remote_addr or "?", request.sid)
    if result.get("pending"):  # waits for the host (quiz/live/join_requests.py)
        return dict(result, ok=True)
    join_room(f"player/{info['player']}")
    publish.presence_changed(rt)
    return dict(result, ok=True)


@acked("buzz", limited=True, bare=True)
def on_buzz(info, payload):
    actor = _player_actor(info)
    rt = runtime.get(info["code"])
    # When a hall buzzes at once most presses repeat their team's: refuse those without the
    # lock, the engine or the database (the engine still judges every other buzz).
    if rt is not None and engine.already_buzzed(rt.state, actor["team"], payload.get("question")):
        raise Refused("already_buzzed", "one buzz per team per question", "本题已抢过")
    return clock_buzz(info, actor, payload, rt)


def clock_buzz(info: dict, actor: dict, payload: dict, rt=None) -> dict:
    """A buzz with its press time and this buzzer's sync (quiz/live/clock.py).

    Only fair order reads the teams' reach (the collection window): it walks every connected
    phone, so an arrival-order buzz does not compute it."""
    rt = rt if rt is not None else runtime.get(info["code"])
    fair = rt is not None and rt.state["settings"].get("buzz_order") == "fair"
    command = {"type": "buzz", "question": payload.get("question"), "actor": actor,
               "press": clock.press_fields(info, payload),
               "reach": clock.reach(rt) if fair else None}
    ack = _run(info, command)
    if rt is not None and rt.state.get("deadline_kind") == "buzz_collect":
        clock.wake_at(current_app._get_current_object(), rt, rt.state["deadline"],
                      runtime.now_ms())
    return ack


@acked("mine", bare=True)
def on_mine(info, payload):
    """A phone asks for its own line: personal points and rank, its answers once finished."""
    _player_actor(info)
    rt = runtime.get(info["code"])
    if rt is None:
        raise Refused("unknown_contest", "No such contest.", "没有这场比赛。")
    lang = payload.get("lang")
    return personal.mine(rt, info, lang if isinstance(lang, str) else "zh")


@acked("desk_buzz")
def on_desk_buzz(info, payload):
    """The buzzer desk (a host socket on the hall's machine) buzzes for the team of a key."""
    if info["role"] != "host":
        raise Refused("forbidden", "Only the host's buzzer desk may do that.",
                      "只有主持人的抢答器页面可以这样做。")
    team = payload.get("team")
    if type(team) is not int or team not in (info.get("desk_teams") or ()):
        raise Refused("bad_team", "That key is not set for a team on this desk.",
                      "该按键未设置给任何队伍。")
    actor = {"role": "player", "team": team, "player": None, "name": "buzzer desk"}
    return clock_buzz(info, actor, payload)


@acked("answer", limited=True, bare=True)
def on_answer(info, payload):
    command = {"type": "answer", "question": payload.get("question"),
               "answer": payload.get("answer"), "actor": _player_actor(info)}
    return _run(info, command)


@acked("wager", limited=True, bare=True)
def on_wager(info, payload):
    """风险: the choosing team picks a value on its phone, or passes."""
    actor = _player_actor(info)
    if payload.get("pass") is True:
        return _run(info, {"type": "pass", "actor": actor})
    return _run(info, {"type": "choose_wager", "value": payload.get("value"), "actor": actor})


def _judge_credential(contest, key: str | None, code: str) -> bool:
    """A judge (评委) connects as role host with the judge's key, or its signed-in session."""
    return auth.check_judge_key(contest, key) or (key is None and auth.can_judge(code))


JUDGE_ACTIONS = frozenset({"judge"})


@acked("host")
def on_host(info, payload):
    if info["role"] != "host":
        raise Refused("forbidden", "Only the host may do that.", "只有主持人可以这样做。")
    if info.get("judge") and payload.get("action") not in JUDGE_ACTIONS:
        raise Refused("forbidden", "A judge may only rule answers right or wrong.",
                      "评委只能判定答案对错。")
    return host_actions.handle(info, payload)



MEDIA_ACTIONS = ("play", "pause", "restart")


@acked("reveal")
def on_reveal(info, payload):
    """The host skips the staged reveal of the final standings on the projector. Not a state
    change: relayed to the screens only."""
    if info["role"] != "host" or info.get("judge"):
        raise Refused("forbidden", "Only the host may do that.", "只有主持人可以这样做。")
    if payload.get("action") != "skip":
        raise Refused("bad_command", "action must be skip.", "action 必须是 skip。")
    rt = runtime.get(info["code"])
    with rt.lock:
        finished = rt.state.get("phase") == "finished"
    if not finished:
        raise Refused("wrong_phase", "The contest is not finished.", "比赛尚未结束。")
    personal.skipped(rt)
    for role in ("screen", "player"):     # the phones keep their place hidden until then
        socketio.emit("reveal", {"action": "skip"}, to=publish.room(rt.code, role))
    return {"ok": True}


@acked("media")
def on_media(info, payload):
    """The host plays or pauses the current question's sound/video on the projector. Not a
    state change (nothing for the engine, the log or a replay): relayed to the screens only."""
    if info["role"] != "host" or info.get("judge"):
        raise Refused("forbidden", "Only the host may do that.", "只有主持人可以这样做。")
    action, question = payload.get("action"), payload.get("question")
    index = payload.get("index", 0)
    if action not in MEDIA_ACTIONS:
        raise Refused("bad_command", "action must be play, pause or restart.",
                      "action 必须是 play、pause 或 restart。")
    if type(index) is not int or not 0 <= index < 20:
        raise Refused("bad_command", "index must be a media index.", "index 必须是媒体序号。")
    rt = runtime.get(info["code"])
    with rt.lock:
        current = (rt.state.get("q") or {}).get("id")
    if type(question) is not int or question != current:
        raise Refused("stale_question", "That is not the current question.", "这不是当前题目。")
    socketio.emit("media", {"action": action, "question": question, "index": index},
                  to=publish.room(rt.code, "screen"))
    return {"ok": True}
