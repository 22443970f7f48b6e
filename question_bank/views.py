"""The organizer's bank pages at /bank: upload → dry-run report → confirm; browse and edit."""

from __future__ import annotations

import os
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

from . import export, messages, service, template
from .answers import TYPES
from .cli import limits_from_config
from .models import Question

bp = Blueprint("bank", __name__, url_prefix="/bank")
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def lang() -> str:
    return "en" if str(get_locale() or "zh").startswith("en") else "zh"


def _upload_dir(token: str) -> str:
    return os.path.join(current_app.instance_path, "bank_uploads", token)


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
    bank = (request.form.get("bank") or "").strip() or service.DEFAULT_BANK
    strict = bool(request.form.get("strict"))
    try:
        if request.content_length and request.content_length > limits.max_bytes * 4:
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
    os.makedirs(folder)
    sources = []
    for i, storage in enumerate(files):
        data = storage.stream.read(limits.max_bytes + 1)
        name = os.path.basename(storage.filename.replace("\\", "/")) or f"upload{i}"
        if len(data) > limits.max_bytes:
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
        with open(os.path.join(folder, f"{i:02d}.bin"), "wb") as fh:
            fh.write(data)
        with open(os.path.join(folder, f"{i:02d}.name"), "w", encoding="utf-8") as fh:
            fh.write(name)
        sources.append((name, data))
    report = service.import_files(sources, bank=bank, dry_run=True, strict=strict, limits=limits)
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
        if entry.endswith(".bin"):
            with open(os.path.join(folder, entry[:-4] + ".name"), encoding="utf-8") as fh:
                name = fh.read()
            with open(os.path.join(folder, entry), "rb") as fh:
                sources.append((name, fh.read()))
    bank = (request.form.get("bank") or "").strip() or service.DEFAULT_BANK
    strict = bool(request.form.get("strict"))
    report = service.import_files(sources, bank=bank, strict=strict, limits=limits_from_config())
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
    data = export.export_bytes(f["bank"], f["category"], f["type"], f["difficulty"], f["q"])
    return send_file(
        _buffer(data), mimetype=XLSX, as_attachment=True, download_name="题库导出-questions.xlsx"
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
        values = {
            k: request.form.get(k, "")
            for k in (
                "type",
                "stem",
                "answer",
                "points",
                "difficulty",
                "category",
                "explanation",
                "time_limit",
            )
        }
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
    )


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
