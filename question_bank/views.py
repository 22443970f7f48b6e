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
from flask_babel import get_locale, pgettext
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from quiz.base.auth import organizer_required
from quiz.base.extensions import db
from quiz.base.safety import safe_next

from . import export, manage, media_db, messages, normalize, service, template
from .answers import TYPES
from .limits import limits_from_config, media_limits_from_config
from .media_types import MediaError, check
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


FILTERS = ("bank", "category", "type", "difficulty", "q", "unused")


def _filters(source=None) -> dict:
    """The list's filters from the query string (or a form): None where not set."""
    args = request.args if source is None else source
    return {k: (args.get(k) or None) for k in FILTERS}


def selection(f: dict):
    """A SELECT of the questions the filters match."""
    return service.query(
        f["bank"], f["category"], f["type"], f["difficulty"], f["q"], unused=bool(f["unused"])
    )


def next_url(default: str | None = None) -> str:
    """Where a page sends the organizer back to: ``next`` when it is a path of this site.

    The one place ``next`` is read here (the edit page's Cancel link and save redirect, the
    confirmations' Cancel), through quiz.base.safety.safe_next: only ``/path``, never ``//host``,
    ``/\\host``, a scheme or control characters; else ``default`` (the bank page).
    """
    return safe_next(request.values.get("next"), default or url_for("bank.index"))


def difficulty_names() -> dict:
    return {"easy": _("Easy"), "medium": _("Medium"), "hard": _("Hard")}


def answer_text(q) -> str:
    """A question's answer as the organizer reads it: 对/错 (True/False), letters, texts."""
    answer = list(q.answer or [])
    if q.type == "true_false" and answer:
        return pgettext("answer", "True") if answer[0] == "true" else pgettext("answer", "False")
    if q.type in ("single", "multiple"):
        return "".join(answer)
    return " / ".join(answer)


def page_links(page: int, pages: int) -> list:
    """The page numbers the pager shows: the first, the last and two either side (None: …)."""
    shown = sorted({1, pages, *range(max(page - 2, 1), min(page + 2, pages) + 1)})
    out, last = [], 0
    for n in shown:
        if n - last > 1:
            out.append(None)
        out.append(n)
        last = n
    return out


