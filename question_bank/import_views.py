"""The import pages on the bank blueprint: upload → preview (the column map, problem rows to
correct or leave out, the problem rows as a sheet) → confirm, in one transaction.

The uploaded files are kept under a one-time token (instance/bank_uploads/<token>/) until the
import is confirmed, so the preview can be recomputed with other columns without an upload.
Every choice the organizer makes (columns, the no-answer choice, corrections) travels in the
form; the server re-reads the kept files and re-checks everything each time.
"""

from __future__ import annotations

import collections
import dataclasses
import io
import os
import pathlib
import re
import secrets
import shutil

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from quiz.base import offloop
from quiz.base.auth import organizer_required
from quiz.base.safety import write_text_cell

from . import bundles, fixes, headers, messages, normalize, previews, service
from .answers import LETTERS, TYPES
from .limits import limits_from_config, media_limits_from_config
from .views import XLSX, bp, lang, type_names

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
DEMO_BANK = "演示题库"  # quiz/startup.py's demo bank: never the default target of an import
NEW_BANK = "__new__"
PAGE_ROWS = 100  # rows of the preview on one page (problem rows, and questions)
LIST_CAP = 100  # at most so many problems, warnings, notes, duplicates listed on the page


def _upload_dir(token: str) -> str:
    return os.path.join(previews.root(current_app.instance_path), token)


def _spool_ext(name: str) -> str:
    """The extension a kept upload is stored with: the workbook's own, from our short list, so
    that calamine may read it from the file (sheets.py); anything else is kept as .bin."""
    ext = os.path.splitext(name)[1].lower()
    return ext if ext in (".xlsx", ".xlsm", ".ods") else ".bin"


def role_names() -> dict:
    """What a column can be read as, in the organizer's language."""
    names = {
        "stem": _("Question"),
        "answer": _("Answer"),
        "type": _("Type"),
        "points": _("Points"),
        "explanation": _("Explanation"),
        "category": _("Category"),
        "difficulty": _("Difficulty"),
        "time_limit": _("Time limit"),
        "ignore": _("Ignored"),
    }
    for i, letter in enumerate(LETTERS):
        names[f"opt{i}"] = _("Option %(letter)s", letter=letter)
    return {role: names[role] for role in headers.ROLES}


@bp.app_context_processor
def _upload_choices():
    """The banks an import may target (the upload form, templates/bank/_upload.html)."""
    if not request.blueprint == "bank":
        return {}
    names = [b.name for b, _n in service.banks() if b.name != DEMO_BANK]
    return {"import_targets": names, "new_bank_value": NEW_BANK}


def _target_bank() -> str:
    """The bank chosen in the form: an existing one, or a new name ('' when "a new bank" is
    chosen without a name). A post without the field (a script) takes service.DEFAULT_BANK."""
    choice = (request.form.get("bank") or "").strip()
    if choice == NEW_BANK:
        return (request.form.get("new_bank") or "").strip()
    return choice or service.DEFAULT_BANK


def _sources(token: str) -> list:
    folder = _upload_dir(token)
    out = []
    for entry in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(entry)
        if ext != ".name":
            with open(os.path.join(folder, stem + ".name"), encoding="utf-8") as fh:
                out.append((fh.read(), pathlib.Path(folder, entry)))
    return out


def _kept_bytes(token: str) -> int:
    """The size of the kept files: big ones are read in a child process (quiz/base/offloop.py)."""
    return sum(path.stat().st_size for _, path in _sources(token))


def _kept_token() -> str | None:
    token = request.form.get("token", "")
    if _TOKEN.match(token) and os.path.isdir(_upload_dir(token)):
        return token
    return None


