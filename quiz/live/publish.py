"""Snapshots out: one view per role and change, sent to the projector and host first.

A broadcast costs the server ~77 µs per connected phone, so phone snapshots are
coalesced: at most one every ``PHONE_INTERVAL_S``; a burst of answers yields a
handful of phone broadcasts, never one per answer. The host and projector (a few
sockets) get every change at once, before the phones.
"""
import time

from sqlalchemy import func

from quiz import engine
from quiz.extensions import db, socketio
from quiz.models import Player

PHONE_INTERVAL_S = 0.1


def room(code: str, role: str) -> str:
    return f"{code}/{role}"


def snapshot(rt, role: str) -> dict:
    """The ``state`` message for ``role``: the engine's view plus the contest code."""
    view = engine.view(rt.state, role)
    view["contest"] = rt.code
    view["version"] = rt.state.get("version", 0)
    return view


def state_changed(rt, events: list[dict]) -> None:
    """Send the new state: host and projector now, phones now or within PHONE_INTERVAL_S."""
    for role in ("screen", "host"):
        socketio.emit("state", snapshot(rt, role), to=room(rt.code, role))
    if events:
        public = [e for e in events if not e.get("private")]
        socketio.emit("events", {"events": public}, to=room(rt.code, "screen"))
        socketio.emit("events", {"events": events}, to=room(rt.code, "host"))
    _phones_changed(rt)


def _phones_changed(rt) -> None:
    with rt.lock:
        wait = rt.phone_pushed_at + PHONE_INTERVAL_S - time.monotonic()
        if wait <= 0 and not rt.flush_scheduled:
            rt.phone_pushed_at = time.monotonic()
            rt.phone_dirty = False
            payload = snapshot(rt, "player")
        else:
            rt.phone_dirty = True
            if rt.flush_scheduled:
                return
            rt.flush_scheduled = True
            socketio.start_background_task(_flush_later, rt, max(wait, 0.0))
            return
    socketio.emit("state", payload, to=room(rt.code, "player"))


def _flush_later(rt, wait: float) -> None:
    socketio.sleep(wait)
    with rt.lock:
        rt.flush_scheduled = False
        if not rt.phone_dirty:
            return
        rt.phone_dirty = False
        rt.phone_pushed_at = time.monotonic()
        payload = snapshot(rt, "player")
    socketio.emit("state", payload, to=room(rt.code, "player"))


def presence(rt) -> dict:
    """Phones joined and connected per team (and, for the host, each phone's latency)."""
    joined = dict(
        db.session.query(Player.team_id, func.count(Player.id))
        .filter(Player.contest_id == rt.contest_id, Player.removed.is_(False))
        .group_by(Player.team_id)
        .all()
    )
    db.session.rollback()
    connected: dict[int, int] = {}
    for info in list(rt.phones.values()):
        if info.get("team") is not None:
            connected[info["team"]] = connected.get(info["team"], 0) + 1
    teams = {
        str(t["id"]): {"joined": joined.get(t["id"], 0), "connected": connected.get(t["id"], 0)}
        for t in rt.state.get("teams", [])
    }
    return {"teams": teams, "screens": len(rt.screens), "hosts": len(rt.hosts)}


def presence_changed(rt) -> None:
    public = presence(rt)
    socketio.emit("presence", public, to=room(rt.code, "screen"))
    phones = [
        {"player": i.get("player"), "name": i.get("name"), "team": i.get("team"),
         "rtt": i.get("rtt")}
        for i in list(rt.phones.values()) if i.get("player")
    ]
    socketio.emit("presence", dict(public, phones=phones), to=room(rt.code, "host"))
