"""HTML pages: the three screens, the join page and the QR code."""
import io

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from quiz.base import auth, net
from quiz.engine.phone_states import page_table
from quiz.live import joinpolicy
from quiz.record.models import Contest, Team
from quiz.web import headers

bp = Blueprint("views", __name__)
PHONE_STATES = page_table()   # what each phone says in each state, sent once with the page


def get_contest_or_404(code: str) -> Contest:
    """The contest with this code; an address guessing codes gets 429 for a while."""
    if auth.code_guesses_throttled():
        abort(429)
    contest = Contest.query.filter_by(code=str(code).strip()).one_or_none()
    if contest is None:
        auth.record_code_miss()
        abort(404)
    return contest


def ranking_rule() -> str:
    """The standings and tie-break rule in the page's language (stated on every screen)."""
    from flask_babel import get_locale

    from quiz.record.results import TIEBREAK_RULE

    return TIEBREAK_RULE["zh" if str(get_locale() or "zh").startswith("zh") else "en"]


def join_url(contest: Contest) -> str:
    return f"{net.public_base_url(current_app.config['PORT'])}/play/{contest.code}"


def team_join_url(contest: Contest, team_id: int, with_secret: bool) -> str:
    """A team's own join link; under the "team_links" policy it carries the team's secret, in
    the fragment (``#k=``), which browsers never send to a server or put in a Referer."""
    url = f"{join_url(contest)}?team={team_id}"
    if with_secret and joinpolicy.uses_links(joinpolicy.policy_of(contest.setup)):
        url += "#k=" + joinpolicy.team_secret(contest.host_key, team_id)
    return url


@bp.route("/")
def index():
    """Players get the join form; a signed-in organizer lands on their contests and banks."""
    if auth.is_organizer() and "setup.index" in current_app.view_functions:
        return redirect(url_for("setup.index"))
    return render_template("index.html")


@bp.route("/join", methods=["GET", "POST"])
def join():
    code = (request.values.get("code") or "").strip()
    if code:
        if auth.code_guesses_throttled():
            abort(429)
        contest = Contest.query.filter_by(code=code).one_or_none()
        if contest is not None:
            return redirect(url_for("views.play", code=contest.code))
        auth.record_code_miss()
        return render_template("join.html", code=code, not_found=True), 404
    return render_template("join.html", code="", not_found=False)


@bp.route("/play/<code>")
def play(code):
    contest = get_contest_or_404(code)
    team = request.args.get("team", type=int)
    return render_template("play.html", contest=contest, preset_team=team,
                           phone_states=PHONE_STATES)


@bp.route("/screen/<code>")
def screen(code):
    contest = get_contest_or_404(code)
    headers.allow_own_frames()  # the host console mirrors the projector in an iframe
    return render_template("screen.html", contest=contest, join_url=join_url(contest),
                           ranking_rule=ranking_rule())


@bp.route("/host/<code>", methods=["GET", "POST"])
def host(code):
    contest = get_contest_or_404(code)
    key = request.values.get("key")
    if key is not None:
        if auth.sign_in_throttled():
            return render_template("host_login.html", contest=contest, error=True), 429
        if auth.check_host_key(contest, key):
            auth.grant_host(contest.code)
            return redirect(url_for("views.host", code=contest.code))
        if auth.check_judge_key(contest, key):        # the judge's tablet: rules only
            auth.grant_judge(contest.code)
            return redirect(url_for("views.host", code=contest.code))
        auth.record_sign_in_failure()
        return render_template("host_login.html", contest=contest, error=True), 401
    hosting = auth.can_host(contest.code)
    if not hosting and not auth.can_judge(contest.code):
        return render_template("host_login.html", contest=contest, error=False)
    return render_template("host.html", contest=contest, join_url=join_url(contest),
                           ranking_rule=ranking_rule(), judge=not hosting,
                           judge_key=auth.judge_key(contest) if hosting else None)


def desk_teams(contest: Contest) -> list[dict]:
    """The buzzer desk's teams in desk order, each with the key the contest set for it."""
    keys = (contest.setup or {}).get("desk_keys") or []
    keys = [k.strip()[:20] if isinstance(k, str) else "" for k in keys]
    teams = sorted(contest.teams, key=lambda t: t.seat)
    return [{"id": t.id, "name": t.name, "color": t.color, "seat": t.seat,
             "key": keys[i] if i < len(keys) else ""} for i, t in enumerate(teams)]


@bp.route("/desk/<code>")
def desk(code):
    """The buzzer desk: keyboard or USB buzzer keys buzz for their teams (host sign-in)."""
    contest = get_contest_or_404(code)
    if not auth.can_host(contest.code):
        return render_template("host_login.html", contest=contest, error=False)
    return render_template("desk.html", contest=contest,
                           desk={"code": contest.code, "teams": desk_teams(contest)})


@bp.route("/qr/<code>.svg")
def qr(code):
    contest = get_contest_or_404(code)
    url = join_url(contest)
    team = request.args.get("team", type=int)
    if team and Team.query.filter_by(contest_id=contest.id, id=team).count():
        # a team's secret only for those who run the contest (the desk cards)
        url = team_join_url(contest, team, with_secret=auth.can_host(contest.code))
    return _qr_svg(url, private="#k=" in url)


def _qr_svg(url: str, private: bool) -> Response:
    """A QR code of ``url`` as SVG; one that carries a secret is never stored by a cache."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=10, border=2, dark="#000", light="#fff")
    resp = Response(buf.getvalue(), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "no-store" if private else "no-cache"
    return resp


def judge_url(contest: Contest) -> str:
    """The judge's tablet link: the host console signed in with the judge's key."""
    base = net.public_base_url(current_app.config["PORT"])
    return f"{base}/host/{contest.code}?key={auth.judge_key(contest)}"


@bp.route("/contests/<code>/judge-qr.svg")
def judge_qr(code):
    """The judge's link as a QR code for a tablet (for the organizer or the host only)."""
    contest = get_contest_or_404(code)
    if not (auth.can_host(contest.code) or auth.is_organizer()):
        abort(403)
    return _qr_svg(judge_url(contest), private=True)


@bp.route("/contests/<code>/cards")
def cards(code):
    """The desk cards: one A4 page per team with its QR code and join link (to print)."""
    contest = get_contest_or_404(code)
    if not auth.can_host(contest.code):
        if not auth.is_organizer():
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)
    policy = joinpolicy.policy_of(contest.setup)
    teams = [{"id": t.id, "name": t.name, "seat": t.seat, "color": t.color,
              "url": team_join_url(contest, t.id, with_secret=True)} for t in contest.teams]
    resp = current_app.make_response(render_template(
        "setup/cards.html", contest=contest, teams=teams, policy=policy,
        join_url=join_url(contest)))
    resp.headers["Cache-Control"] = "no-store"
    return resp


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def endpoints():
        return {"url_rules": set(app.view_functions)}
