"""Contest setup pages for organizers: build a contest (form or file) and see its links."""
import json

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from quiz import auth, net
from quiz.contests import SetupError, create_contest
from quiz.extensions import db
from quiz.models import Contest

bp = Blueprint("setup", __name__, url_prefix="/contests")


def _bank_summary() -> list[dict]:
    """Banks with their question counts per type, categories and difficulties (for the form)."""
    from sqlalchemy import func

    from question_bank.models import Bank, Question

    rows = db.session.execute(
        db.select(Bank.name, Question.type, Question.category, Question.difficulty,
                  func.count(Question.id))
        .join(Question, Question.bank_id == Bank.id)
        .group_by(Bank.name, Question.type, Question.category, Question.difficulty)
    ).all()
    banks: dict[str, dict] = {}
    for name, qtype, category, difficulty, n in rows:
        b = banks.setdefault(name, {"name": name, "count": 0, "types": {}, "categories": set(),
                                    "difficulties": set()})
        b["count"] += n
        b["types"][qtype] = b["types"].get(qtype, 0) + n
        if category:
            b["categories"].add(category)
        if difficulty:
            b["difficulties"].add(difficulty)
    return [dict(b, categories=sorted(b["categories"]), difficulties=sorted(b["difficulties"]))
            for b in banks.values()]


@bp.route("/new")
@auth.organizer_required
def new():
    with open(_demo_path(), encoding="utf-8") as fh:
        example = json.load(fh)
    return render_template("setup/new.html", summary=_bank_summary(), example=example)


def _demo_path() -> str:
    import os

    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo", "contest.json")


@bp.route("", methods=["POST"])
@auth.organizer_required
def create():
    """Create from a JSON body (the form's script) or an uploaded contest file."""
    if request.files.get("file"):
        raw = request.files["file"].read(1024 * 1024 + 1)
        if len(raw) > 1024 * 1024:
            return _error("The contest file is over 1 MB.", "比赛文件超过 1 MB。")
        try:
            spec = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            return _error(f"The contest file is not valid JSON: {err}",
                          f"比赛文件不是有效的 JSON：{err}")
    else:
        spec = request.get_json(silent=True)
    if not isinstance(spec, dict):
        return _error("Send the contest as a JSON object.", "请以 JSON 对象提交比赛设置。")
    try:
        contest = create_contest(spec)
    except SetupError as err:
        db.session.rollback()
        return _error(str(err), str(err))
    return jsonify({"ok": True, "code": contest.code,
                    "url": url_for("setup.show", code=contest.code)})


def _error(message: str, message_zh: str):
    return jsonify({"ok": False, "message": message, "message_zh": message_zh}), 400


@bp.route("/<code>")
@auth.organizer_required
def show(code):
    contest = Contest.query.filter_by(code=code).one_or_none()
    if contest is None:
        abort(404)
    base = net.public_base_url(request_port())
    return render_template("setup/show.html", contest=contest, base=base)


def request_port() -> int:
    from flask import current_app

    return current_app.config["PORT"]


def init_app(app):
    app.register_blueprint(bp)
