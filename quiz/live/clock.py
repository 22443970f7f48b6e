"""Buzzer clocks: each socket's sync with the server clock, and the press fields of a buzz.

A buzzer (a phone, the buzzer desk, a hardware bridge) sends ``time`` samples; each ack carries
the server's ``now``. A sample sent right after the previous ack echoes that ``now`` back
(``echo``): the server then measures the round trip itself (its receipt minus the ``now`` it
issued to this very socket), so a buzzer cannot claim a shorter or longer one than its network
gives (the median of its last 8 bounds a press). The buzzer's own estimate of its offset and
its uncertainty ride along. A buzz then carries ``pressed_at`` (the server time of the touch, by
the buzzer's clock); the rules (quiz/engine/fairness.py) bound it by that round trip.
"""
from quiz.base.extensions import socketio
from quiz.engine import fairness

KEEP_RTTS = 8            # the last few round trips the server measured
MAX_UNCERTAINTY = 60000
GRADES = ((15, "good"), (fairness.RULE_DEFAULTS["poor_sync_ms"], "fair"))


def _small_int(value, top: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if 0 <= value < top else None


def record(info: dict, payload: dict, now: int) -> bool:
    """Take one ``time`` sample for this socket; True when its sync grade changed."""
    sync = info.setdefault("sync", {"rtts": [], "stamp": None})
    echo = payload.get("echo")
    if sync["stamp"] is not None and echo == sync["stamp"] and now >= echo:
        sync["rtts"] = (sync["rtts"] + [now - echo])[-KEEP_RTTS:]
    sync["stamp"] = now
    offset = payload.get("offset")
    if isinstance(offset, (int, float)) and not isinstance(offset, bool) and abs(offset) < 2**52:
        sync["offset"] = int(offset)
    unc = _small_int(payload.get("uncertainty"), MAX_UNCERTAINTY)
    if unc is not None:
        sync["uncertainty"] = unc
    teams = payload.get("desk_teams")
    if info["role"] == "host" and isinstance(teams, list) and len(teams) <= 200:
        info["desk_teams"] = [t for t in teams if type(t) is int]
    if sync["rtts"]:
        info["rtt"] = min(sync["rtts"])
    else:
        rtt = _small_int(payload.get("rtt"), 60000)
        if rtt is not None:
            info["rtt"] = rtt  # shown to the host only; presses use the measured one
    before, info["sync_grade"] = info.get("sync_grade"), grade(info)
    return before != info["sync_grade"]


def measured(info: dict) -> tuple[int | None, int | None]:
    """(the median of the recent round trips the server measured, the buzzer's offset
    uncertainty) of this socket. The median: a press travels at the link's usual pace (the
    fastest trip clamps honest presses that met jitter; the slowest lets a forger gain its
    worst spike)."""
    sync = info.get("sync") or {}
    rtts = sorted(sync.get("rtts") or [])
    return (rtts[len(rtts) // 2] if rtts else None), sync.get("uncertainty")


def grade(info: dict) -> str:
    """good / fair / poor / none: how far this socket's press times can be trusted."""
    rtt, unc = measured(info)
    if rtt is None or unc is None:
        return "none"
    for limit, name in GRADES:
        if unc <= limit:
            return name
    return "poor"


def press_fields(info: dict, payload: dict) -> dict:
    """The press of a buzz: the claimed server time of the touch and this socket's sync."""
    rtt, unc = measured(info)
    return {"claimed": _small_int(payload.get("pressed_at"), 2**53), "rtt": rtt,
            "uncertainty": unc}


def reach(rt) -> dict:
    """Per team, how long after a press its message may still arrive: the slowest of its
    connected buzzers' one-way delay + sync error + jitter margin (the collection window)."""
    margin = fairness.RULE_DEFAULTS["margin_ms"] + fairness.REACH_SLACK_MS
    out: dict[str, int] = {}

    def take(team, info):
        rtt, unc = measured(info)
        ms = (rtt if rtt is not None else fairness.COLLECT_MAX_MS) // 2 + (unc or 0) + margin
        out[str(team)] = max(out.get(str(team), 0), ms)

    for info in list(rt.phones.values()):
        if info.get("team") is not None:
            take(info["team"], info)
    for info in _host_infos(rt):
        for team in info.get("desk_teams") or ():
            take(team, info)
    return out


def _host_infos(rt) -> list[dict]:
    from quiz.live.clients import clients

    return [clients[sid] for sid in list(rt.hosts) if sid in clients]


def wake_at(app, rt, at_ms: int, now_ms: int) -> None:
    """Close a collection window on time (the timer loop polls only every 50 ms)."""
    from quiz.live import timers

    def run():
        socketio.sleep(max(0, at_ms - now_ms + 2) / 1000)
        with app.app_context():
            timers.run_due()

    socketio.start_background_task(run)
