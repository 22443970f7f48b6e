"""The organizer's review of the drawn questions, and the host's printable 题本 (question sheet).

Thin edge: parse the form, call ``quiz.setup.review``, show the page again (or the refusal).
"""
from datetime import datetime, timezone

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from quiz.base import auth
from quiz.setup import review
from quiz.web.format_names import kind_names, staked_kinds

bp = Blueprint("review", __name__, url_prefix="/contests")

LABELS = {
    "type_names": {"single": _l("Single choice"), "multiple": _l("Multiple choice"),
                   "true_false": _l("True/false"), "fill_blank": _l("Fill in the blank"),
                   "open": _l("Open question")},
    "difficulty_names": {"easy": _l("Easy"), "medium": _l("Medium"), "hard": _l("Hard")},
}


def _int(name: str) -> int | None:
    raw = request.values.get(name, "")
    return int(raw) if raw.strip().lstrip("-").isdigit() else None


def _chooser(code: str) -> dict | None:
    """The open chooser (``?choose=<round>&slot=<question>`` or ``&spare=1``), if any."""
    round_id = _int("choose")
    if round_id is None:
        return None
    found = review.chooser(code, round_id, request.args.get("q"))
    found["slot"] = _int("slot")
    found["spare"] = request.args.get("spare") == "1"
    return found


def _page(code: str, error=None, status: int = 200):
    data = review.load(code)
    chooser = None if error else _chooser(code)
    return render_template("setup/review.html", error=error, chooser=chooser,
                           kind_names=kind_names(), staked=staked_kinds(), **LABELS, **data), status


@bp.route("/<code>/review")
@auth.organizer_required
def page(code):
    try:
        return _page(code)
    except review.ReviewError as err:
        if err.status == 404 and "choose" not in request.args:
            return render_template("setup/review_missing.html", message=err.message), 404
        return _page(code, err.message, err.status)


def _act(code: str, action: str):
    round_id, qid = _int("round"), _int("question")
    if round_id is None:
        raise review.ReviewError(_("Say which round (a round id is missing)."))
    if action == "swap":
        review.swap(code, round_id, qid, _int("bank_question"))
        return _("Question swapped.")
    if action in ("up", "down"):
        review.move(code, round_id, qid, -1 if action == "up" else 1)
        return _("Question moved.")
    if action == "pin":
        return _("Question pinned: a redraw keeps it.") if review.pin(code, round_id, qid) \
            else _("Question unpinned.")
    if action == "redraw":
        n = review.redraw(code, round_id)
        return _("Round redrawn: %(n)d questions replaced, pinned ones kept.", n=n)
    if action == "spare":
        return _("Marked as a spare for swaps.") if review.spare(
            code, round_id, _int("bank_question")) else _("Spare removed.")
    raise review.ReviewError(_("Unknown review action."))


@bp.route("/<code>/review", methods=["POST"])
@auth.organizer_required
def act(code):
    try:
        message = _act(code, request.form.get("action", ""))
    except review.ReviewError as err:
        try:
            return _page(code, err.message, err.status)
        except review.ReviewError as missing:
            return render_template("setup/review_missing.html", message=missing.message), 404
    flash(message)
    anchor = f"round-{_int('round')}"
    return redirect(url_for("review.page", code=code, _anchor=anchor), 303)


@bp.route("/<code>/sheet")
def sheet(code):
    """The 题本: every round's questions in order with answers; organizer or this host only."""
    if not auth.can_host(code):
        if session.get("host_codes") is None and not auth.is_organizer():
            return redirect(url_for("auth.login", next=request.full_path))
        return render_template("setup/review_missing.html",
                               message=_("Only the organizer or this contest's host may see "
                                         "its question sheet.")), 403
    try:
        data = review.load(code)
    except review.ReviewError as err:
        return render_template("setup/review_missing.html", message=err.message), 404
    printed = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    return render_template("setup/sheet.html", printed=printed, kind_names=kind_names(),
                           staked=staked_kinds(), **LABELS, **data)


def init_app(app):
    app.register_blueprint(bp)
