"""Contest pages for organizers: the list, the form (new and edit), duplicate, archive, delete."""
import json
import os

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from question_bank import service as bank
from quiz.base import auth, net
from quiz.base.extensions import db
from quiz.engine import formats
from quiz.engine import settings as rules
from quiz.record.models import Contest
from quiz.setup import contests as service
from quiz.setup.contests import SetupError
from quiz.setup.texts import setting_texts
from quiz.web.format_names import kind_names
from quiz.web.views import judge_url

bp = Blueprint("setup", __name__, url_prefix="/contests")

MAX_FILE = 1024 * 1024


def _zh() -> bool:
    return str(get_locale() or "zh").startswith("zh")


def _contest(code: str) -> Contest:
    contest = Contest.query.filter_by(code=code).one_or_none()
    if contest is None:
        abort(404)
    return contest


def _form(spec: dict, contest: Contest | None):
    return render_template(
        "setup/new.html", summary=bank.bank_summary(), spec=spec, contest=contest,
        defaults={"rounds": rules.round_defaults(), "contest": rules.CONTEST_DEFAULTS,
                  "formats": {k: formats.get(k).capabilities for k in formats.round_kinds()}},
        kinds=kind_names(),
        texts=setting_texts(_zh()))


@bp.route("")
@auth.organizer_required
def index():
    """The contests, newest first, with their state; archived ones behind a filter."""
    archived = request.args.get("archived") == "1"
    rows = []
    for c in Contest.query.order_by(Contest.created_at.desc()).all():
        if service.is_archived(c) != archived:
            continue
        spec = c.setup or {}
        rows.append({"contest": c, "status": service.status(c), "date": spec.get("date") or "",
                     "rounds": [r.get("title") or r.get("kind") for r in spec.get("rounds", [])
                                if isinstance(r, dict)]})
    return render_template("setup/list.html", rows=rows, archived=archived,
                           banks=bank.bank_summary())


@bp.route("/new")
@auth.organizer_required
def new():
    with open(_demo_path(), encoding="utf-8") as fh:
        example = json.load(fh)
    example.pop("code", None)
    example.pop("bank", None)
    return _form(example, None)


def _demo_path() -> str:
    quiz_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(quiz_dir, "demo", "contest.json")


def _spec_from_request():
    """The contest as sent: a JSON body (the form's script) or an uploaded contest file."""
    if request.files.get("file"):
        raw = request.files["file"].read(MAX_FILE + 1)
        if len(raw) > MAX_FILE:
            raise SetupError("The contest file is over 1 MB.", "比赛文件超过 1 MB。", "file")
        try:
            return json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise SetupError(f"The contest file is not valid JSON: {err}",
                             f"比赛文件不是有效的 JSON：{err}", "file") from err
    spec = request.get_json(silent=True)
    if not isinstance(spec, dict):
        raise SetupError("Send the contest as a JSON object.", "请以 JSON 对象提交比赛设置。")
    return spec


@bp.route("", methods=["POST"])
@auth.organizer_required
def create():
    try:
        contest = service.create_contest(_spec_from_request())
    except SetupError as err:
        db.session.rollback()
        return _error(err)
    return jsonify({"ok": True, "code": contest.code,
                    "url": url_for("setup.show", code=contest.code)})


def _error(err: SetupError):
    return jsonify(dict(err.to_dict(), ok=False)), 400


@bp.route("/<code>")
@auth.organizer_required
def show(code):
    contest = _contest(code)
    base = net.public_base_url(request_port())
    resp = current_app.make_response(render_template(
        "setup/show.html", contest=contest, base=base, judge_url=judge_url(contest),
        status=service.status(contest), archived=service.is_archived(contest)))
    resp.headers["Cache-Control"] = "no-store"   # the host's and the judge's keys
    return resp


@bp.route("/<code>/edit", methods=["GET", "POST"])
@auth.organizer_required
def edit(code):
    contest = _contest(code)
    if request.method == "GET":
        if service.status(contest) in ("running", "finished"):
            flash(_("This contest has started: it can no longer be edited."))
            return redirect(url_for("setup.show", code=code))
        return _form(contest.setup or {}, contest)
    try:
        service.update_contest(contest, _spec_from_request())
    except SetupError as err:
        db.session.rollback()
        return _error(err)
    return jsonify({"ok": True, "code": contest.code, "url": url_for("setup.show", code=code)})


@bp.route("/<code>/duplicate", methods=["POST"])
@auth.organizer_required
def duplicate(code):
    try:
        copy = service.duplicate_contest(_contest(code))
    except SetupError as err:
        db.session.rollback()
        flash(_("The contest was not duplicated: %(reason)s",
                reason=err.message_zh if _zh() else err.message))
        return redirect(url_for("setup.show", code=code))
    flash(_("Duplicated: a new contest with a new join code and host key, questions drawn anew."))
    return redirect(url_for("setup.show", code=copy.code))


@bp.route("/<code>/archive", methods=["POST"])
@auth.organizer_required
def archive(code):
    contest = _contest(code)
    restore = request.form.get("restore") == "1"
    service.set_archived(contest, not restore)
    flash(_("Restored to the contest list.") if restore else
          _("Archived: find it under “Archived”."))
    return redirect(url_for("setup.index", archived="" if restore else "1"))


@bp.route("/<code>/delete", methods=["GET", "POST"])
@auth.organizer_required
def delete(code):
    """Asks first; a finished contest's record needs the join code typed as well."""
    contest = _contest(code)
    status = service.status(contest)
    error = None
    if request.method == "POST":
        typed = (request.form.get("confirm_code") or "").strip()
        if request.form.get("confirm") != "1":
            error = _("Tick the box to confirm.")
        elif status in ("finished", "running") and typed != contest.code:
            error = _("Type the join code %(code)s to delete this contest's record.",
                      code=contest.code)
        else:
            name = contest.name
            service.delete_contest(contest)
            flash(_("Deleted: %(name)s", name=name))
            return redirect(url_for("setup.index"))
    return render_template("setup/delete.html", contest=contest, status=status, error=error)


def request_port() -> int:
    return current_app.config["PORT"]


def init_app(app):
    app.register_blueprint(bp)
