"""The organizer's bank pages at /bank: upload → dry-run report → confirm; browse and edit."""

from __future__ import annotations

import os
import pathlib
import re
import secrets
import shutil

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
from quiz.safety import safe_next

from . import export, media, messages, normalize, previews, service, template
from .answers import TYPES
from .cli import limits_from_config, media_limits_from_config
from .models import Question

bp = Blueprint("bank", __name__, url_prefix="/bank")
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def lang() -> str:
    return "en" if str(get_locale() or "zh").startswith("en") else "zh"


def _upload_dir(token: str) -> str:
    return os.path.join(previews.root(current_app.instance_path), token)


def _spool_ext(name: str) -> str:
    """The extension a kept upload is stored with: the workbook's own, from our short list, so
    that calamine may read it from the file (sheets.py); anything else is kept as .bin."""
    ext = os.path.splitext(name)[1].lower()
    return ext if ext in (".xlsx", ".xlsm", ".ods") else ".bin"


def back_to(fallback: str | None = "") -> str | None:
    """Where `next` (query or form) leads back to: a same-site path only (quiz.safety.safe_next:
    no ``javascript:``, no ``//other.host``), else the bank's list (or ``fallback``)."""
    if fallback == "":
        fallback = url_for("bank.index")
    return safe_next(request.values.get("next"), fallback)


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


def _report_page(report, token=None, bank="", strict=False, status=200):
    return render_template(
        "bank/report.html",
        report=report,
        data=report.to_json(lang()),
        lang=lang(),
        token=token,
        bank=bank,
        strict=strict,
        types=TYPES,
        type_names=type_names(),
    ), status


@bp.route("/upload", methods=["POST"])
@organizer_required
def upload():
    """Keep the files under a one-time token and show what an import would do."""
    limits = limits_from_config()
    bundle_cap = media_limits_from_config().max_bundle  # a .zip of sheet + media may be larger
    request.max_content_length = max(limits.max_bytes * 4, bundle_cap + 1024 * 1024)
    bank = (request.form.get("bank") or "").strip() or service.DEFAULT_BANK
    strict = bool(request.form.get("strict"))
    try:
        if request.content_length and request.content_length > request.max_content_length:
            raise RequestEntityTooLarge()
        files = [f for f in request.files.getlist("files") if f and f.filename]
    except RequestEntityTooLarge:
        return _refused_page(
            messages.FileTooLarge(
                "too_large",
                size=messages.human_size(request.content_length or 0),
                limit=messages.human_size(limits.max_bytes),
            ),
            bank,
            413,
        )
    if not files:
        flash(_("Choose a file to import."))
        return redirect(url_for("bank.index"))
    token = secrets.token_hex(16)
    folder = _upload_dir(token)
    previews.sweep(current_app.instance_path, current_app.config.get("QUIZ_PREVIEW_MAX_AGE_S",
                                                                     previews.MAX_AGE_S))
    previews.make_folder(folder)  # 0700, files 0600 (question_bank/previews.py)
    sources = []
    for i, storage in enumerate(files):
        data = storage.stream.read(limits.max_bytes + 1)
        name = os.path.basename(storage.filename.replace("\\", "/")) or f"upload{i}"
        too_big = len(data) > limits.max_bytes
        if too_big and data.startswith(b"PK"):  # maybe a zip of sheet + media: its own cap
            data += storage.stream.read(bundle_cap + 1 - len(data))
            too_big = len(data) > bundle_cap or not media.is_bundle(data)
        if too_big:
            shutil.rmtree(folder, ignore_errors=True)
            return _refused_page(
                messages.FileTooLarge(
                    "too_large",
                    size=f"> {messages.human_size(limits.max_bytes)}",
                    limit=messages.human_size(limits.max_bytes),
                ),
                bank,
                413,
                name,
            )
        kept = os.path.join(folder, f"{i:02d}{_spool_ext(name)}")
        previews.write_private(kept, data)
        previews.write_private(os.path.join(folder, f"{i:02d}.name"), name)
        del data
        sources.append((name, pathlib.Path(kept)))  # calamine reads a workbook from the file
    report = service.import_files(
        sources,
        bank=bank,
        dry_run=True,
        strict=strict,
        limits=limits,
        media_limits=media_limits_from_config(),
    )
    if not report.ok:
        shutil.rmtree(folder, ignore_errors=True)
        token = None
    return _report_page(report, token, bank, strict, 200 if report.ok else 422)


def _refused_page(err, bank, status, file=""):
    report = service.ImportReport(bank=bank, dry_run=True, refused=err, refused_file=file)
    return _report_page(report, None, bank, False, status)


@bp.route("/confirm", methods=["POST"])
@organizer_required
def confirm():
    """Import the files kept under the token, in one transaction."""
    token = request.form.get("token", "")
    if not _TOKEN.match(token) or not os.path.isdir(_upload_dir(token)):
        flash(_("That upload has expired; upload the file again."))
        return redirect(url_for("bank.index"))
    folder = _upload_dir(token)
    sources = []
    for entry in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(entry)
        if ext != ".name":
            with open(os.path.join(folder, stem + ".name"), encoding="utf-8") as fh:
                name = fh.read()
            sources.append((name, pathlib.Path(folder, entry)))
    bank = (request.form.get("bank") or "").strip() or service.DEFAULT_BANK
    strict = bool(request.form.get("strict"))
    report = service.import_files(
        sources,
        bank=bank,
        strict=strict,
        limits=limits_from_config(),
        media_limits=media_limits_from_config(),
    )
    shutil.rmtree(folder, ignore_errors=True)
    if not report.ok:
        return _report_page(report, None, bank, strict, 422)
    flash(
        _(
            "Imported %(n)d questions into %(bank)s; %(d)d duplicates skipped.",
            n=report.imported,
            bank=bank,
            d=report.duplicates,
        )
    )
    target = service.find_bank(bank)
    return redirect(url_for("bank.index", bank=target.id if target else None))


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
            return redirect(back_to())
        db.session.rollback()
        q = db.session.get(Question, qid)
    return render_template(
        "bank/edit.html",
        q=q,
        types=TYPES,
        problems=problems,
        type_names=type_names(),
        reasons=[p.reason(lang()) for p in problems],
        next=back_to(),
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
    back = url_for("bank.edit", qid=qid, next=back_to(None))
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
    return redirect(url_for("bank.edit", qid=qid, next=back_to(None)))


def _edit_page(q, reasons, status):
    return render_template(
        "bank/edit.html",
        q=q,
        types=TYPES,
        problems=[],
        type_names=type_names(),
        reasons=reasons,
        next=back_to(),
        media_items=media.dicts(q),
    ), status


@bp.route("/delete", methods=["POST"])
@organizer_required
def delete():
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    n = service.delete_questions(ids) if ids else 0
    flash(_("Deleted %(n)d questions.", n=n))
    return redirect(back_to())


@bp.route("/bank/<int:bank_id>/delete", methods=["POST"])
@organizer_required
def delete_bank(bank_id):
    bank = service.delete_bank(bank_id)
    if bank is not None:
        flash(_("Deleted the bank %(name)s.", name=bank.name))
    return redirect(url_for("bank.index"))
