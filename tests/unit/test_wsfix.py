"""simple-websocket's send must not drop the tail of a frame when the socket takes only part."""
from simple_websocket.ws import Base

from quiz import wsfix


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
    wsfix.apply()
    ws = Base.__new__(Base)
    ws.connected, ws.sock, ws.ws = True, ChokingSocket(), Framer()
    message = "快" * 20000  # 60 KB of UTF-8, far more than one send() takes
    ws.send(message)
    assert ws.sock.data == b"FRAME:" + message.encode("utf-8")
