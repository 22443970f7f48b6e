"""The transport changes: how websocket frames and Socket.IO packets leave and enter the server.

Each numbered change replaces a library function (named in its paragraph) and says why. The app
factory (quiz/factory.py) applies them whatever starts the server: ``python app.py``,
``flask --app app run``, the Socket.IO test client, the tests' server processes. Changes 2-4
rely on gevent's sockets (a cooperative socket over a non-blocking OS socket, one greenlet per
connection) and are applied only when the factory picked the gevent mode (``python app.py``);
the others hold in every mode. Applying twice is harmless.

They read the libraries' internals, so they were checked against the versions in ``CHECKED``
(the pins of requirements.txt): ``check_versions`` refuses any other installed version, and the
factory with it refuses to start the server (``TransportVersionError``).

1. Whole frames (every mode). Replaces ``simple_websocket.ws.Base.send``, which writes a frame
   with ``socket.send``: that may send only part of it when the socket's buffer is full; the
   rest is silently dropped and the client then reads a frame header inside a message (seen in
   bench/load.py with a large host snapshot and 1000 phones; upstream
   miguelgrinberg/simple-websocket#45, fixed after 1.1.0 with a loop, not released; the same
   thread notes that the loop needs a lock under gevent). ``sendall`` writes it all, under the
   connection's write lock when change 2 gave it one.

2. Direct writes (gevent only). Replaces ``engineio.socket.Socket.send``, which hands every
   outgoing packet of a websocket to a per-connection queue that a writer greenlet empties.
   For a broadcast to 1000 phones that is 1000 queue
   puts, 1000 greenlet switches and 1000 frame encodings of the same bytes, and a frame for the
   projector waits behind every greenlet that is already runnable (a hall of buzzes). Here
   ``engineio.socket.Socket.send`` writes the frame to the socket at once when it can do so
   without waiting and without overtaking anything: the connection is an upgraded websocket,
   its queue is empty and nobody else is writing to it. The frame is built once per packet
   (a broadcast sends the same packet object to every socket; server frames are unmasked, so
   the bytes are identical). When the socket would block, the packet goes through the queue
   as before; when only part of the frame fits, the rest is written by a background greenlet
   that keeps the connection's write lock, so later packets queue up behind it in order.
   Only messages go direct: pings still go through the queue, because Engine.IO's writer
   greenlet gives up (and closes the connection) when its queue stays empty for
   ping_interval + ping_timeout seconds. A message may pass pings waiting in the queue (a
   ping has no order with messages), never another message: a ping that fell due as a hall
   buzzed used to hold that phone's next frames until the writer greenlet ran, after every
   buzz read in the same turn of the loop (~1 s at 2000 phones in bench/load.py). The writes
   go to the OS socket under gevent's (``sock._sock``), which never waits; no upstream issue
   (the queue is Engine.IO's design for every async mode).

3. Messages handled where they are read (gevent only). Replaces the hand-over in
   ``engineio.socket.Socket._websocket_handler``: simple-websocket reads a connection in one
   greenlet and Engine.IO handles its messages in another, woken after the reader; see
   ``_deliver``. No upstream issue.

4. No Nagle (gevent only, set in the same handler). A change sends a client two frames back
   to back (the projector: the small
   ``events`` cue, then the ``state``). With Nagle's algorithm on (gevent's server leaves it
   on) the second frame waits until the client acknowledges the first, and clients delay
   their ACKs (Linux 40 ms, phones up to 200 ms): in bench/load.py one buzz in three to ten
   reached the projector 40-50 ms late, with the frame written 2 ms after the buzz. Every
   frame is written whole in one call, so sending each at once costs nothing extra.

5. Compression state freed when a connection ends (every mode; issue 19, point 2). Wraps
   ``simple_websocket.ws.Base._thread``. wsproto 1.3's
   ``FrameProtocol`` keeps its parser as a generator of its own method
   (``self._parse_more = self._parse_more_gen()``): the generator's frame holds ``self``, so
   every websocket is a reference cycle that only Python's cyclic collector frees, and with it
   the ``PerMessageDeflate`` extension's zlib streams (~256 KB of C memory for the compressor
   at 15 window bits, plus the decompressor) that the collector cannot see or count. Every
   browser offers permessage-deflate. The server's tuned collector (quiz/startup.py) makes
   full collections rare, and a connection lives long enough (its reader, Engine.IO's ping
   greenlet: ~10 s) to be promoted to the old generation: bench/ws_churn.py measured +92 MB
   of resident memory per 1000 dropped connections, never levelling off (878 MB after 8000).
   When simple-websocket's reader greenlet ends (the socket is closed and ``connected`` is
   False, so nothing sends or reads on it again) the generator is closed and the zlib streams
   are dropped, which frees them at once by reference counting. No upstream issue found for
   the cycle (wsproto 1.3.2, simple-websocket 1.1.0); the patch checks the cycle is still
   there (``FrameProtocol`` makes ``_parse_more``) and does nothing otherwise. Under gevent
   the factory also counts the ended connections for quiz/live/allocator.py (``after_release``).

6. A close frame to a peer that already reset the connection ends it without a traceback
   (every mode). Replaces ``simple_websocket.ws.Base.close``, which catches only
   BrokenPipeError around the close frame's send (the reader thread's own BrokenPipeError was
   upstream miguelgrinberg/simple-websocket#29; see ``_close_quietly``).

7. A Socket.IO packet the server cannot decode (``42[``, ``4Z``, an empty ``4``...) is ignored
   with one warning line (every mode). Wraps ``socketio.Server._handle_eio_message``, whose
   decoding error reached python-engineio, which logged each as "message handler error" with a
   traceback (issue 19, point 7). Our event handlers catch their own errors
   (quiz/live/handlers.py logs those with a traceback), so what escapes python-socketio's
   message handler is the packet itself.

8. Reserved event names refused (every mode). Wraps ``socketio.Server._handle_event``, which
   dispatches a client's event by its name alone: a client that emitted an event named
   ``connect`` or ``disconnect`` ran the connection handlers on its own open connection (it
   dropped its own presence, or joined another contest's rooms and got its snapshots).
   Flask-SocketIO and python-socketio document these names as reserved for the application
   (miguelgrinberg/Flask-SocketIO#1285) but do not refuse them from a client; the Socket.IO
   JavaScript server reserves the same set for its own emits. Such an event is answered with
   the ``reserved_event`` error ack (docs/protocol.md) and reaches no handler.
"""
import functools
import socket
import threading
from importlib import metadata

