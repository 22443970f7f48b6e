"""The organizer's bank pages at /bank: upload → dry-run report → confirm; browse and edit."""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func
from werkzeug.exceptions import RequestEntityTooLarge

from quiz.auth import organizer_required
from quiz.extensions import db

from . import export, media, messages, normalize, service, template
from .answers import TYPES
from .cli import limits_from_config, media_limits_from_config
from .models import Question

bp = Blueprint("bank", __name__, url_prefix="/bank")
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def lang() -> str:
    return "en" if str(get_locale() or "zh").startswith("en") else "zh"


def type_names() -> dict:
    return {
        "single": _("Single choice"),
        "multiple": _("Multiple choice"),
        "true_false": _("True/false"),
        "fill_blank": _("Fill in the blank"),
        "open": _("Open question"),
    }


def _filters() -> dict:
    args = request.args
    return {k: (args.get(k) or None) for k in ("bank", "category", "type", "difficulty", "q")}


@bp.route("/")
@organizer_required
def index():
    f = _filters()
    stmt = service.query(f["bank"], f["category"], f["type"], f["difficulty"], f["q"])
    total = db.session.scalar(stmt.with_only_columns(func.count(Question.id)).order_by(None))
    page = max(request.args.get("page", 1, type=int), 1)
    questions = db.session.scalars(
        stmt.order_by(Question.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "bank/index.html",
        banks=service.banks(),
        questions=questions,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        filters=f,
        types=TYPES,
        type_names=type_names(),
        categories=service.categories(f["bank"]),
        default_bank=service.DEFAULT_BANK,
        max_mb=limits_from_config().max_bytes // (1024 * 1024),
    )


# the import pages (upload, preview, confirm): question_bank/import_views.py


@bp.route("/template.xlsx")
@organizer_required
def template_download():
    return send_file(
        _buffer(template.template_bytes()),
        mimetype=XLSX,
        as_attachment=True,
        download_name="题库导入模板-question-template.xlsx",
    )


@bp.route("/export.xlsx")
@organizer_required
def export_download():
    f = _filters()
    if export.has_media(f["bank"], f["category"], f["type"], f["difficulty"], f["q"]):
        return redirect(url_for("bank.export_zip", **request.args))  # keep the media
    data = export.export_bytes(f["bank"], f["category"], f["type"], f["difficulty"], f["q"])
    return send_file(
        _buffer(data), mimetype=XLSX, as_attachment=True, download_name="题库导出-questions.xlsx"
    )


@bp.route("/export.zip")
@organizer_required
def export_zip():
    f = _filters()
    data = export.export_zip(f["bank"], f["category"], f["type"], f["difficulty"], f["q"])
    return send_file(
        _buffer(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name="题库导出-questions.zip",
    )


def _buffer(data: bytes):
    import io

    return io.BytesIO(data)


@bp.route("/question/<int:qid>", methods=["GET", "POST"])
@organizer_required
def edit(qid):
    q = db.session.get(Question, qid)
    if q is None:
        abort(404)
    problems = []
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in normalize.EDIT_FIELDS}
        values["options"] = [o for o in request.form.getlist("options")]
        while values["options"] and not values["options"][-1].strip():
            values["options"].pop()
        q, found = service.update_question(qid, values)
        problems = [p for p in found if p.code not in ("date_cell", "unknown_difficulty")]
        if not problems:
            flash(_("Question saved."))
            return redirect(request.form.get("next") or url_for("bank.index"))
        db.session.rollback()
        q = db.session.get(Question, qid)
    return render_template(
        "bank/edit.html",
        q=q,
        types=TYPES,
        problems=problems,
        type_names=type_names(),
        reasons=[p.reason(lang()) for p in problems],
        next=request.values.get("next") or url_for("bank.index"),
        media_items=media.dicts(q),
    )


@bp.route("/question/<int:qid>/media", methods=["POST"])
@organizer_required
def media_upload(qid):
    """Add a picture, sound or video to a question (checked by content, stored by hash)."""
    q = db.session.get(Question, qid)
    if q is None:
        abort(404)
    limits = media_limits_from_config()
    cap = max(limits.max_image, limits.max_av)
    request.max_content_length = cap + 1024 * 1024
    back = url_for("bank.edit", qid=qid, next=request.form.get("next") or None)
    try:
        storage = request.files.get("file")
    except RequestEntityTooLarge:
        storage = None
        reason = messages.text(
            "media_too_large_av", lang(), value="", size="> " + messages.human_size(cap),
            limit=messages.human_size(cap),
        )
        return _edit_page(q, [reason], 413)
    if storage is None or not storage.filename:
        flash(_("Choose a file to add."))
        return redirect(back)
    data = storage.stream.read(cap + 1)
    try:
        blob = media.check(data, storage.filename, limits)
    except media.MediaError as err:
        value = os.path.basename(storage.filename.replace("\\", "/"))
        return _edit_page(q, [messages.text(err.code, lang(), value=value, **err.params)], 422)
    problem = media.add_to_question(q, blob, current_app.instance_path)
    if problem:
        db.session.rollback()
        return _edit_page(q, [messages.text(problem, lang(), value=q.stem, where="")], 422)
    flash(_("Media added."))
    return redirect(back)


@bp.route("/question/<int:qid>/media/<sha>/delete", methods=["POST"])
@organizer_required
def media_remove(qid, sha):
    q = db.session.get(Question, qid)
    if q is None:
        abort(404)
    problem = media.remove_from_question(q, sha)
    if problem:
        db.session.rollback()
        return _edit_page(q, [messages.text(problem, lang(), value=q.stem, where="")], 422)
    flash(_("Media removed."))
    return redirect(url_for("bank.edit", qid=qid, next=request.form.get("next") or None))


def _edit_page(q, reasons, status):
    return render_template(
        "bank/edit.html",
        q=q,
        types=TYPES,
        problems=[],
        type_names=type_names(),
        reasons=reasons,
        next=request.values.get("next") or url_for("bank.index"),
        media_items=media.dicts(q),
    ), status


@bp.route("/delete", methods=["POST"])
@organizer_required
def delete():
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    n = service.delete_questions(ids) if ids else 0
    flash(_("Deleted %(n)d questions.", n=n))
    return redirect(request.form.get("next") or url_for("bank.index"))


@bp.route("/bank/<int:bank_id>/delete", methods=["POST"])
@organizer_required
def delete_bank(bank_id):
    bank = service.delete_bank(bank_id)
    if bank is not None:
        flash(_("Deleted the bank %(name)s.", name=bank.name))
    return redirect(url_for("bank.index"))
