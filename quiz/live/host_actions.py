"""The host's commands: most go straight to the engine; a few need the bank or the players."""
from quiz import engine
from quiz.base.extensions import db, socketio
from quiz.live import draws, join_requests, players, publish, runtime
from quiz.live.clients import clients
from quiz.live.runtime import Refused
from quiz.record.models import Team

EDGE_ACTIONS = frozenset({"remove_player", "approve_join", "refuse_join"})


def _host_actor(info: dict) -> dict:
    """Who gave the command, for the log: the host, or the judge (评委) beside it."""
    return {"role": "host", "name": "judge" if info.get("judge") else "host"}


def handle(info: dict, payload: dict) -> dict:
    action = payload.get("action")
    if not isinstance(action, str) or (
        action not in engine.host_commands() and action not in EDGE_ACTIONS
    ):
        raise Refused("unknown_action", "Unknown host action.", "未知的主持人操作。")
    rt = runtime.get(info["code"])
    if action == "remove_player":
        return _remove_player(rt, payload)
    if action in ("approve_join", "refuse_join"):
        return _answer_join(rt, action, payload)
    command = {k: v for k, v in payload.items() if k != "action"}
    command["type"] = action
    command["actor"] = _host_actor(info)
    drawn = None
    if action == "swap_question" and "replacement" not in command:
        # the spares the organizer set aside in the review come first, then the bank
        drawn = command["replacement"] = draws.replacement(rt, command.get("question"))
    if action == "start_tiebreak" and "question" not in command:
        drawn = command["question"] = draws.tiebreak_question(rt)
    rt, events = runtime.execute(info["code"], command)
    version = rt.state.get("version")  # this command's, before anything below can yield
    if drawn is not None:  # only a question the rules took counts as used
        draws.record_use(rt.contest_id, drawn)
    runtime.publish_safely(rt, events, by_host=True)
    return {"ok": True, "version": version}


def _remove_player(rt, payload: dict) -> dict:
    player = players.remove(rt, payload.get("player"))
    for sid, client in list(clients.items()):
        if client.get("player") == player.id:
            socketio.emit("removed", {"message": "The host removed this phone.",
                                      "message_zh": "主持人已将此手机移出比赛。"}, to=sid)
            socketio.server.disconnect(sid, namespace="/")
    publish.presence_changed(rt)
    return {"ok": True, "removed": player.id}


def _answer_join(rt, action: str, payload: dict) -> dict:
    """The host lets a waiting phone in (it gets its token in ``join_approved``) or refuses it
    (``join_refused``); every console's list of requests is updated."""
    req = join_requests.take(rt.code, payload.get("request"))
    sid, info = req["sid"], req["info"]
    if action == "refuse_join" or clients.get(sid) is not info or info.get("player"):
        join_requests.send_listing(rt.code)
        if action == "approve_join":  # the phone left (or joined) meanwhile
            raise Refused("unknown_request", "That phone has left.", "该手机已离开。")
        socketio.emit("join_refused", {
            "error": "join_refused", "message": "The host did not let this phone join.",
            "message_zh": "主持人未同意此手机加入。"}, to=sid)
        return {"ok": True, "refused": req["id"]}
    team = db.session.get(Team, req["team"])
    if team is None or team.contest_id != rt.contest_id:
        db.session.rollback()
        raise Refused("bad_team", "No such team in this contest.", "本场比赛没有这个队伍。")
    result = players.admit(rt, info, team, req["name"])
    socketio.server.enter_room(sid, f"player/{result['player']}", namespace="/")
    socketio.emit("join_approved", dict(result, ok=True), to=sid)
    socketio.emit("me", players.me(rt, info), to=sid)
    join_requests.send_listing(rt.code)
    publish.presence_changed(rt)
    return {"ok": True, "approved": req["id"], "player": result["player"]}