from engineio import exceptions
from engineio import packet as eio_packet
from engineio.packet import MESSAGE, PING
from engineio.socket import Socket
from simple_websocket.ws import Base, ConnectionClosed, Message, TextMessage
from socketio import Server as SocketIOServer
from socketio import packet as sio_packet
from socketio.base_client import BaseClient as SocketIOBaseClient
from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import FrameProtocol

_original_handler = Socket._websocket_handler
_original_send = Socket.send
_original_thread = Base._thread
_original_close = Base.close
_original_message = SocketIOServer._handle_eio_message
_original_event = SocketIOServer._handle_event

# The versions these changes were read against and tested with (requirements.txt pins them).
CHECKED = {
    "simple-websocket": "1.1.0",
    "python-engineio": "4.15.1",
    "python-socketio": "5.18.1",
    "Flask-SocketIO": "5.7.0",
}


class TransportVersionError(RuntimeError):
    """An installed transport library is not the version the changes were checked against."""


def installed_version(name: str) -> str | None:
    """The installed version of distribution ``name`` (None when it is not installed)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def version_mismatches() -> list[tuple[str, str | None, str]]:
    """(package, installed, expected) for every library whose version is not in ``CHECKED``."""
    found = ((name, installed_version(name), want) for name, want in CHECKED.items())
    return [row for row in found if row[1] != row[2]]


_versions_ok = False  # checked once per process: each look-up reads site-packages (~30 ms)


def check_versions() -> None:
    """Refuse (TransportVersionError, both languages) unless every library is as checked."""
    global _versions_ok
    if _versions_ok:
        return
    wrong = version_mismatches()
    if not wrong:
        _versions_ok = True
        return
    zh = "；".join(f"{name} 已安装 {got or '（未安装）'}，应为 {want}" for name, got, want in wrong)
    en = "; ".join(f"{name} {got or '(not installed)'} is installed, {want} expected"
                   for name, got, want in wrong)
    raise TransportVersionError(
        f"错误：服务器不启动。quiz/live/transport.py 对网络库的修改只在指定版本上检查过：{zh}。"
        "请安装 requirements.txt 中的版本（pip install -r requirements.txt）。\n"
        f"error: the server does not start. The changes of quiz/live/transport.py to the "
        f"transport libraries were checked against other versions: {en}. Install the versions "
        "of requirements.txt (pip install -r requirements.txt).")


def _send_whole(self, data):
    """Send data over the WebSocket connection (the whole frame, under the write lock)."""
    if not self.connected:
        raise ConnectionClosed(self.close_reason, self.close_message)
    if isinstance(data, bytes):
        out_data = self.ws.send(Message(data=data))
    else:
        out_data = self.ws.send(TextMessage(data=str(data)))
    lock = getattr(self, "quiz_lock", None)
    if lock is None:
        self.sock.sendall(out_data)
        return
    with lock:
        self.sock.sendall(out_data)


def text_frame(payload: bytes) -> bytes:
    """One unmasked, final websocket text frame (RFC 6455 §5.2) carrying ``payload``."""
    n = len(payload)
    if n < 126:
        head = bytes((0x81, n))
    elif n < 65536:
        head = bytes((0x81, 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + n.to_bytes(8, "big")
    return head + payload


class _Inbox(list):
    """simple-websocket's list of received messages, which hands a message to Engine.IO in
    the reader greenlet itself when nothing is waiting before it (see ``_deliver``)."""

    deliver = None

    def append(self, data):
        if self.deliver is not None and not self:
            outcome = self.deliver(data)
            if outcome is _DONE:
                return
            if outcome is _CLOSE:
                data = None  # Engine.IO's loop reads None as a closed connection
        list.append(self, data)


_DONE, _BUFFER, _CLOSE = object(), object(), object()


def _deliver(eio_socket, data):
    """Handle one received message now, in the greenlet that read it.

    Engine.IO's own loop waits in another greenlet for the reader to wake it. When a hall of
    phones buzzes at once, every reader runs before the first of those loops does, so the
    first buzz was handled (and its frame to the projector written) only after all the
    others had been read. Handled here, the first buzz read is the first handled. Until the
    websocket is the connection's transport, and for a message over the size cap, the loop
    gets the message as before (it refuses an oversized one by closing the connection).
    """
    if not eio_socket.upgraded or eio_socket.upgrading or eio_socket.closed:
        return _BUFFER
    if data and len(data) > eio_socket.server.max_http_buffer_size:
        return _BUFFER
    try:
        eio_socket.receive(eio_packet.Packet(encoded_packet=data))
    except exceptions.UnknownPacketError:  # pragma: no cover - as Engine.IO's loop does
        pass
    except exceptions.SocketIsClosedError:
        return _CLOSE
    except Exception:
        eio_socket.server.logger.exception("Unknown receive error")
        return _CLOSE
    return _DONE


def no_delay(sock) -> None:
    """Turn Nagle's algorithm off for a TCP socket (see 4. above); other sockets are left."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass


