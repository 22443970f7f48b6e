"""Sign-in for organizers and hosts.

The organizer password (QUIZ_ADMIN_PASSWORD, or one generated on first start and kept in
``instance/admin_password``) opens the bank, contest setup and every host console. A
contest's host key opens that contest's console only. Both are compared in constant time.
"""
import functools
import hmac
import time
from collections import defaultdict, deque

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from quiz import config as config_module

bp = Blueprint("auth", __name__)

# Failed sign-ins per address: at most this many per window, then wait.
_MAX_FAILURES = 10
_WINDOW_S = 300


def _failures() -> dict[str, deque]:
    """Failed sign-ins of this app, per address."""
    return current_app.extensions.setdefault("quiz_login_failures", defaultdict(deque))


def constant_time_equal(a: str | None, b: str | None) -> bool:
    """Compare two secrets without leaking their common prefix through timing."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _throttled(addr: str) -> bool:
    now = time.monotonic()
    q = _failures()[addr]
    while q and now - q[0] > _WINDOW_S:
        q.popleft()
    return len(q) >= _MAX_FAILURES


def _record_failure(addr: str) -> None:
    _failures()[addr].append(time.monotonic())


def is_organizer() -> bool:
    return bool(session.get("organizer"))


def can_host(code: str) -> bool:
    """Whether this browser session may run contest ``code``."""
    return is_organizer() or code in session.get("host_codes", [])


def grant_host(code: str) -> None:
    codes = list(session.get("host_codes", []))
    if code not in codes:
        codes.append(code)
    session["host_codes"] = codes[-20:]


def organizer_required(view):
    """Send a visitor who is not signed in to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not is_organizer():
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("views.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        addr = request.remote_addr or "?"
        if _throttled(addr):
            error = _("Too many attempts. Wait a few minutes and try again.")
        else:
            expected = config_module.admin_password(current_app.instance_path)
            if constant_time_equal(request.form.get("password", ""), expected):
                session.clear()
                session["organizer"] = True
                session.permanent = True
                return redirect(_safe_next(request.args.get("next")))
            _record_failure(addr)
            error = _("Wrong password.")
    return render_template("login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    flash(_("Signed out."))
    return redirect(url_for("views.index"))


def check_host_key(contest, key: str | None) -> bool:
    return constant_time_equal(key, contest.host_key)


def require_host(contest):
    if not can_host(contest.code):
        abort(403)


def init_app(app):
    app.register_blueprint(bp)
