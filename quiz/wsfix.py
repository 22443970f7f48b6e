"""Two changes to how frames leave the server under gevent (applied by ``python app.py``).

1. Whole frames. ``simple_websocket.ws.Base.send`` writes a frame with ``socket.send``, which
   may send only part of it when the socket's buffer is full; the rest is silently dropped and
   the client then reads a frame header inside a message (seen in bench/load.py with a large
   host snapshot and 1000 phones; upstream simple-websocket issue #45, fixed but not released).
   ``sendall`` writes it all.

2. Direct writes. Engine.IO hands every outgoing packet of a websocket to a per-connection
   queue that a writer greenlet empties. For a broadcast to 1000 phones that is 1000 queue
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
   ping_interval + ping_timeout seconds.
"""
import threading

from engineio.packet import MESSAGE
from engineio.socket import Socket
from simple_websocket.ws import Base, ConnectionClosed, Message, TextMessage

_original_handler = Socket._websocket_handler
_original_send = Socket.send


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


def _websocket_handler(self, ws):
    """Engine.IO's handler, with the simple-websocket connection kept for direct writes."""
    inner = getattr(ws, "ws", None)
    if inner is not None and hasattr(getattr(inner, "sock", None), "_sock"):  # gevent socket
        inner.quiz_lock = threading.Lock()
        self.quiz_ws = inner
    try:
        return _original_handler(self, ws)
    finally:
        self.quiz_ws = None


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


def _send(self, pkt):
    """``Socket.send``: write the frame now when that cannot block or reorder, else queue."""
    ws = getattr(self, "quiz_ws", None)
    if (ws is None or pkt.packet_type != MESSAGE or not self.upgraded or self.upgrading
            or self.closing or self.closed or not ws.connected or self.queue.qsize()):
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


def apply() -> None:
    """Patch once; harmless to call again."""
    if Base.send is not _send_whole:
        Base.send = _send_whole
    if Socket.send is not _send:
        Socket.send = _send
        Socket._websocket_handler = _websocket_handler
