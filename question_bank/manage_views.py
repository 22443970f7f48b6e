"""The /bank pages that change banks and questions: create, rename, merge, delete, new
question, duplicate, bulk move/tag/delete. Every destructive change shows a confirmation page
first (what will change, how many, which contests use it); the change happens when that page's
button posts ``confirm=1``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from quiz.base.auth import organizer_required
from quiz.base.extensions import db

from . import manage, service, usage
from .models import Question
from .views import (
    _filters,
    _question_or_404,
    add_media,
    bp,
    form_from_request,
    next_url,
    question_page,
    refusal,
    render_index,
    selection,
)

CONTESTS_SHOWN = 20


def confirm_page(title, lines, action, fields, button, items=(), back=None):
    """Ask first: what will happen, then a button that posts ``fields`` plus ``confirm=1``."""
    return render_template(
        "bank/confirm.html",
        title=title,
        lines=lines,
        items=list(items),
        action=action,
        fields=list(fields),
        button=button,
        back=back or next_url(),
    )


def confirmed() -> bool:
    return request.method == "POST" and request.form.get("confirm") == "1"


def contests_line(ids) -> tuple[list[str], list[str]]:
    """The confirmation's line about contests using the questions, and their names."""
    used = usage.contests_using(ids)
    if not used:
        return [_("No contest uses these questions.")], []
    line = _("Contests that drew some of these questions: %(n)d (their copies stay as they are):",
             n=len(used))
    names = [_("%(name)s (questions: %(n)d)", name=name, n=n) for name, n in used[:CONTESTS_SHOWN]]
    return [line], names


# --------------------------------------------------------------------------- banks


@bp.route("/banks/new", methods=["POST"])
@organizer_required
def bank_create():
    try:
        bank = manage.create_bank(request.form.get("name"))
    except manage.ManageError as err:
        db.session.rollback()
        return render_index(422, bank_error=refusal(err), bank_name=request.form.get("name", ""))
    flash(_("Created the bank %(name)s.", name=bank.name))
    return redirect(url_for("bank.index", bank=bank.id))


def _bank_or_404(bank_id):
    try:
        return manage.get_bank(bank_id)
    except manage.ManageError:
        abort(404)


def bank_page(bank, status=200, **extra):
    others = [(b, n) for b, n in service.banks() if b.id != bank.id]
    return render_template(
        "bank/bank.html",
        bank=bank,
        count=manage.question_count(bank.id),
        others=others,
        errors=extra.pop("errors", {}),
        **extra,
    ), status


@bp.route("/bank/<int:bank_id>")
@organizer_required
def bank_show(bank_id):
    return bank_page(_bank_or_404(bank_id))


@bp.route("/bank/<int:bank_id>/rename", methods=["POST"])
@organizer_required
def bank_rename(bank_id):
    bank = _bank_or_404(bank_id)
    old = bank.name
    try:
        manage.rename_bank(bank.id, request.form.get("name"))
    except manage.ManageError as err:
        db.session.rollback()
        return bank_page(_bank_or_404(bank_id), 422, errors={"name": refusal(err)},
                         typed=request.form.get("name", ""))
    flash(_("Renamed the bank %(old)s to %(name)s.", old=old, name=bank.name))
    return redirect(url_for("bank.bank_show", bank_id=bank.id))


@bp.route("/bank/<int:bank_id>/merge", methods=["POST"])
@organizer_required
def bank_merge(bank_id):
    """Merge this bank into another: asks first, with the counts and the duplicates."""
    bank = _bank_or_404(bank_id)
    into = request.form.get("into", "")
    try:
        plan = manage.plan_merge(bank.id, into)
    except manage.ManageError as err:
        return bank_page(bank, 422, errors={"into": refusal(err)})
    source_name = bank.name
    if confirmed():
        plan = manage.merge_banks(bank.id, plan.target.id)
        flash(_("Merged %(src)s into %(dst)s. Moved: %(n)d; duplicates dropped: %(d)d.",
                src=source_name, dst=plan.target.name, n=len(plan.moving),
                d=len(plan.duplicates)))
        return redirect(url_for("bank.index", bank=plan.target.id))
    lines = [_("Questions of %(src)s that will move into %(dst)s: %(n)d.", n=len(plan.moving),
               src=source_name, dst=plan.target.name)]
    if plan.duplicates:
        lines.append(_("Questions %(dst)s already has (the same question), which are dropped: "
                       "%(d)d.", d=len(plan.duplicates), dst=plan.target.name))
    lines.append(_("The bank %(src)s is then removed.", src=source_name))
    items = [_("#%(q)d is the same as #%(same)d", q=q, same=same)
             for q, same in plan.duplicates[:CONTESTS_SHOWN]]
    return confirm_page(
        _("Merge %(src)s into %(dst)s?", src=source_name, dst=plan.target.name),
        lines, url_for("bank.bank_merge", bank_id=bank.id), [("into", plan.target.id)],
        _("Merge"), items, back=url_for("bank.bank_show", bank_id=bank.id),
    )