def _websocket_handler(self, ws):
    """Engine.IO's handler, with the simple-websocket connection kept for direct writes, its
    messages handled in the reader greenlet and Nagle's algorithm off."""
    inner = getattr(ws, "ws", None)
    if inner is not None and hasattr(getattr(inner, "sock", None), "_sock"):  # gevent socket
        no_delay(inner.sock)
        inner.quiz_lock = threading.Lock()
        self.quiz_ws = inner
        inbox = _Inbox(inner.input_buffer)
        inbox.deliver = functools.partial(_deliver, self)
        inner.input_buffer = inbox
    try:
        return _original_handler(self, ws)
    finally:
        self.quiz_ws = None
        if inner is not None and isinstance(inner.input_buffer, _Inbox):
            inner.input_buffer.deliver = None


def _frame_of(pkt) -> bytes | None:
    frame = getattr(pkt, "quiz_frame", None)
    if frame is None:
        encoded = pkt.encode()
        if not isinstance(encoded, str):
            return None  # binary: the queue path sends it as a binary frame
        frame = pkt.quiz_frame = text_frame(encoded.encode("utf-8"))
    return frame


def _finish(ws, rest: bytes, lock) -> None:
    try:
        ws.sock.sendall(rest)
    except OSError:
        pass  # the connection is gone; its reader closes it
    finally:
        lock.release()


def _only_pings(queue) -> bool:
    """True when everything waiting in an Engine.IO send queue is a ping (or nothing is)."""
    if not queue.qsize():
        return True
    waiting = getattr(queue, "queue", None)  # the deque of gevent's and the stdlib's queues
    if waiting is None:
        return False
    return all(p is not None and p.packet_type == PING for p in list(waiting))


def _send(self, pkt):
    """``Socket.send``: write the frame now when that cannot block or reorder messages, else
    queue it."""
    ws = getattr(self, "quiz_ws", None)
    if (ws is None or pkt.packet_type != MESSAGE or not self.upgraded or self.upgrading
            or self.closing or self.closed or not ws.connected
            or not _only_pings(self.queue)):
        return _original_send(self, pkt)
    if not self.check_ping_timeout():
        return None
    frame = _frame_of(pkt)
    lock = ws.quiz_lock
    if frame is None or not lock.acquire(False):
        return _original_send(self, pkt)
    try:
        sent = ws.sock._sock.send(frame)  # the OS socket: never waits
    except (BlockingIOError, InterruptedError):
        sent = 0
    except OSError:
        lock.release()
        return None  # the connection is gone; its reader closes it
    if sent == len(frame):
        lock.release()
    elif sent == 0:
        lock.release()
        self.queue.put(pkt)
    else:
        self.server.start_background_task(_finish, ws, frame[sent:], lock)
    return None


