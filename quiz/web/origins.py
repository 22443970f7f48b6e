"""Which browser origins may open a socket: ours, never whatever the request's Host claims.

A page of another site that opens a socket to us sends its own ``Origin``; a client that forges
``Host`` can send a matching ``Origin`` too, so the request's Host proves nothing. Accepted:

- the origins in ``QUIZ_ALLOWED_ORIGINS`` (``*``: any);
- the public URL (``QUIZ_PUBLIC_URL``, the one printed and put in the QR codes);
- this server's own addresses on its port: ``HOST`` when it is a single address, else every
  address of this machine (the LAN addresses, 127.0.0.1, ``localhost``, the host name and
  ``NAME.local``), over http and https.

Clients that send no ``Origin`` (not browsers) are not checked here (they carry no cookie of a
victim). The machine's addresses are looked up again at most every ``REFRESH_S`` seconds, as a
laptop may join the hall's Wi-Fi after the server started.
"""
from __future__ import annotations

import os
import socket
import threading
import time

from quiz.base import net

REFRESH_S = 30.0
_WILDCARD_HOSTS = ("", "0.0.0.0", "::", "[::]")


def _origins_for(hosts, port: int) -> set[str]:
    out = set()
    for host in hosts:
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # IPv6 literal
        for scheme, default in (("http", 80), ("https", 443)):
            out.add(f"{scheme}://{host}:{port}".lower())
            if port == default:
                out.add(f"{scheme}://{host}".lower())
    return out


def own_hosts(bind_host: str) -> list[str]:
    """The names this server answers to on the network it listens on."""
    if bind_host not in _WILDCARD_HOSTS:
        hosts = [bind_host]
        if bind_host in ("127.0.0.1", "::1"):
            hosts.append("localhost")
        return hosts
    hosts = ["127.0.0.1", "localhost", "::1"] + net.lan_addresses()
    try:
        name = socket.gethostname()
    except OSError:  # pragma: no cover - a machine without a name
        name = ""
    if name:
        hosts += [name, f"{name}.local"]
    return hosts


class OriginChecker:
    """The ``cors_allowed_origins`` callable for python-engineio: ``check(origin, environ)``."""

    def __init__(self, allowed: list[str], bind_host: str, port: int):
        self.allowed = {o.rstrip("/").lower() for o in allowed}
        self.any = "*" in allowed
        self.bind_host, self.port = bind_host, port
        self._own: dict[int, tuple[float, set[str]]] = {}
        self._lock = threading.Lock()

    def own_origins(self, port: int) -> set[str]:
        """Our origins on ``port`` (refreshed every REFRESH_S), with the public URL."""
        now = time.monotonic()
        with self._lock:
            at, own = self._own.get(port, (float("-inf"), set()))
            if now - at > REFRESH_S:
                own = _origins_for(own_hosts(self.bind_host), port)
                public = os.environ.get("QUIZ_PUBLIC_URL", "").rstrip("/").lower()
                if public:
                    own.add(public)
                self._own[port] = (now, own)
            return own

    def __call__(self, origin, environ=None) -> bool:
        if self.any:
            return True
        if not isinstance(origin, str):
            return False
        origin = origin.rstrip("/").lower()
        if origin in self.allowed or origin in self.own_origins(self.port):
            return True
        # the port the server really listens on (set by the server, not by the client)
        port = (environ or {}).get("SERVER_PORT")
        return bool(port and port.isdigit() and int(port) != self.port
                    and origin in self.own_origins(int(port)))
