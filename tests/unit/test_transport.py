"""simple-websocket's send must not drop the tail of a frame when the socket takes only part."""
from simple_websocket.ws import Base

from quiz.live import transport


class ChokingSocket:
    """Accepts at most 1000 bytes per send(), like a socket whose buffer is full."""

    def __init__(self):
        self.data = b""

    def send(self, data):
        self.data += bytes(data[:1000])
        return min(len(data), 1000)

    def sendall(self, data):
        while data:
            data = data[self.send(data):]


class Framer:
    """Stands in for wsproto: a 'frame' is a marker plus the message bytes."""

    def send(self, event):
        data = event.data if isinstance(event.data, bytes) else event.data.encode("utf-8")
        return b"FRAME:" + data


def test_a_large_message_is_sent_whole():
    transport.apply()
    ws = Base.__new__(Base)
    ws.connected, ws.sock, ws.ws = True, ChokingSocket(), Framer()
    message = "快" * 20000  # 60 KB of UTF-8, far more than one send() takes
    ws.send(message)
    assert ws.sock.data == b"FRAME:" + message.encode("utf-8")


# --- direct writes (engineio.socket.Socket.send) ---------------------------------------------

import logging  # noqa: E402
import threading  # noqa: E402

import pytest  # noqa: E402
from engineio import packet as eio_packet  # noqa: E402
from engineio.socket import Socket  # noqa: E402
from wsproto import ConnectionType, WSConnection  # noqa: E402
from wsproto.events import AcceptConnection, Request, TextMessage  # noqa: E402


def client_reading(frames: bytes) -> list[str]:
    """What a real websocket client (wsproto) reads from the server's bytes."""
    client = WSConnection(ConnectionType.CLIENT)
    server = WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="h", target="/")))
    next(server.events())
    client.receive_data(server.send(AcceptConnection()))
    next(client.events())
    client.receive_data(frames)
    texts, part = [], ""
    for event in client.events():
        assert isinstance(event, TextMessage)
        part += event.data
        if event.message_finished:
            texts.append(part)
            part = ""
    return texts


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 200000])
def test_text_frames_read_back_whole_at_every_length_boundary(size):
    text = ("抢" * size)[:size]
    assert client_reading(transport.text_frame(text.encode("utf-8"))) == [text]


class RawSocket:
    """The OS socket under a gevent socket: takes ``room`` bytes, then would block."""

    def __init__(self, room=10**9):
        self.room, self.data = room, b""

    def send(self, data):
        if self.room <= 0:
            raise BlockingIOError
        took = bytes(data[:self.room])
        self.room -= len(took)
        self.data += took
        return len(took)


class GeventishSocket:
    def __init__(self, raw):
        self._sock = raw

    def sendall(self, data):  # the waiting path: the buffer has drained
        self._sock.room = 10**9
        self._sock.send(data)


class FakeWs:
    connected = True

    def __init__(self, room=10**9):
        self.sock = GeventishSocket(RawSocket(room))
        self.quiz_lock = threading.Lock()


class FakeServer:
    ping_timeout = 20
    logger = logging.getLogger("fake-engineio")

    def __init__(self):
        self.tasks = []

    def start_background_task(self, fn, *args):
        self.tasks.append((fn, args))


class FakeQueue:
    def __init__(self):
        self.items = []

    @property
    def queue(self):             # as gevent's and the stdlib's queues expose their deque
        return self.items

    def qsize(self):
        return len(self.items)

    def put(self, item):
        self.items.append(item)


def engineio_socket(ws):
    s = Socket.__new__(Socket)
    s.server, s.queue, s.quiz_ws = FakeServer(), FakeQueue(), ws
    s.upgraded, s.upgrading, s.closing, s.closed, s.last_ping, s.sid = (
        True, False, False, False, None, "sid")
    return s


def message(text):
    return eio_packet.Packet(eio_packet.MESSAGE, data=text)


def wire(ws):
    return ws.sock._sock.data


def test_a_message_is_written_at_once_and_one_broadcast_packet_is_framed_once():
    transport.apply(gevent=True)
    a, b = FakeWs(), FakeWs()
    sa, sb = engineio_socket(a), engineio_socket(b)
    pkt = message('2["state",{"version":3}]')
    sa.send(pkt)
    sb.send(pkt)
    assert client_reading(wire(a)) == client_reading(wire(b)) == ['42["state",{"version":3}]']
    assert sa.queue.items == sb.queue.items == []
    assert pkt.quiz_frame == wire(a)


