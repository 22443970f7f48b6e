"""The `media` socket event: the host plays/pauses the projector's sound; screens only."""

from tests.helpers import TeamActions as Phone


def _names(sock, name):
    return [m["args"][0] for m in sock.get_received() if m["name"] == name]


def test_media_event_is_host_only_and_reaches_the_screens_only(make_contest, make_socket):
    c = make_contest()
    host = make_socket(c["code"], role="host", key=c["host_key"])
    screen = make_socket(c["code"], role="screen")
    phone = Phone(make_socket, c["code"], c["teams"][0])
    for action in ("next", "next"):  # round intro, then the first question
        assert host.emit("host", {"action": action}, callback=True)["ok"]
    qid = _names(host, "state")[-1]["question"]["id"]
    for sock in (host, screen, phone.sock):
        sock.get_received()

    ack = host.emit("media", {"action": "play", "question": qid}, callback=True)
    assert ack == {"ok": True}
    assert _names(screen, "media") == [{"action": "play", "question": qid, "index": 0}]
    assert _names(phone.sock, "media") == [] and _names(host, "media") == []

    for sock in (phone.sock, screen):
        ack = sock.emit("media", {"action": "play", "question": qid}, callback=True)
        assert ack["ok"] is False and ack["error"] == "forbidden" and ack["message_zh"]
    for bad in (
        {"action": "explode", "question": qid},
        {"action": "play", "question": qid + 1},
        {"action": "play", "question": str(qid)},
        {"action": "play", "question": qid, "index": -1},
        "play",
        None,
    ):
        ack = host.emit("media", bad, callback=True)
        assert ack["ok"] is False and ack["error"] in (
            "bad_command",
            "stale_question",
            "bad_payload",
        ), (bad, ack)
    assert _names(screen, "media") == []
