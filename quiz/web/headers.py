"""Security headers on every response: a strict Content-Security-Policy and its friends.

The policy lets a page run only our own files (``script-src 'self'``) and, for the rare
``<script>`` a template must carry, one with this response's nonce (``csp_nonce()`` in
templates). Data blocks (``<script type="application/json">``) are not run, so they need no
nonce. No inline event handlers, ``javascript:`` URLs or ``style=`` attributes work: code lives
in static/js, colours set from data go through the CSSOM (``el.style.setProperty``), which the
policy allows. Everything is served by us, so nothing else is listed.
"""
from __future__ import annotations

import secrets

from flask import Flask, g

# frame-ancestors 'none' keeps our pages out of other sites' frames (clickjacking); base-uri
# 'none' stops an injected <base> from moving relative script URLs; form-action 'self' stops
# an injected form from posting the CSRF token elsewhere. img/media: our own files, plus data:
# (inline SVG/PNG) and blob: (media a page builds); connect-src 'self' covers the socket's
# same-origin ws:/wss: in current browsers.
POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors {frames}; form-action 'self'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_nonce() -> str:
    """This request's nonce (made on first use): ``<script nonce="{{ csp_nonce() }}">``."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def allow_own_frames() -> None:
    """Let this response be framed by our own pages only (the projector, which the host console
    mirrors in an iframe); every other page may not be framed at all."""
    g.csp_frames = "'self'"


def policy() -> str:
    return POLICY.format(nonce=csp_nonce(), frames=g.get("csp_frames", "'none'"))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy())
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if g.get("csp_frames"):
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
