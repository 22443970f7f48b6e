"""What operators watch (docs/operations.md): ``/healthz`` and the Prometheus ``/metrics``.

- ``/healthz``: JSON, 200 when the database answers, Redis answers (when REDIS_URL is set), the
  schema is at head and every contest this process holds is still in the database; else 503
  naming what failed. Counts and error kinds only: no URL, code, key or message text. The
  answer is kept for a second, so a flood of requests costs one check a second.
- ``/metrics``: prometheus-client's text format, for loopback and the networks in
  ``QUIZ_METRICS_ALLOW``, or anywhere with ``Authorization: Bearer QUIZ_METRICS_TOKEN``. A
  request that came through a proxy (``X-Forwarded-For``) needs the token: behind nginx every
  phone would otherwise look like loopback. Anyone else gets 404.
"""
import hmac
import ipaddress
import json
import time

from flask import Blueprint, Response, current_app, request
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import select

from quiz.base import limits
from quiz.base.extensions import db
from quiz.live import runtime
from quiz.live.clients import clients
from quiz.record import schema
from quiz.record.models import Contest

bp = Blueprint("ops", __name__)
HEALTH_CACHE_S = 1.0


def _failure(err: Exception) -> str:
    return "error: " + type(err).__name__


def _database() -> str:
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return "ok"
    except Exception as err:
        return _failure(err)


def _redis() -> str:
    shared = limits.get().shared
    if shared is None:
        return "off"
    try:
        return "ok" if shared.ping() else "error: no answer"
    except Exception as err:
        return _failure(err)


def _contests() -> dict:
    """The contests this process holds, and how many of them the database no longer has."""
    loaded = runtime.loaded()
    ids = {rt.contest_id for rt in loaded}
    try:
        found = set(db.session.scalars(select(Contest.id).where(Contest.id.in_(ids)))) if ids \
            else set()
    except Exception:
        found = set()
    db.session.rollback()
    return {"loaded": len(loaded), "failed": len(ids - found)}


def _schema() -> str:
    try:
        return "ok" if schema.is_current(current_app._get_current_object()) else \
            "error: not at head"
    except Exception as err:
        return _failure(err)


def check() -> tuple[dict, int]:
    """Every health check of this process: (body, HTTP status)."""
    checks = {"database": _database(), "redis": _redis(), "schema": _schema(),
              "contests": _contests()}
    failed = [name for name, value in checks.items()
              if (isinstance(value, str) and value.startswith("error"))
              or (isinstance(value, dict) and value["failed"])]
    return {"ok": not failed, "failed": failed, "checks": checks}, (503 if failed else 200)


@bp.route("/healthz")
def healthz():
    now = time.monotonic()
    kept = current_app.extensions.setdefault("quiz_health", {"at": None})
    if kept["at"] is None or now - kept["at"] >= HEALTH_CACHE_S:
        body, status = check()
        kept.update(at=now, body=json.dumps(body), status=status)
    return Response(kept["body"], kept["status"], mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


def _allowed() -> bool:
    """Loopback or QUIZ_METRICS_ALLOW without a proxy in between, or the bearer token."""
    token = current_app.config.get("QUIZ_METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False
    try:
        addr = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    for net in current_app.config.get("QUIZ_METRICS_ALLOW", ()):
        try:
            if addr in ipaddress.ip_network(net, strict=False):
                return True
        except ValueError:
            continue
    return False


@bp.route("/metrics")
def metrics_page():
    if not _allowed():
        return Response("Not Found", 404, mimetype="text/plain")
    return Response(generate_latest(REGISTRY), 200, mimetype=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


class _Live:
    """Counted when /metrics is read, never per phone: sockets by role, contests held."""

    def collect(self):
        by_role = {"host": 0, "screen": 0, "player": 0}
        for info in list(clients.values()):
            role = info.get("role")
            if role in by_role:
                by_role[role] += 1
        sockets = GaugeMetricFamily("quiz_connected_clients",
                                    "Sockets connected to this process, by role", labels=["role"])
        for role, n in by_role.items():
            sockets.add_metric([role], n)
        yield sockets
        held = GaugeMetricFamily("quiz_contests_loaded", "Contests this process holds")
        try:
            held.add_metric([], len(runtime.loaded()))
        except RuntimeError:   # no app context (a registry read outside a request)
            held.add_metric([], 0)
        yield held


_LIVE = _Live()


def init_app(app) -> None:
    app.register_blueprint(bp)
    if _LIVE not in getattr(REGISTRY, "_collector_to_names", {}):
        REGISTRY.register(_LIVE)
