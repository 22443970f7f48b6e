"""Behind a reverse proxy (deploy/nginx): the client's address and scheme from its headers.

``QUIZ_TRUSTED_PROXIES=N`` trusts the last N values of ``X-Forwarded-For`` and
``X-Forwarded-Proto`` (werkzeug's ProxyFix), so every limit per address counts phones, not the
proxy, and URLs the app builds say https. The default, 0, ignores both headers: a client that
talks to the app directly could otherwise claim any address and dodge those limits.
"""
import os

from flask import Flask


def trusted_hops() -> int:
    """How many proxies in front of the app set X-Forwarded-* (QUIZ_TRUSTED_PROXIES)."""
    try:
        return max(0, int(os.environ.get("QUIZ_TRUSTED_PROXIES", "0")))
    except ValueError:
        return 0


def init_app(app: Flask) -> None:
    """Wrap the whole WSGI app (the Socket.IO middleware included) when proxies are trusted."""
    hops = trusted_hops()
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
