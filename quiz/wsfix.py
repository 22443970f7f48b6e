"""A fix for simple-websocket 1.1.0 under gevent: send whole frames.

``simple_websocket.ws.Base.send`` writes a frame with ``socket.send``, which may send only part
of it when the socket's buffer is full; the rest is silently dropped and the client then reads
a frame header inside a message (seen in bench/load.py with a large host snapshot and 1000
phones; upstream simple-websocket issue #45, fixed but not released). ``sendall`` writes it all.
"""
from simple_websocket.ws import Base, ConnectionClosed, Message, TextMessage


def _send_whole(self, data):
    """Send data over the WebSocket connection (the whole frame)."""
    if not self.connected:
        raise ConnectionClosed(self.close_reason, self.close_message)
    if isinstance(data, bytes):
        out_data = self.ws.send(Message(data=data))
    else:
        out_data = self.ws.send(TextMessage(data=str(data)))
    self.sock.sendall(out_data)


def apply() -> None:
    """Patch once; harmless to call again."""
    if Base.send is not _send_whole:
        Base.send = _send_whole