def render_index(status: int = 200, **extra):
    """The bank page: banks, the import form, the filtered list one page at a time."""
    f = _filters()
    stmt = selection(f)
    total = service.count(stmt)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    questions = db.session.scalars(
        stmt.order_by(Question.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    banks = service.banks()
    shown, more = service.category_choices(f["bank"], f["category"])
    return render_template(
        "bank/index.html",
        banks=banks,
        bank_names={b.id: b.name for b, _n in banks},
        questions=questions,
        total=total,
        page=page,
        pages=pages,
        page_links=page_links(page, pages),
        per_page=PER_PAGE,
        filters=f,
        types=TYPES,
        type_names=type_names(),
        difficulty_names=difficulty_names(),
        answer_text=answer_text,
        categories=shown,
        more_categories=more,
        default_bank=service.DEFAULT_BANK,
        max_mb=limits_from_config().max_bytes // (1024 * 1024),
        **extra,
    ), status


@bp.route("/")
@organizer_required
def index():
    return render_index()


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


FIELD_OF_COLUMN = normalize.EDIT_FIELDS  # parse_fields reads the form as a row: A = type, ...


def field_of(problem) -> str:
    """The form field a problem is about: ``stem``, ``answer``..., ``option-2`` for option C."""
    col = problem.column or ""
    if not col.isalpha() or len(col) != 1:
        return "stem" if problem.code in ("missing_stem", "duplicate") else ""
    index = ord(col.upper()) - ord("A")
    if index < len(FIELD_OF_COLUMN):
        return FIELD_OF_COLUMN[index]
    return f"option-{index - len(FIELD_OF_COLUMN)}"


def field_labels() -> dict:
    return {
        "bank": _("Bank"),
        "type": _("Type"),
        "stem": _("Question"),
        "answer": _("Answer"),
        "points": _("Points"),
        "difficulty": _("Difficulty"),
        "category": _("Category"),
        "explanation": _("Explanation"),
        "time_limit": _("Time limit (s)"),
        "options": _("Options"),
        "name": _("Bank name"),
        "into": _("Merge into"),
        "file": _("Pictures and sound"),
    }


def about(label: str, reason: str) -> str:
    """A message naming its field: "Answer: ..." (答案：...)."""
    return _("%(field)s: %(reason)s", field=label, reason=reason)


def problem_messages(problems) -> tuple[list[str], dict]:
    """Each problem as "Field: reason", and the fields to highlight (field -> reason)."""
    labels, reasons, fields = field_labels(), [], {}
    for p in problems:
        name = field_of(p)
        if p.code == "duplicate":  # the import's wording says "skipped"; a form is refused
            reason = _("This bank already holds the same question (%(where)s).",
                       where=p.params.get("where", ""))
        else:
            reason = p.reason(lang())
        if name.startswith("option-"):
            label = _("Option %(letter)s", letter="ABCDEFGH"[int(name[7:])])
        else:
            label = labels.get(name, "")
        reasons.append(about(label, reason) if label else reason)
        fields.setdefault(name or "stem", reason)
    return reasons, fields


def form_from_request() -> dict:
    """The question form's values as posted (the answer from the marks when none was typed)."""
    form = request.form
    values = {k: form.get(k, "").strip() for k in normalize.EDIT_FIELDS}
    values["stem"] = form.get("stem", "")
    values["bank"] = form.get("bank", "")
    options = list(form.getlist("options"))
    while options and not options[-1].strip():
        options.pop()
    if values["type"] not in ("single", "multiple"):
        options = []
    values["options"] = options
    if not values["answer"]:
        if values["type"] in ("single", "multiple"):
            values["answer"] = "".join(form.getlist("correct"))
        elif values["type"] == "true_false":
            values["answer"] = form.get("tf", "")
    return values


def question_page(template, q, form, problems=(), status=200, invalid=None, **extra):
    """The question form (new or edit) with the problems named and their fields highlighted."""
    reasons, fields = problem_messages(problems)
    fields.update(invalid or {})
    return render_template(
        template,
        q=q,
        form=form,
        types=TYPES,
        type_names=type_names(),
        difficulty_names=difficulty_names(),
        banks=service.banks(),
        categories=service.category_choices(None, (form or {}).get("category"))[0],
        reasons=list(extra.pop("reasons", [])) + reasons,
        invalid=fields,
        next=next_url(),
        media_items=media_db.dicts(q) if q is not None else [],
        **extra,
    ), status


def _question_or_404(qid) -> Question:
    q = service.get_question(qid)
    if q is None:
        abort(404)
    return q


@bp.route("/question/<int:qid>", methods=["GET", "POST"])
@organizer_required
def edit(qid):
    q = _question_or_404(qid)
    if request.method == "GET":
        return question_page("bank/edit.html", q, manage.form_values(q))
    values = form_from_request()
    try:
        saved, problems = manage.update_question(qid, values, values["bank"] or None)
    except manage.ManageError as err:
        db.session.rollback()
        return question_page("bank/edit.html", q, values, status=422,
                             reasons=[refusal(err)], invalid={err.field: ""})
    if problems:
        db.session.rollback()
        return question_page("bank/edit.html", _question_or_404(qid), values, problems, 422)
    flash(_("Question saved."))
    return redirect(next_url())


def add_media(q, storage):
    """Check and add one uploaded picture/sound to a question: None, or (reason, status)."""
    limits = media_limits_from_config()
    cap = max(limits.max_image, limits.max_av)
    data = storage.stream.read(cap + 1)
    try:
        blob = check(data, storage.filename, limits)
    except MediaError as err:
        value = os.path.basename(storage.filename.replace("\\", "/"))
        return messages.text(err.code, lang(), value=value, **err.params), 422
    problem = media_db.add_to_question(q, blob, current_app.instance_path)
    if problem:
        db.session.rollback()
        return messages.text(problem, lang(), value=q.stem, where=""), 422
    return None


def _media_cap() -> int:
    limits = media_limits_from_config()
    return max(limits.max_image, limits.max_av)


def _too_large_reason() -> str:
    cap = _media_cap()
    return messages.text(
        "media_too_large_av", lang(), value="", size="> " + messages.human_size(cap),
        limit=messages.human_size(cap),
    )


@bp.route("/question/<int:qid>/media", methods=["POST"])
@organizer_required
def media_upload(qid):
    """Add a picture, sound or video to a question (checked by content, stored by hash)."""
    q = _question_or_404(qid)
    request.max_content_length = _media_cap() + 1024 * 1024
    back = url_for("bank.edit", qid=qid, next=next_url())
    try:
        storage = request.files.get("file")
    except RequestEntityTooLarge:
        return _edit_page(q, [_too_large_reason()], 413)
    if storage is None or not storage.filename:
        flash(_("Choose a file to add."))
        return redirect(back)
    failed = add_media(q, storage)
    if failed:
        return _edit_page(q, [failed[0]], failed[1])
    flash(_("Media added."))
    return redirect(back)


@bp.route("/question/<int:qid>/media/<sha>/delete", methods=["POST"])
@organizer_required
def media_remove(qid, sha):
    q = _question_or_404(qid)
    problem = media_db.remove_from_question(q, sha)
    if problem:
        db.session.rollback()
        return _edit_page(q, [messages.text(problem, lang(), value=q.stem, where="")], 422)
    flash(_("Media removed."))
    return redirect(url_for("bank.edit", qid=qid, next=next_url()))


def _edit_page(q, reasons, status):
    return question_page(
        "bank/edit.html", q, manage.form_values(q), status=status, reasons=reasons,
        invalid={"file": ""},
    )


def refusal(err) -> str:
    """A ManageError in the organizer's language."""
    texts = {
        "bank_name_empty": _("Give the bank a name."),
        "bank_name_long": _("The bank name is too long (at most %(limit)d characters).",
                            limit=manage.NAME_MAX),
        "bank_name_taken": _("A bank named %(name)s already exists.",
                             name=err.params.get("name", "")),
        "bank_missing": _("Choose a bank (that one does not exist)."),
        "merge_same": _("Choose another bank to merge into."),
        "question_missing": _("That question no longer exists."),
        "category_long": _("The category is too long (at most %(limit)d characters).",
                           limit=manage.CATEGORY_MAX),
        "difficulty_unknown": _("Choose easy, medium or hard."),
        "nothing_to_set": _("Type a category or choose a difficulty to set."),
    }
    return texts.get(err.code, err.code)