def test_a_message_passes_a_waiting_ping_but_never_a_waiting_message():
    transport.apply(gevent=True)
    ws = FakeWs()
    s = engineio_socket(ws)
    ping = eio_packet.Packet(eio_packet.PING)
    s.send(ping)                      # pings go through the queue: the writer needs them
    first, second, third = message("2[\"a\"]"), message("2[\"b\"]"), message("2[\"c\"]")
    s.send(first)                     # only a ping waits: the message goes at once
    assert s.queue.items == [ping] and client_reading(wire(ws)) == ['42["a"]']
    s.queue.items.append(second)      # a message waits (the socket was full a moment ago)
    s.send(third)                     # behind it, not ahead
    assert s.queue.items == [ping, second, third] and client_reading(wire(ws)) == ['42["a"]']
    s.queue.items[:] = [ping, None]   # closing: Engine.IO's marker in the queue
    s.send(message("2[\"d\"]"))
    assert s.queue.items[-1].data == '2["d"]' and client_reading(wire(ws)) == ['42["a"]']
    s.queue.items.clear()
    with ws.quiz_lock:                # another greenlet is writing a frame
        s.send(second)
    assert s.queue.items == [second] and client_reading(wire(ws)) == ['42["a"]']


def test_a_full_socket_falls_back_to_the_queue_and_a_partial_frame_is_finished_in_order():
    transport.apply(gevent=True)
    full = FakeWs(room=0)
    s = engineio_socket(full)
    pkt = message("2[\"x\"]")
    s.send(pkt)
    assert s.queue.items == [pkt] and not full.quiz_lock.locked()

    tight = FakeWs(room=5)
    s = engineio_socket(tight)
    big = message("2[\"" + "答" * 300 + "\"]")
    s.send(big)
    assert len(wire(tight)) == 5 and tight.quiz_lock.locked()   # the rest is owed
    later = message("2[\"later\"]")
    s.send(later)                     # must not cut into the unfinished frame
    assert s.queue.items == [later]
    fn, args = s.server.tasks.pop()
    fn(*args)                         # the background greenlet finishes the frame
    assert not tight.quiz_lock.locked()
    assert client_reading(wire(tight)) == ["4" + big.data]


def test_a_closed_or_polling_connection_uses_the_queue():
    transport.apply(gevent=True)
    ws = FakeWs()
    s = engineio_socket(ws)
    s.upgraded = False
    pkt = message("2[\"y\"]")
    s.send(pkt)
    assert s.queue.items == [pkt] and wire(ws) == b""


# --- messages handled in the reader greenlet -------------------------------------------------

class ReceivingSocket:
    """An Engine.IO socket that records what it was handed."""

    def __init__(self, fail=None):
        self.upgraded, self.upgrading, self.closed = True, False, False
        self.server = type("S", (), {"max_http_buffer_size": 100,
                                     "logger": logging.getLogger("fake-engineio")})()
        self.got, self.fail = [], fail

    def receive(self, pkt):
        if self.fail:
            raise self.fail
        self.got.append((pkt.packet_type, pkt.data))


def inbox_for(sock):
    import functools

    inbox = transport._Inbox()
    inbox.deliver = functools.partial(transport._deliver, sock)
    return inbox


def test_a_message_is_handled_as_it_is_read_unless_others_wait_before_it():
    sock = ReceivingSocket()
    inbox = inbox_for(sock)
    inbox.append('42["buzz",{"question":7}]')
    assert sock.got == [(eio_packet.MESSAGE, '2["buzz",{"question":7}]')] and inbox == []
    list.append(inbox, "4first")          # Engine.IO's loop has not taken this one yet...
    sock.got.clear()
    inbox.append("4second")               # ...so the next waits behind it, in order
    assert sock.got == [] and inbox == ["4first", "4second"]


def test_before_the_upgrade_and_over_the_cap_the_loop_gets_the_message():
    sock = ReceivingSocket()
    sock.upgrading = True
    inbox = inbox_for(sock)
    inbox.append("2probe")
    assert inbox == ["2probe"] and sock.got == []
    sock, big = ReceivingSocket(), "4" + "x" * 200
    inbox = inbox_for(sock)
    inbox.append(big)                     # the loop refuses it by closing the connection
    assert inbox == [big] and sock.got == []


def test_a_failing_message_closes_the_connection_through_the_loop():
    sock = ReceivingSocket(fail=RuntimeError("boom"))
    inbox = inbox_for(sock)
    inbox.append("4oops")
    assert inbox == [None]                # Engine.IO's loop reads None as closed


# --- no Nagle ---------------------------------------------------------------------------------

def test_a_websocket_sends_each_frame_at_once_without_waiting_for_the_clients_ack():
    """Nagle's algorithm held the projector's second frame (the state after the events cue)
    until the client's delayed ACK: 40-50 ms late in one buzz of three to ten."""
    import socket

    from engineio.socket import Socket as EioSocket

    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    server_side, _ = listener.accept()
    seen = {}

    class GeventSocket:  # what simple-websocket holds under gevent: a wrapper with _sock
        def __init__(self, raw):
            self._sock = raw

        def setsockopt(self, *args):
            self._sock.setsockopt(*args)

    inner = type("Inner", (), {})()
    inner.sock, inner.input_buffer = GeventSocket(server_side), []
    outer = type("Outer", (), {"ws": inner})()
    original = transport._original_handler
    try:
        transport._original_handler = lambda self, ws: seen.update(
            nodelay=server_side.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        assert server_side.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        transport._websocket_handler(EioSocket.__new__(EioSocket), outer)
    finally:
        transport._original_handler = original
        for s in (client, server_side, listener):
            s.close()
    assert seen["nodelay"] != 0


# --- compression state freed when the reader ends (issue 19, point 2) ------------------------

import gc  # noqa: E402
import weakref  # noqa: E402

from wsproto.extensions import PerMessageDeflate  # noqa: E402


def deflating_server():
    """A server-side wsproto connection that accepted permessage-deflate and compressed a
    message (so its zlib streams exist), as simple-websocket holds one per websocket."""
    client = WSConnection(ConnectionType.CLIENT)
    server = WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="h", target="/",
                                            extensions=[PerMessageDeflate()])))
    next(server.events())
    client.receive_data(server.send(AcceptConnection(extensions=[PerMessageDeflate()])))
    server.send(TextMessage(data="状态" * 500))
    return server


