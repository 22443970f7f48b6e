"""``/media/<sha256>.<ext>``: immutable, a year of caching, ETag, ranges (audio and video seek),
the right Content-Type and ``X-Content-Type-Options: nosniff``."""

from __future__ import annotations

import os

from flask import Blueprint, abort, current_app, request, send_file

from .media_store import path_for
from .media_types import NAME_RE, TYPES


def _make_blueprint():
    bp = Blueprint("media", __name__)

    @bp.route("/media/<name>")
    def serve(name: str):
        found = NAME_RE.match(name)
        if not found or found.group(2) not in TYPES:
            abort(404)
        sha, ext = found.groups()
        path = path_for(current_app.instance_path, sha, ext)
        if not os.path.isfile(path):
            abort(404)
        if request.if_none_match and sha in request.if_none_match:
            resp = current_app.response_class(status=304)
        else:
            resp = send_file(
                path, mimetype=TYPES[ext][1], conditional=True, etag=sha, max_age=31536000
            )
        resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        resp.headers["ETag"] = f'"{sha}"'
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return resp

    return bp


def init_app(app) -> None:
    app.register_blueprint(_make_blueprint())
