"""Results pages and downloads: the printable record, results.xlsx, statistics, JSON for tools.

Every route is for the host of that contest or the organizer (``quiz.base.auth.can_host``); the
JSON endpoints too (they carry the score log). Anyone else gets 403 whether or not the code
exists (no oracle for join codes); a signed-in organizer gets 404 for an unknown code.
docs/results.md describes them.
"""
from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_babel import get_locale

from quiz.base import auth, offloop
from quiz.record.export_xlsx import xlsx_bytes
from quiz.record.models import Contest
from quiz.record.results import TIEBREAK_RULE, fmt_answer, label, load_record, norm_lang

bp = Blueprint("results", __name__)


def _contest(code: str) -> Contest:
    contest = Contest.query.filter_by(code=str(code).strip()).one_or_none()
    if contest is None:
        abort(404)
    return contest


def _allowed(code: str) -> bool:
    """Checked before the contest is looked up, so a stranger cannot learn which codes exist."""
    return auth.can_host(str(code).strip())


def _page_lang() -> str:
    return norm_lang(str(get_locale() or "zh_CN"))


def _denied(code: str):
    return render_template("results/denied.html", code=str(code).strip()), 403


def _json_denied():
    return jsonify({"ok": False, "error": "forbidden",
                    "message": "Sign in as the organizer or as this contest's host.",
                    "message_zh": "请以组织者或本场比赛主持人身份登录。"}), 403


def _template_helpers(lang: str) -> dict:
    return {"L": lambda key: label(key, lang), "fmt_answer": lambda a: fmt_answer(a, lang),
            "rule_text": TIEBREAK_RULE[lang], "rlang": lang}


@bp.route("/results/<code>")
def printable(code):
    """The official record on A4: standings, round scores, signatures."""
    if not _allowed(code):
        return _denied(code)
    contest = _contest(code)
    record = load_record(contest, questions=False)
    return render_template("results/print.html", contest=contest, record=record,
                           **_template_helpers(_page_lang()))


@bp.route("/results/<code>.xlsx")
def workbook(code):
    """results.xlsx; ?lang=en|zh_CN (default: the page language)."""
    if not _allowed(code):
        return _denied(code)
    contest = _contest(code)
    lang = norm_lang(request.args.get("lang") or _page_lang())
    data = offloop.run(xlsx_bytes, load_record(contest), lang)  # the writing: off the live loop
    resp = Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet")
    resp.headers["Content-Disposition"] = (
        f"attachment; filename=results-{contest.code}.xlsx; "
        f"filename*=UTF-8''results-{contest.code}.xlsx")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/results/<code>/stats")
def stats(code):
    """Per-question statistics: share answered right, buzz times."""
    if not _allowed(code):
        return _denied(code)
    contest = _contest(code)
    record = load_record(contest)
    return render_template("results/stats.html", contest=contest, record=record,
                           **_template_helpers(_page_lang()))


@bp.route("/api/contests/<code>/standings")
def api_standings(code):
    if not _allowed(code):
        return _json_denied()
    contest = _contest(code)
    record = load_record(contest, questions=False)
    return _no_store(jsonify({
        "ok": True, "contest": record["contest"], "tiebreak_rule": record["tiebreak_rule"],
        "standings": record["standings"], "round_columns": record["round_columns"],
        "round_scores": record["round_scores"], "checks": record["checks"]}))


@bp.route("/api/contests/<code>/log")
def api_log(code):
    if not _allowed(code):
        return _json_denied()
    contest = _contest(code)
    record = load_record(contest)
    return _no_store(jsonify({
        "ok": True, "contest": record["contest"], "score_changes": record["score_changes"],
        "buzzes": record["buzzes"], "questions": record["questions"],
        "checks": record["checks"]}))


def _no_store(resp):
    resp.headers["Cache-Control"] = "no-store"
    return resp


def init_app(app):
    """Register the blueprint (the factory registers the `contest export` command)."""
    app.register_blueprint(bp)
