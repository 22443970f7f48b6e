"""Snapshots out: one view per role and change, coalesced per role.

A broadcast costs the server ~77 µs per connected phone, and the host's snapshot grows with
the contest, so each role's `state` is coalesced: the first change after a quiet spell goes
out at once, later ones within the role's interval are merged into one send of the newest
state. A burst of 1000 answers yields a handful of phone broadcasts, not one per answer.
The projector's interval is the shortest, and the small `events` cues (a buzz, a score)
always go to the projector and the host at once.
"""
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func

from quiz import engine
from quiz.base import metrics
from quiz.base.extensions import db, socketio
from quiz.record.models import Player

# Seconds between two sends of a role's state (0: every change). QUIZ_COALESCE overrides.
DEFAULT_INTERVALS = {"screen": 0.05, "host": 0.1, "player": 0.1, "presence": 0.5}
JOINED_REFRESH_S = 5.0
# Changes that need no cue of their own: an answer handed in (a hall of them in the all-answer
# round) shows in the next state's answered_count / the host's answer list.
SILENT_EVENTS = frozenset({"answer_received", "answer_submitted"})


@dataclass
class Throttle:
    interval: float
    last: float = float("-inf")
    scheduled: bool = False


def room(code: str, role: str) -> str:
    return f"{code}/{role}"


def snapshot(rt, role: str, copy: bool = True) -> dict:
    """The ``state`` message for ``role``: the engine's view plus the contest code.

    ``copy=False`` when it is sent at once under the contest's lock (encoded before the state
    can change), which saves a deep copy of the whole view per send.
    """
    view = engine.view(rt.state, role, copy=copy)
    view["contest"] = rt.code
    view["version"] = rt.state.get("version", 0)
    return view


def _interval(key: str) -> float:
    overrides = current_app.config.get("QUIZ_COALESCE") or {}
    return float(overrides.get(key, DEFAULT_INTERVALS[key]))


def _coalesced(rt, key: str, send, now_please: bool = False) -> None:
    """Call ``send(rt)`` now, or once at the end of the key's interval for a burst.

    ``now_please`` sends at once whatever the interval (a pending later send still goes).
    """
    with rt.lock:
        th = rt.throttles.get(key)
        if th is None:
            th = rt.throttles[key] = Throttle(_interval(key))
        now = time.monotonic()
        if now_please:
            th.last = now
        elif th.scheduled:
            return
        wait = th.last + th.interval - now
        if now_please or wait <= 0:
            th.last = now
        else:
            th.scheduled = True
            app = current_app._get_current_object()
            socketio.start_background_task(_send_later, app, rt, th, send, wait)
            return
    send(rt)


def _send_later(app, rt, th: Throttle, send, wait: float) -> None:
    socketio.sleep(wait)
    with app.app_context():
        with rt.lock:
            th.scheduled = False
            th.last = time.monotonic()
        send(rt)


def _state_sender(role: str):
    def send(rt) -> None:
        # Encoded under the lock (a consistent view, shared parts and all): the packet is
        # built once and written to every socket that can take it at once (quiz/live/transport.py).
        started = time.perf_counter()
        with rt.lock:
            socketio.emit("state", snapshot(rt, role, copy=False), to=room(rt.code, role))
        took.observe(time.perf_counter() - started)

    took = metrics.BROADCAST_SECONDS.labels(role)
    return send


_SENDERS = {role: _state_sender(role) for role in ("screen", "host", "player")}


def state_changed(rt, events: list[dict], by_host: bool = False) -> None:
    """Send the new state: cues and the projector first, then the host, then the phones.

    A change the host made reaches the projector and the host console at once (the host acts
    on what the console shows next); bursts from phones are coalesced.
    """
    events = [e for e in events if e.get("type") not in SILENT_EVENTS]
    if events:
        public = [e for e in events if not e.get("private")]
        socketio.emit("events", {"events": public}, to=room(rt.code, "screen"))
        socketio.emit("events", {"events": events}, to=room(rt.code, "host"))
    # The first buzz of a question reaches the projector and the host at once, whatever
    # was sent to them in the interval before it.
    urgent = by_host or any(e.get("type") == "buzz" and e.get("first") for e in events)
    for role in ("screen", "host", "player"):
        _coalesced(rt, role, _SENDERS[role], now_please=urgent and role != "player")


def _joined_counts(rt) -> dict[int, int]:
    """Phones joined per team, from the database at most every JOINED_REFRESH_S."""
    now = time.monotonic()
    if rt.joined is None or now - rt.joined_at > JOINED_REFRESH_S:
        rt.joined = dict(
            db.session.query(Player.team_id, func.count(Player.id))
            .filter(Player.contest_id == rt.contest_id, Player.removed.is_(False))
            .group_by(Player.team_id)
            .all()
        )
        rt.joined_at = now
        db.session.rollback()
    return rt.joined


def player_joined(rt, team_id: int, delta: int = 1) -> None:
    """Keep the cached joined count in step with a join (+1) or a removal (-1)."""
    if rt.joined is not None:
        rt.joined[team_id] = max(rt.joined.get(team_id, 0) + delta, 0)


def presence(rt) -> dict:
    """Phones joined and connected per team."""
    joined = _joined_counts(rt)
    connected: dict[int, int] = {}
    for info in list(rt.phones.values()):
        if info.get("team") is not None:
            connected[info["team"]] = connected.get(info["team"], 0) + 1
    teams = {
        str(t["id"]): {"joined": joined.get(t["id"], 0), "connected": connected.get(t["id"], 0)}
        for t in rt.state.get("teams", [])
    }
    return {"teams": teams, "screens": len(rt.screens), "hosts": len(rt.hosts)}


LOBBY_NAMES = 30      # nicknames per team shown on the projector's lobby


def lobby_names(rt) -> dict:
    """The nicknames of the connected phones per team, for the projector's lobby (each player
    once, however many sockets it has; at most LOBBY_NAMES a team)."""
    seen: dict[int, str] = {}
    for info in list(rt.phones.values()):
        if info.get("player") and info.get("team") is not None:
            seen[info["player"]] = (info["team"], info.get("name") or "")
    names: dict[str, list[str]] = {}
    for pid in sorted(seen):
        team, name = seen[pid]
        got = names.setdefault(str(team), [])
        if len(got) < LOBBY_NAMES:
            got.append(name)
    return names


def _send_presence(rt) -> None:
    public = presence(rt)
    socketio.emit("presence", dict(public, names=lobby_names(rt)), to=room(rt.code, "screen"))
    phones = [
        {"player": i.get("player"), "name": i.get("name"), "team": i.get("team"),
         "rtt": i.get("rtt"), "sync": i.get("sync_grade")}
        for i in list(rt.phones.values()) if i.get("player")
    ]
    socketio.emit("presence", dict(public, phones=phones), to=room(rt.code, "host"))


def presence_changed(rt) -> None:
    """Tell the host and projector who is connected (coalesced: a hall joins in a minute)."""
    _coalesced(rt, "presence", _send_presence)
