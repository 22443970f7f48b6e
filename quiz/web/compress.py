"""Gzip for our scripts and styles: a phone on a crowded venue Wi-Fi loads a third of the bytes.

Compressed bodies are kept in memory per file and modification time, so a hall of phones
loading the page costs one compression per file, not one per phone.
"""
import gzip
import os

from flask import request

COMPRESSIBLE = ("application/javascript", "text/javascript", "text/css", "image/svg+xml",
                "application/json", "text/plain")
MIN_BYTES = 512
_cache: dict[tuple[str, float], bytes] = {}


def _compressed(path: str) -> bytes | None:
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        return None
    key = (path, mtime)
    body = _cache.get(key)
    if body is None:
        with open(path, "rb") as fh:
            body = gzip.compress(fh.read(), compresslevel=6, mtime=0)
        _cache[key] = body
    return body


def init_app(app):
    static_root = os.path.realpath(app.static_folder)

    @app.after_request
    def gzip_static(response):
        if (response.status_code != 200 or request.endpoint != "static"
                or "gzip" not in request.headers.get("Accept-Encoding", "")
                or response.mimetype not in COMPRESSIBLE
                or response.headers.get("Content-Encoding")):
            return response
        filename = (request.view_args or {}).get("filename", "")
        path = os.path.realpath(os.path.join(static_root, filename))
        if not path.startswith(static_root + os.sep) or os.path.getsize(path) < MIN_BYTES:
            return response
        body = _compressed(path)
        if body is None:
            return response
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(body))
        response.vary.add("Accept-Encoding")
        return response
