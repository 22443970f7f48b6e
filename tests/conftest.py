"""Shared fixtures: an app on a fresh SQLite file, HTTP and Socket.IO test clients."""
import pytest

from quiz.base.extensions import db, socketio
from quiz.factory import create_app

ADMIN_PASSWORD = "test-organizer-pw"


@pytest.fixture(autouse=True)
def arrival_order_unless_asked(request, monkeypatch):
    """New contests rank buzzes in fair order (a collection window after the first press).
    The tests of everything else about a buzz assume the first press gets the turn at once, so
    they build contests in arrival order; the fair-order tests set ``buzz_order`` themselves,
    and those marked ``fair_default`` see the real default."""
    if request.node.get_closest_marker("fair_default") is None:
        from quiz.engine import settings

        monkeypatch.setitem(settings.CONTEST_DEFAULTS, "buzz_order", "arrival")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("QUIZ_ADMIN_PASSWORD", ADMIN_PASSWORD)
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "QUIZ_DEMO": False,
        "QUIZ_NO_TIMER": True,
        "SOCKETIO_ASYNC_MODE": "threading",
        "PORT": 5000,
        # every change reaches the projector and host at once, so tests can read the newest
        # state right after an ack; phones keep the real coalescing
        "QUIZ_COALESCE": {"screen": 0, "host": 0, "presence": 0},
    })
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def organizer_client(app):
    """A browser session signed in as the organizer."""
    c = app.test_client()
    resp = c.post("/login", data={"password": ADMIN_PASSWORD})
    assert resp.status_code == 302, resp.data
    return c


@pytest.fixture
def make_contest(app):
    """Create a contest from a spec (tests.helpers.contest_spec by default)."""
    from quiz.setup.contests import create_contest
    from tests.helpers import contest_spec

    def make(spec=None):
        with app.app_context():
            contest = create_contest(spec or contest_spec())
            return {"code": contest.code, "host_key": contest.host_key,
                    "teams": [t.id for t in contest.teams]}

    return make


@pytest.fixture
def make_socket(app):
    """Socket.IO test clients; every one is disconnected at the end of the test."""
    made = []

    def make(contest=None, role="player", key=None, token=None, flask_client=None,
             auth=None):
        if auth is None:
            auth = {"contest": contest, "role": role}
            if key is not None:
                auth["key"] = key
            if token is not None:
                auth["token"] = token
        sock = socketio.test_client(app, auth=auth, flask_test_client=flask_client)
        made.append(sock)
        return sock

    yield make
    for sock in made:
        if sock.is_connected():
            sock.disconnect()
