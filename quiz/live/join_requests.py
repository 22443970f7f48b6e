"""Joins waiting for the host (docs/protocol.md, "Join policy"): asked, listed, approved, refused.

A phone that may not join a team by itself (quiz/live/joinpolicy.py) gets a pending request: the ack
says ``pending``, every host console lists the request (``join_requests``), and the host's
``approve_join`` lets the phone in (it gets ``join_approved`` with its token, as a join ack) or
``refuse_join`` sends it ``join_refused``. A request lives as long as the phone's socket: a phone
that leaves, or asks again, drops its old request. Requests are kept in this process's memory
(the phone's socket is here); at most MAX_PER_CONTEST wait at once.
"""
from __future__ import annotations

import itertools
import threading
import time

from quiz.base.extensions import socketio
from quiz.live.runtime import Refused

MAX_PER_CONTEST = 200

_lock = threading.Lock()
_ids = itertools.count(1)
# contest code -> request id -> {"id", "sid", "team", "name", "at", "info"}
_pending: dict[str, dict[int, dict]] = {}


def _public(req: dict) -> dict:
    return {"id": req["id"], "team": req["team"], "name": req["name"], "at": req["at"]}


def listing(code: str) -> dict:
    """What a host console shows: the waiting requests, oldest first."""
    with _lock:
        reqs = sorted(_pending.get(code, {}).values(), key=lambda r: r["id"])
        return {"requests": [_public(r) for r in reqs]}


def send_listing(code: str, to: str | None = None) -> None:
    from quiz.live import publish

    socketio.emit("join_requests", listing(code), to=to or publish.room(code, "host"))


def ask(code: str, sid: str, info: dict, team_id: int, name: str, now_ms: int) -> dict:
    """File (or replace) this phone's request; the join ack fields."""
    with _lock:
        reqs = _pending.setdefault(code, {})
        for rid in [r for r, req in reqs.items() if req["sid"] == sid]:
            del reqs[rid]
        if len(reqs) >= MAX_PER_CONTEST:
            raise Refused("rate_limited", "Too many phones are waiting; try again in a minute.",
                          "等待主持人同意的手机太多，请稍后再试。")
        rid = next(_ids)
        reqs[rid] = {"id": rid, "sid": sid, "team": team_id, "name": name, "at": now_ms,
                     "info": info, "asked": time.monotonic()}
    send_listing(code)
    return {"pending": True, "request": rid, "team": team_id, "name": name}


def take(code: str, request_id) -> dict:
    """Remove and return a waiting request (for the host's approve or refuse)."""
    with _lock:
        req = _pending.get(code, {}).pop(request_id, None) if type(request_id) is int else None
    if req is None:
        raise Refused("unknown_request", "That join request is gone (the phone left or was "
                      "answered).", "该加入申请已不存在（手机已离开或已处理）。")
    return req


def forget(code: str, sid: str) -> None:
    """The phone left: drop its request, if any."""
    with _lock:
        reqs = _pending.get(code, {})
        gone = [rid for rid, req in reqs.items() if req["sid"] == sid]
        for rid in gone:
            del reqs[rid]
    if gone:
        send_listing(code)


def waiting(code: str, sid: str) -> bool:
    with _lock:
        return any(req["sid"] == sid for req in _pending.get(code, {}).values())