def test_wsproto_keeps_each_connection_in_a_reference_cycle():
    assert transport.parser_is_a_cycle()   # the reason for the patch: it still applies


def test_a_finished_connection_frees_its_zlib_streams_without_the_collector():
    ws = Base.__new__(Base)
    ws.ws = deflating_server()
    ext = ws.ws.connection._proto.extensions[0]
    assert isinstance(ext, PerMessageDeflate) and ext._compressor is not None
    gone = weakref.ref(ws.ws.connection._proto)
    gc.disable()
    try:
        transport.release(ws)
        assert ext._compressor is None and ext._decompressor is None
        ws.ws = None
        del ext
        assert gone() is None          # freed by reference counting: no cycle is left
    finally:
        gc.enable()


def test_without_release_the_connection_outlives_its_last_reference():
    ws = deflating_server()
    gone = weakref.ref(ws.connection._proto)
    gc.disable()
    try:
        del ws
        assert gone() is not None      # only the cyclic collector would free it
    finally:
        gc.enable()
        gc.collect()


def test_a_close_to_a_reset_peer_does_not_raise():
    transport.apply()

    class Reset:
        def send(self, data):
            raise ConnectionResetError(104, "Connection reset by peer")

    ws = Base.__new__(Base)
    ws.connected, ws.sock, ws.ws = True, Reset(), deflating_server()
    ws.close()
    assert ws.connected is False


# --- the versions the changes were checked against ---------------------------------------------

import importlib.metadata  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def installed_as(monkeypatch, **versions):
    """The metadata look-up answers ``versions`` (None: not installed) and the truth otherwise."""
    real = importlib.metadata.version

    def version(name):
        if name in versions:
            if versions[name] is None:
                raise importlib.metadata.PackageNotFoundError(name)
            return versions[name]
        return real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    monkeypatch.setattr(transport, "_versions_ok", False)


def test_the_checked_versions_are_the_pins_of_requirements_txt():
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as fh:
        pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", fh.read(), re.M))
    assert {name: pins.get(name) for name in transport.CHECKED} == transport.CHECKED


def test_the_installed_versions_pass(monkeypatch):
    monkeypatch.setattr(transport, "_versions_ok", False)
    transport.check_versions()
    assert transport._versions_ok


def test_another_version_is_refused_naming_the_package_and_both_versions(monkeypatch):
    installed_as(monkeypatch, **{"python-engineio": "4.16.0"})
    with pytest.raises(transport.TransportVersionError) as err:
        transport.check_versions()
    text = str(err.value)
    zh, en = text.split("\n")
    assert "python-engineio 已安装 4.16.0，应为 4.15.1" in zh and "服务器不启动" in zh
    assert "python-engineio 4.16.0 is installed, 4.15.1 expected" in en
    assert "the server does not start" in en
    assert "simple-websocket" not in text     # only the one that differs


def test_a_missing_library_is_refused_too(monkeypatch):
    installed_as(monkeypatch, **{"simple-websocket": None, "Flask-SocketIO": "5.8.0"})
    with pytest.raises(transport.TransportVersionError) as err:
        transport.check_versions()
    assert "simple-websocket (not installed) is installed, 1.1.0 expected" in str(err.value)
    assert "Flask-SocketIO 5.8.0 is installed, 5.7.0 expected" in str(err.value)
    assert "simple-websocket 已安装 （未安装）" in str(err.value)


def test_the_app_factory_refuses_to_build_a_server_on_other_versions(monkeypatch, tmp_path):
    from quiz.factory import create_app

    installed_as(monkeypatch, **{"python-socketio": "5.19.0"})
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(transport.TransportVersionError, match="python-socketio 5.19.0"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI":
                    f"sqlite:///{tmp_path / 'db.sqlite3'}", "SOCKETIO_ASYNC_MODE": "threading"})


def test_apply_twice_changes_nothing():
    from socketio import Server

    transport.apply(gevent=True)
    before = (Base.send, Base.close, Base._thread, Server._handle_eio_message,
              Server._handle_event, Socket.send, Socket._websocket_handler)
    transport.apply(gevent=True)
    transport.apply()
    assert before == (Base.send, Base.close, Base._thread, Server._handle_eio_message,
                      Server._handle_event, Socket.send, Socket._websocket_handler)
    assert Socket.send is transport._send and Server._handle_event is not transport._original_event
