"""The question bank: reading organizers' sheets, the bank itself, export and the template."""


def init_app(app) -> None:
    """Register the ``bank`` CLI group, the /bank pages and the /media files.

    The page modules put their routes on ``views.bp``; importing them here (and nowhere else)
    keeps the pages one way: import_views and manage_views import views, never the reverse.
    """
    from . import cli, import_views, manage_views, media_web, views  # noqa: F401  (routes on bp)

    app.cli.add_command(cli.bank_cli)
    app.register_blueprint(views.bp)
    media_web.init_app(app)