@bp.route("/upload", methods=["POST"])
@organizer_required
def upload():
    """Keep the files under a one-time token and show what an import would do."""
    limits = limits_from_config()
    bundle_cap = media_limits_from_config().max_bundle  # a .zip of sheet + media may be larger
    request.max_content_length = max(limits.max_bytes * 4, bundle_cap + 1024 * 1024)
    bank = _target_bank()
    strict = bool(request.form.get("strict"))
    try:
        if request.content_length and request.content_length > request.max_content_length:
            raise RequestEntityTooLarge()
        files = [f for f in request.files.getlist("files") if f and f.filename]
    except RequestEntityTooLarge:
        err = messages.FileTooLarge(
            "too_large",
            size=messages.human_size(request.content_length or 0),
            limit=messages.human_size(limits.max_bytes),
        )
        return _refused_page(err, bank, 413)
    if not files:
        flash(_("Choose a file to import."))
        return redirect(url_for("bank.index"))
    if not bank:
        flash(_("Choose the bank to import into, or name a new one."))
        return redirect(url_for("bank.index"))
    token = secrets.token_hex(16)
    folder = _upload_dir(token)
    previews.sweep(current_app.instance_path, current_app.config.get("QUIZ_PREVIEW_MAX_AGE_S",
                                                                     previews.MAX_AGE_S))
    previews.make_folder(folder)  # 0700, files 0600 (question_bank/previews.py)
    for i, storage in enumerate(files):
        name = os.path.basename(storage.filename.replace("\\", "/")) or f"upload{i}"
        kept = offloop.run(  # 13 MB read from the spooled upload and written: off the loop
            _keep, storage.stream, name, os.path.join(folder, f"{i:02d}"), limits.max_bytes,
            bundle_cap)
        if not kept:
            shutil.rmtree(folder, ignore_errors=True)
            err = messages.FileTooLarge(
                "too_large",
                size=f"> {messages.human_size(limits.max_bytes)}",
                limit=messages.human_size(limits.max_bytes),
            )
            return _refused_page(err, bank, 413, name)
    return _preview(token, bank, strict, {}, None)


def _keep(stream, name: str, base: str, max_bytes: int, bundle_cap: int) -> bool:
    """Keep an uploaded file as ``base`` + its extension (and its name in ``base``.name);
    False when it is over the cap (a zip of sheet + media has its own)."""
    data = stream.read(max_bytes + 1)
    too_big = len(data) > max_bytes
    if too_big and data.startswith(b"PK"):  # maybe a zip of sheet + media: its own cap
        data += stream.read(bundle_cap + 1 - len(data))
        too_big = len(data) > bundle_cap or not bundles.is_bundle(data)
    if too_big:
        return False
    previews.write_private(base + _spool_ext(name), data)
    previews.write_private(base + ".name", name)
    return True


def _dry_run(token, bank, strict, columns, no_answer):
    sources = _sources(token)
    report = service.import_files(
        sources,
        bank=bank,
        dry_run=True,
        strict=strict,
        limits=limits_from_config(),
        media_limits=media_limits_from_config(),
        columns=columns,
        no_answer=no_answer,
    )
    return sources, report


def _view_choice() -> tuple[int, str]:
    """The page of the preview asked for (1 when a choice was recomputed) and its view:
    'problems' (only the problem rows) or 'all'."""
    view = request.form.get("view") or request.form.get("shown") or "all"
    page = request.form.get("page") or ""
    if not page and not request.form.get("view") and request.endpoint == "bank.confirm":
        page = request.form.get("shown_page") or ""
    return (int(page) if page.isdigit() else 1), ("problems" if view == "problems" else "all")


def _preview(
    token,
    bank,
    strict,
    columns,
    no_answer,
    map_errors=None,
    fixed=None,
    status=200,
    fix_errors=None,
):
    """The preview page for the kept files read with these choices; ``fixed``: the corrections
    posted (shown again), ``fix_errors``: {(file, sheet, row): [reasons]} of those that fail.
    The dry run and the page's rows are computed off the live loop; only a page is rendered."""
    page, view = _view_choice()
    model = offloop.run_in_process(
        _preview_model, token, bank, strict, columns, no_answer, page, view, fixed or {}, lang(),
        weight=_kept_bytes(token),
    )
    if "refused" in model:  # the file itself was refused: start again
        shutil.rmtree(_upload_dir(token), ignore_errors=True)
        return _render(model["refused"], bank, strict, 422)
    return _render(model, bank, strict, status, token, no_answer, map_errors, fixed, fix_errors)


def _preview_model(token, bank, strict, columns, no_answer, page, view, fixed, language):
    """The dry run and the page model of the preview (in a worker when serving)."""
    sources, report = _dry_run(token, bank, strict, columns, no_answer)
    if not report.ok and not report.layouts:
        return {"refused": _page_model(report, None, 1, "all", {}, language)}
    return _page_model(report, sources, page, view, fixed, language)