@bp.route("/bank/<int:bank_id>/delete", methods=["GET", "POST"])
@organizer_required
def delete_bank(bank_id):
    """Delete a bank and its questions: asks first, saying how many and which contests."""
    bank = _bank_or_404(bank_id)
    if confirmed():
        name = bank.name
        n = manage.question_count(bank.id)
        service.delete_bank(bank.id)
        flash(_("Deleted the bank %(name)s with its questions: %(n)d.", name=name, n=n))
        return redirect(url_for("bank.index"))
    ids = select(Question.id).where(Question.bank_id == bank.id)
    lines, names = contests_line(ids)
    n = manage.question_count(bank.id)
    return confirm_page(
        _("Delete the bank %(name)s?", name=bank.name),
        [_("Questions deleted with it: %(n)d.", n=n)] + lines,
        url_for("bank.delete_bank", bank_id=bank.id), [], _("Delete the bank"), names,
        back=url_for("bank.bank_show", bank_id=bank.id),
    )


# --------------------------------------------------------------------------- questions


def _default_bank_id():
    wanted = request.values.get("bank")
    if wanted and str(wanted).isdigit():
        return int(wanted)
    banks = service.banks()
    return banks[0][0].id if banks else ""


@bp.route("/question/new", methods=["GET", "POST"])
@organizer_required
def question_new():
    """A question typed in the browser; ``?from=ID`` starts from a copy of question ID."""
    source = request.values.get("from", type=int)
    original = service.get_question(source) if source else None
    if request.method == "GET":
        if original is not None:
            form = manage.form_values(original)
        else:
            form = {"bank": _default_bank_id(), "type": "single", "options": ["", "", "", ""]}
        return question_page("bank/new.html", None, form, original=original)
    values = form_from_request()
    storage = request.files.get("file")
    try:
        q, problems = manage.create_question(
            values["bank"], values, original.id if original is not None else None
        )
    except manage.ManageError as err:
        db.session.rollback()
        return question_page("bank/new.html", None, values, status=422, original=original,
                             reasons=[refusal(err)], invalid={err.field: ""})
    if problems:
        db.session.rollback()
        return question_page("bank/new.html", None, values, problems, 422, original=original)
    if storage is not None and storage.filename:
        failed = add_media(q, storage)
        if failed:
            flash(_("Question #%(id)d added, but its file was not:", id=q.id))
            return question_page("bank/edit.html", q, manage.form_values(q), status=failed[1],
                                 reasons=[failed[0]], invalid={"file": ""})
    flash(_("Question #%(id)d added.", id=q.id))
    if request.form.get("again"):
        return redirect(url_for("bank.question_new", bank=q.bank_id, next=next_url()))
    return redirect(next_url(url_for("bank.index", bank=q.bank_id)))


@bp.route("/question/<int:qid>/delete", methods=["GET", "POST"])
@organizer_required
def question_delete(qid):
    q = _question_or_404(qid)
    if confirmed():
        manage.delete_selected([q.id])
        flash(_("Deleted question #%(id)d.", id=qid))
        return redirect(next_url())
    lines, names = contests_line([q.id])
    return confirm_page(
        _("Delete question #%(id)d?", id=q.id), [q.stem] + lines,
        url_for("bank.question_delete", qid=q.id), [("next", next_url())],
        _("Delete the question"), names,
    )


# --------------------------------------------------------------------------- bulk

