"""Connections that never finish a request (issue 19, point 3): header and idle deadlines, a
cap per address on connections that are waiting for a request, and the descriptor limit.

A connection is *waiting* from the moment the server starts reading a request on it until
that request's headers are complete: a fresh connection, and a keep-alive connection between
two requests. Only waiting connections are capped and timed; once a request is read its
connection is the application's (a long-poll, a websocket: healthy sockets are never counted,
so a school's NAT putting 300 phones behind one address loses nothing).

- Deadline: a fresh connection must complete its request line and headers within
  ``QUIZ_HEADER_TIMEOUT`` seconds (5), a keep-alive connection must start and complete its
  next request within ``QUIZ_IDLE_TIMEOUT`` seconds (15); else it is closed (a request line
  whose headers never finish gets a 400 first). A phone's page load sends its request at
  once; browsers reopen an idle keep-alive connection by themselves.
- Cap: at most ``QUIZ_MAX_WAITING_PER_ADDRESS`` (16) waiting connections per client address.
  A new one over the cap closes the *oldest* waiting connection of that address, never the new
  one: a NAT's phones opening connections still get served (their idle keep-alives are the
  ones recycled), and one address can hold at most 16 descriptors this way, so 40 addresses
  hold 640 of a 1024 limit and the host and new phones keep the rest.
- ``raise_descriptor_limit``: the soft limit raised to the hard limit at start (a desktop's
  1024 is often below a hard limit of 4096 or more).
"""
import socket
from collections import OrderedDict

import gevent
from gevent import pywsgi

HEADER_TIMEOUT = 5.0
IDLE_TIMEOUT = 15.0
MAX_WAITING_PER_ADDRESS = 16


class Waiting:
    """The connections waiting for a request, per client address, oldest first."""

    def __init__(self, per_address: int):
        self.per_address = per_address
        self.by_address: dict[str, OrderedDict] = {}
        self.evicted = 0

    def enter(self, address: str, handler) -> None:
        waiting = self.by_address.setdefault(address, OrderedDict())
        while len(waiting) >= self.per_address:
            _key, oldest = waiting.popitem(last=False)
            self.evicted += 1
            oldest.evict()
        waiting[id(handler)] = handler

    def leave(self, address: str, handler) -> None:
        waiting = self.by_address.get(address)
        if waiting is None:
            return
        waiting.pop(id(handler), None)
        if not waiting:
            del self.by_address[address]

    def count(self, address: str) -> int:
        return len(self.by_address.get(address, ()))


class _TooSlow(socket.timeout):
    """A waiting connection ran out of time or was evicted (a socket error: gevent's handler
    closes the connection quietly)."""


class _Gone(ValueError):
    """This connection was closed to make room (``evict``)."""


class GuardedHandler(pywsgi.WSGIHandler):
    """gevent's WSGI handler with the deadline and the per-address cap of this module."""

    waiting = Waiting(MAX_WAITING_PER_ADDRESS)
    header_timeout = HEADER_TIMEOUT
    idle_timeout = IDLE_TIMEOUT

    def _address(self) -> str:
        address = self.client_address
        return address[0] if isinstance(address, tuple) else str(address)

    def read_requestline(self):
        served = getattr(self, "quiz_served", 0)
        self.quiz_served = served + 1
        self.quiz_deadline = gevent.Timeout.start_new(
            self.idle_timeout if served else self.header_timeout, _TooSlow("no request"))
        self.waiting.enter(self._address(), self)
        try:
            return super().read_requestline()
        except OSError:
            if getattr(self, "quiz_evicted", False):
                return ""   # gevent's handler ends the connection on an empty request line
            raise

    def read_request(self, raw_requestline):
        try:
            parsed = super().read_request(raw_requestline)
            if getattr(self, "quiz_evicted", False):
                raise _Gone()   # its headers "ended" with the shutdown: not a request
            return parsed
        except OSError as exc:
            if getattr(self, "quiz_evicted", False):
                raise _Gone() from exc
            if isinstance(exc, _TooSlow):
                raise ValueError("request headers too slow") from exc
            raise
        finally:
            self._done_waiting()

    def handle_one_request(self):
        try:
            return super().handle_one_request()
        except _Gone:
            return None
        finally:
            self._done_waiting()

    def _handle_client_error(self, ex):
        if isinstance(ex, _Gone):
            return None     # closed quietly, no answer, no log line
        return super()._handle_client_error(ex)

    def _done_waiting(self) -> None:
        deadline = getattr(self, "quiz_deadline", None)
        if deadline is not None:
            deadline.close()
            self.quiz_deadline = None
            self.waiting.leave(self._address(), self)

    def evict(self) -> None:
        """Close this waiting connection (a newer one from its address took its place)."""
        deadline, self.quiz_deadline = getattr(self, "quiz_deadline", None), None
        if deadline is not None:
            deadline.close()
        self.quiz_evicted = True
        sock = getattr(self, "socket", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # its pending read returns at once, empty
            except OSError:
                pass


def configure(config) -> type:
    """The handler class for this app's config (QUIZ_HEADER_TIMEOUT, QUIZ_IDLE_TIMEOUT,
    QUIZ_MAX_WAITING_PER_ADDRESS)."""
    class Handler(GuardedHandler):
        waiting = Waiting(int(config.get("QUIZ_MAX_WAITING_PER_ADDRESS",
                                         MAX_WAITING_PER_ADDRESS)))
        header_timeout = float(config.get("QUIZ_HEADER_TIMEOUT", HEADER_TIMEOUT))
        idle_timeout = float(config.get("QUIZ_IDLE_TIMEOUT", IDLE_TIMEOUT))

    return Handler


def raise_descriptor_limit() -> tuple[int, int]:
    """Raise the soft limit on open descriptors to the hard limit; returns (soft, hard)."""
    try:
        import resource
    except ImportError:  # Windows
        return (-1, -1)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard_target = max(soft, 65536)
    else:
        hard_target = hard
    if soft < hard_target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard_target, hard))
            soft = hard_target
        except (ValueError, OSError):
            pass
    return soft, hard