def _page_model(report, sources, page, view, fixed, language) -> dict:
    """What the preview page shows of a report: the counts, the lists (each at most
    LIST_CAP), and one page (PAGE_ROWS) of the problem rows and of the questions."""
    data = report.to_json(language)
    counts = {k: len(data[k]) for k in ("problems", "warnings", "notes")}
    for k in ("problems", "warnings", "notes"):
        data[k] = data[k][:LIST_CAP]
    places = _problem_places(report)
    questions = sorted(report.preview, key=lambda qd: (qd[0].file, qd[0].sheet, qd[0].row))
    shown = len(places) if view == "problems" else max(len(places), len(questions))
    pages = max(1, -(-shown // PAGE_ROWS))
    page = min(max(page, 1), pages)
    first = (page - 1) * PAGE_ROWS
    rows = []
    if sources is not None and places[first : first + PAGE_ROWS]:
        wanted = set(places[first : first + PAGE_ROWS])
        part = dataclasses.replace(
            report, problems=[p for p in report.problems if (p.file, p.sheet, p.row) in wanted]
        )
        rows = service.problem_rows(
            sources, part, limits_from_config(), media_limits_from_config(), cap=PAGE_ROWS
        )
    on_page = {(r["file"], r["sheet"], r["row"]) for r in rows}
    failing = set()  # sheets where most rows failed: their column map opens by itself
    bad_rows: dict = {}
    for p in report.problems:
        bad_rows.setdefault((p.file, p.sheet), set()).add(p.row)
    for k, layout in enumerate(report.layouts):
        bad = bad_rows.get((layout.file, layout.sheet), set())
        if len(bad) > report.by_sheet.get(f"{layout.file} / {layout.sheet}", 0):
            failing.add(k)
    return {
        "report": _slim(report),
        "category_total": len(report.by_category),
        "data": data,
        "counts": counts,
        "problem_rows": rows,
        "problem_count": len(places),
        "row_base": first,
        "carried": [(place, f) for place, f in fixed.items() if place not in on_page],
        "questions": [] if view == "problems" else questions[first : first + PAGE_ROWS],
        "question_count": len(questions),
        "duplicates": [qd for qd in questions if qd[1]][:LIST_CAP],
        "page": page,
        "pages": pages,
        "view": view,
        "categories": report.by_category.most_common(LIST_CAP),
        "failing": failing,
        "file_problems": [p for p in report.problems if p.row is None][:LIST_CAP],
    }


def _slim(report):
    """The report as the page uses it: without its 100,000 preview questions, problems and
    categories (the model is a child process's answer, pickled: the page shows one page of
    them, from the model's own lists, and the counts)."""
    return dataclasses.replace(
        report, preview=[], problems=report.problems[:LIST_CAP],
        warnings=report.warnings[:LIST_CAP], notes=report.notes[:LIST_CAP],
        by_category=collections.Counter(dict(report.by_category.most_common(LIST_CAP))))


def _problem_places(report) -> list:
    """The problem rows of a report (file, sheet, row), in sheet order, as the editor lists
    them (rows of sheets it read)."""
    read = {(lay.file, lay.sheet) for lay in report.layouts}
    return sorted(
        {(p.file, p.sheet, p.row) for p in report.problems if p.row is not None
         and (p.file, p.sheet) in read}
    )


def _render(model, bank, strict, status=200, token=None, no_answer=None, map_errors=None,
            fixed=None, fix_errors=None):
    return render_template(
        "bank/report.html",
        **model,
        lang=lang(),
        token=token,
        bank=bank,
        strict=strict,
        types=TYPES,
        type_names=type_names(),
        roles=role_names(),
        letters=LETTERS,
        no_answer=no_answer or "problem",
        map_errors=map_errors or {},
        fixed=fixed or {},
        fix_errors=fix_errors or {},
        page_rows=PAGE_ROWS,
    ), status


def _refused_page(err, bank, status, file=""):
    report = service.ImportReport(bank=bank, dry_run=True, refused=err, refused_file=file)
    return _render(_page_model(report, None, 1, "all", {}, lang()), bank, False, status)


def _maps_from_form() -> tuple[dict, dict]:
    """({sheet: ColumnMap} changed in the column map, {sheet index: (message, the roles as
    posted)} for bad ones, shown again as chosen)."""
    form = request.form
    maps, errors = {}, {}
    for key in form:
        match = re.fullmatch(r"map-(\d+)-sheet", key)
        if not match:
            continue
        k = match.group(1)
        parts = []
        for letter_key in form:
            found = re.fullmatch(rf"map-{k}-col-([A-Z]{{1,3}})", letter_key)
            role = form.get(letter_key)
            if found and role and role != "ignore":
                parts.append(f"{found.group(1)}={headers.role_word(role)}")
        first = (form.get(f"map-{k}-from") or "").strip()
        if first:
            parts.append(f"from={first}")
        text = ",".join(parts)
        if text == form.get(f"map-{k}-orig", "") and not form.get(f"map-{k}-given"):
            continue  # as the reader chose it: not a given map
        try:
            maps[form[key]] = headers.ColumnMap.parse(text)
        except headers.MapError as err:
            roles = {}
            for letter_key in form:
                found = re.fullmatch(rf"map-{k}-col-([A-Z]{{1,3}})", letter_key)
                if found:
                    roles[found.group(1)] = form.get(letter_key)
            errors[int(k)] = (messages.text(err.code, lang(), **err.params), roles)
    return maps, errors


def _fixes_from_form() -> tuple[dict, dict]:
    """({(file, sheet, row): fields or None}, {row index: the posted fields}) of the problem
    rows marked to be corrected or left out."""
    form = request.form
    out, posted = {}, {}
    for key in form:
        match = re.fullmatch(r"fix-(\d+)-action", key)
        if not match or form[key] not in ("fix", "skip"):
            continue
        i = match.group(1)
        row = form.get(f"fix-{i}-row", "")
        if not row.isdigit():
            continue
        place = (form.get(f"fix-{i}-file", ""), form.get(f"fix-{i}-sheet", ""), int(row))
        if form[key] == "skip":
            out[place] = None
            continue
        fields = {
            name: form.get(f"fix-{i}-{name}", "")
            for name in normalize.EDIT_FIELDS
        }
        options = form.getlist(f"fix-{i}-options")
        while options and not options[-1].strip():
            options.pop()
        fields["options"] = options
        out[place] = fields
        posted[place] = fields
    return out, posted


def _choices():
    token = _kept_token()
    bank = (request.form.get("bank") or "").strip()
    strict = bool(request.form.get("strict"))
    no_answer = request.form.get("no_answer") or None
    return token, bank, strict, no_answer


def _expired():
    flash(_("That upload has expired; upload the file again."))
    return redirect(url_for("bank.index"))


@bp.route("/preview", methods=["POST"])
@organizer_required
def preview():
    """The preview again, with the columns (and the no-answer choice) from the form."""
    token, bank, strict, no_answer = _choices()
    if token is None:
        return _expired()
    maps, errors = _maps_from_form()
    posted = {}
    if request.form.get("page") or request.form.get("view"):  # another page: keep the fixes
        posted = _fixes_from_form()[1]
    return _preview(token, bank, strict, maps, no_answer, errors, posted,
                    status=422 if errors else 200)


@bp.route("/problems.xlsx", methods=["POST"])
@organizer_required
def problems_download():
    """The problem rows as a sheet in the importer's layout, to fix in Excel and import alone."""
    token, bank, strict, no_answer = _choices()
    if token is None:
        return _expired()
    maps, _errors = _maps_from_form()
    data = offloop.run_in_app(_problem_sheet, token, bank, strict, maps, no_answer, lang())
    return send_file(
        io.BytesIO(data),
        mimetype=XLSX,
        as_attachment=True,
        download_name=_("problem-rows") + ".xlsx",
    )


def _problem_sheet(token, bank, strict, maps, no_answer, language) -> bytes:
    """The .xlsx of a dry run's problem rows (in a worker when serving)."""
    sources, report = _dry_run(token, bank, strict, maps, no_answer)
    rows = service.problem_rows(
        sources, report, limits_from_config(), media_limits_from_config(), cap=100_000
    )
    return fixes.problem_sheet(
        [(r["fields"], "; ".join(p.reason(language) for p in r["problems"])) for r in rows],
        write_cell=write_text_cell,
    )


@bp.route("/confirm", methods=["POST"])
@organizer_required
def confirm():
    """Import the kept files with the chosen columns and corrections, in one transaction."""
    token, bank, strict, no_answer = _choices()
    if token is None:
        return _expired()
    if not bank:
        flash(_("Choose the bank to import into, or name a new one."))
        return redirect(url_for("bank.index"))
    maps, errors = _maps_from_form()
    chosen, posted = _fixes_from_form()
    if errors:
        return _preview(token, bank, strict, maps, no_answer, errors, posted, 422)
    report = service.import_files(
        _sources(token),
        bank=bank,
        strict=strict,
        limits=limits_from_config(),
        media_limits=media_limits_from_config(),
        columns=maps,
        no_answer=no_answer,
        fixes=chosen,
    )
    if not report.ok:  # nothing was written: the preview again, with what failed
        fix_errors = {}
        if report.refused is not None and report.refused.code == "fixes_invalid":
            for p in report.problems:
                fix_errors.setdefault((p.file, p.sheet, p.row), []).append(p.reason(lang()))
        flash(report.error(lang()))
        return _preview(token, bank, strict, maps, no_answer, None, posted, 422, fix_errors)
    shutil.rmtree(_upload_dir(token), ignore_errors=True)
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
