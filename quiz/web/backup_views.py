"""/backups: the organizer lists the database's backup copies and downloads one."""
from flask import Blueprint, abort, current_app, render_template, send_file

from quiz.base import auth
from quiz.record import backups

bp = Blueprint("backups", __name__)


@bp.route("/backups")
@auth.organizer_required
def index():
    app = current_app._get_current_object()
    return render_template("backups.html", backups=backups.list_backups(app),
                           sqlite=backups.sqlite_path(app) is not None,
                           keep=app.config.get("QUIZ_BACKUP_KEEP", 20),
                           minutes=f"{app.config.get('QUIZ_BACKUP_MINUTES', 5):g}")


@bp.route("/backups/<name>")
@auth.organizer_required
def download(name):
    """Serve one listed copy as an attachment; any other name is 404."""
    found = backups.find(current_app, name)
    if found is None:
        abort(404)
    return send_file(found.path, as_attachment=True, download_name=found.name,
                     mimetype="application/vnd.sqlite3", max_age=0)


def init_app(app):
    app.register_blueprint(bp)