ACTIONS = ("move", "category", "difficulty", "delete")


def _scope():
    """The questions a bulk form means: the ticked ones, or all that the filters match."""
    form = request.form
    if form.get("scope") == "filter":  # the filters ride in the query string, as on the list
        return selection(_filters()).with_only_columns(Question.id).order_by(None)
    return sorted({int(i) for i in form.getlist("ids") if i.isdigit()})


def _carried() -> list[tuple[str, str]]:
    """The bulk form's fields, for the confirmation to post again."""
    form = request.form
    keep = ("scope", "action", "target", "category", "difficulty", "next")
    out = [(k, form.get(k)) for k in keep if k in form]
    return out + [("ids", i) for i in form.getlist("ids") if i.isdigit()]


@bp.route("/delete", methods=["POST"])
@organizer_required
def delete():
    """Delete the ticked questions (asks first): the list's bulk delete."""
    return _bulk("delete")


@bp.route("/bulk", methods=["POST"])
@organizer_required
def bulk():
    return _bulk(request.form.get("action", ""))


def _bulk(action):
    if action not in ACTIONS:
        flash(_("Choose what to do with the questions."))
        return redirect(next_url())
    ids = _scope()
    n = manage.count(ids)
    if not n:
        flash(_("No question is selected: tick some, or choose all that match the filters."))
        return redirect(next_url())
    try:
        return _bulk_action(action, ids, n)
    except manage.ManageError as err:
        db.session.rollback()
        field = "target" if err.code == "bank_missing" else err.field
        return render_index(422, bulk_error=refusal(err), bulk_invalid=field)


def _bulk_action(action, ids, n):
    form = request.form
    if action == "move":
        plan = manage.plan_move(ids, form.get("target", ""))
        if confirmed():
            manage.move_questions(ids, plan.target.id)
            flash(_("Moved to %(bank)s: %(n)d; duplicates left where they were: %(d)d.",
                    n=len(plan.moving), bank=plan.target.name, d=len(plan.duplicates)))
            return redirect(next_url())
        lines = [_("Questions that will move to %(bank)s: %(n)d.", n=len(plan.moving),
                   bank=plan.target.name)]
        if plan.already:
            lines.append(_("Already in %(bank)s: %(n)d.", n=plan.already, bank=plan.target.name))
        if plan.duplicates:
            lines.append(_("Staying where they are, because %(bank)s already has the same "
                           "question: %(d)d.", d=len(plan.duplicates), bank=plan.target.name))
        items = [_("#%(q)d is the same as #%(same)d", q=q, same=same)
                 for q, same in plan.duplicates[:CONTESTS_SHOWN]]
        return confirm_page(_("Move the questions (%(n)d)?", n=n), lines, _bulk_url(),
                            _carried(), _("Move"), items)
    if action in ("category", "difficulty"):
        value = form.get(action, "")
        kwargs = {action: value}
        value = manage.check_fields(**kwargs)[action] or ""
        if confirmed():
            done = manage.set_fields(ids, **kwargs)
            flash(_("Questions changed: %(n)d.", n=done))
            return redirect(next_url())
        shown = value or _("(none)")
        if action == "difficulty":
            shown = {"easy": _("Easy"), "medium": _("Medium"), "hard": _("Hard")}.get(value, shown)
        line = (_("Questions that will get the category %(v)s: %(n)d.", n=n, v=shown)
                if action == "category"
                else _("Questions that will get the difficulty %(v)s: %(n)d.", n=n, v=shown))
        return confirm_page(_("Change the questions (%(n)d)?", n=n), [line], _bulk_url(),
                            _carried(), _("Change"))
    if confirmed():
        done = manage.delete_selected(ids)
        flash(_("Questions deleted: %(n)d.", n=done))
        return redirect(next_url())
    lines, names = contests_line(ids)
    return confirm_page(
        _("Delete the questions (%(n)d)?", n=n),
        [_("Questions that will be deleted from the bank: %(n)d.", n=n)] + lines,
        _bulk_url(), [*_carried(), ("action", "delete")], _("Delete"), names,
    )


def _bulk_url() -> str:
    """The confirmation posts to /bank/bulk with the list's filters kept in the query."""
    return url_for("bank.bulk", **request.args)
