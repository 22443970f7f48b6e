"""Sign-in for organizers and hosts.

The organizer password (QUIZ_ADMIN_PASSWORD, or one generated on first start and kept in
``instance/admin_password``) opens the bank, contest setup and every host console. A
contest's host key opens that contest's console only. Both are compared in constant time.
"""
import base64
import functools
import hashlib
import hmac

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from quiz.base import config as config_module
from quiz.base import limits, sessions
from quiz.base.safety import safe_next

bp = Blueprint("auth", __name__)

def constant_time_equal(a: str | None, b: str | None) -> bool:
    """Compare two secrets without leaking their common prefix through timing."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _addr() -> str:
    return request.remote_addr or "?"


# Failed sign-ins per address (organizer password or a host key), and unknown contest codes
# per address (a guesser of the six-digit code waits; a phone mistyping it a few times does
# not): limits "sign_in" and "code_guess" (quiz/base/limits.py, shared by every process).


def sign_in_throttled() -> bool:
    """Whether this address failed to sign in (password or host key) too often lately."""
    return limits.get().over("sign_in", _addr())


def record_sign_in_failure() -> None:
    limits.get().note("sign_in", _addr())


def code_guesses_throttled() -> bool:
    """Whether this address asked for too many unknown contest codes lately."""
    return limits.get().over("code_guess", _addr())


def record_code_miss() -> None:
    limits.get().note("code_guess", _addr())


def is_organizer() -> bool:
    """Signed in with the organizer password, in a session still valid (quiz.base.sessions)."""
    return bool(session.get("organizer")) and sessions.valid()


def can_host(code: str) -> bool:
    """Whether this browser session may run contest ``code``."""
    if not sessions.valid():
        return False
    return bool(session.get("organizer")) or code in session.get("host_codes", [])


def grant_host(code: str) -> None:
    if not sessions.valid():
        session.clear()
        sessions.start()
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        if sign_in_throttled():
            error = _("Too many attempts. Wait a few minutes and try again.")
        else:
            expected = config_module.admin_password(current_app.instance_path)
            if constant_time_equal(request.form.get("password", ""), expected):
                session.clear()
                sessions.start()
                session["organizer"] = True
                return redirect(safe_next(request.args.get("next"), url_for("views.index")))
            record_sign_in_failure()
            error = _("Wrong password.")
    return render_template("login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    sessions.revoke()  # a copy of this cookie opens nothing any more
    session.clear()
    flash(_("Signed out."))
    return redirect(url_for("views.index"))


def check_host_key(contest, key: str | None) -> bool:
    return constant_time_equal(key, contest.host_key)


# ---- the judge (评委): rules answers right or wrong, nothing else -----------------------------

def judge_key(contest) -> str:
    """The judge's key: HMAC-SHA256 of "judge" under the host key (no schema change; a new
    host key makes a new judge key)."""
    digest = hmac.new(contest.host_key.encode(), b"judge", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


def check_judge_key(contest, key: str | None) -> bool:
    return constant_time_equal(key, judge_key(contest))


def can_judge(code: str) -> bool:
    """Whether this browser session signed in with the judge's key of contest ``code``."""
    return sessions.valid() and code in session.get("judge_codes", [])


def grant_judge(code: str) -> None:
    if not sessions.valid():
        session.clear()
        sessions.start()
    session["judge_codes"] = (list(session.get("judge_codes", [])) + [code])[-20:]


def init_app(app):
    app.register_blueprint(bp)

    @app.before_request
    def drop_ended_session():
        """A signed-out, expired or pre-rule session is emptied before any page sees it."""
        if session.get("organizer") or session.get("host_codes"):
            if not sessions.valid():
                session.clear()