def release(ws) -> None:
    """Break wsproto's parser cycle and drop the zlib streams of a finished connection (5.)."""
    proto = getattr(getattr(getattr(ws, "ws", None), "connection", None), "_proto", None)
    if proto is None:
        return
    parser = getattr(proto, "_parse_more", None)
    if parser is not None and hasattr(parser, "close"):
        parser.close()  # a closed generator drops its frame, and with it ``self``
    for ext in getattr(proto, "extensions", ()):
        if isinstance(ext, PerMessageDeflate):
            ext._compressor = None
            ext._decompressor = None


# Called (no arguments) after each release: the server counts closed connections there
# (quiz/live/allocator.py gives the freed memory back to the system).
after_release = None


def _thread_then_release(self):
    """simple-websocket's reader loop, then ``release`` once it has ended."""
    try:
        return _original_thread(self)
    finally:
        release(self)
        if after_release is not None:
            after_release()


def _close_quietly(self, reason=None, message=None):
    """``Base.close``, where a peer that already reset the connection ends it quietly.

    simple-websocket catches only BrokenPipeError around the close frame's send, so Engine.IO's
    writer greenlet died with a ConnectionResetError traceback in the log for every phone that
    left without a close frame (bench/ws_churn.py: one per dropped connection)."""
    try:
        return _original_close(self, reason, message)
    except OSError:
        self.connected = False


def _handle_message_quietly(self, eio_sid, data):
    """python-socketio's ``_handle_eio_message``; a packet it cannot handle is logged in one
    line and ignored (see 7. above)."""
    try:
        return _original_message(self, eio_sid, data)
    except Exception as exc:
        self.logger.error("%s: malformed Socket.IO packet ignored (%s: %s)", eio_sid,
                            type(exc).__name__, str(exc)[:120])
        return None


def parser_is_a_cycle() -> bool:
    """True when wsproto still keeps its frame parser as a generator of its own (5.)."""
    proto = FrameProtocol(client=False, extensions=[])
    return getattr(getattr(proto, "_parse_more", None), "gi_frame", None) is not None


# Names a client may not use for an event (8.): python-socketio's reserved names for the server
# and the client (``__disconnect_final`` is its own internal one) and the Socket.IO JavaScript
# server's reserved names.
RESERVED_EVENTS = frozenset(SocketIOServer.reserved_events) | frozenset(
    SocketIOBaseClient.reserved_events) | {
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}

RESERVED_ACK = {"ok": False, "error": "reserved_event",
                "message": "That event name is reserved by Socket.IO; nothing was done.",
                "message_zh": "该事件名称是 Socket.IO 的保留名称，未做任何处理。"}


def _handle_event_unreserved(self, eio_sid, namespace, id, data):
    """python-socketio's ``_handle_event``; an event named like a reserved one gets the
    ``reserved_event`` ack and reaches no handler (see 8. above)."""
    event = data[0] if isinstance(data, list) and data else None
    if not (isinstance(event, str) and event in RESERVED_EVENTS):
        return _original_event(self, eio_sid, namespace, id, data)
    namespace = namespace or "/"
    sid = self.manager.sid_from_eio_sid(eio_sid, namespace)
    self.logger.warning("%s: event %r refused: a reserved name", sid, event[:40])
    if id is not None and self.manager.is_connected(sid, namespace):
        self._send_packet(eio_sid, self.packet_class(
            sio_packet.ACK, namespace=namespace, id=id, data=[dict(RESERVED_ACK)]))
    return None


def _patch(cls, name: str, replacement) -> None:
    if getattr(cls, name) is not replacement:
        setattr(cls, name, replacement)


def apply(gevent: bool = False) -> None:
    """Apply the changes of every mode, and 2-4 when the server runs under gevent; applying
    again changes nothing."""
    _patch(Base, "send", _send_whole)
    _patch(SocketIOServer, "_handle_eio_message", _handle_message_quietly)
    _patch(SocketIOServer, "_handle_event", _handle_event_unreserved)
    _patch(Base, "close", _close_quietly)
    if parser_is_a_cycle():
        _patch(Base, "_thread", _thread_then_release)
    if gevent:
        _patch(Socket, "send", _send)
        _patch(Socket, "_websocket_handler", _websocket_handler)
