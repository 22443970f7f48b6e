"""End-to-end fixtures: the real server process and Debian's Chromium driven by Playwright.

The server is started once per module (``python app.py`` on a free port of 127.0.0.1, with a
fresh instance folder and a contest built from tests/e2e/contest.json by the CLI).
Screenshots go to tests/e2e/screenshots/ (git-ignored); with QUIZ_DOC_SHOTS=1 a chosen few
are also written to docs/img/ for the guides.
"""
import json
import os
import shutil

import pytest

from tests.serverproc import ServerProcess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = "/usr/bin/chromium"
SHOTS = os.path.join(ROOT, "tests", "e2e", "screenshots")
DOC_IMG = os.path.join(ROOT, "docs", "img")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic", "--autoplay-policy=no-user-gesture-required"]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)", allow_module_level=True)


def start_server(instance: str, prepare=None) -> ServerProcess:
    """The real server (tests.serverproc) with its own instance folder; ``prepare(server)``
    runs CLI commands against its database before it starts."""
    server = ServerProcess(instance, extra_env={"QUIZ_ADMIN_PASSWORD": "e2e-organizer-pw"})
    server.env.pop("SOCKETIO_ASYNC_MODE", None)
    if prepare is not None:
        prepare(server)
    try:
        server.start()
    except RuntimeError as err:
        pytest.fail(f"the server did not start: {err}"[-3000:])
    return server


def created_contest(done) -> dict:
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real server with the e2e contest: {"url", "code", "key", "log"}."""
    made = {}

    def prepare(srv):
        made.update(created_contest(srv.flask(
            "contest", "create", os.path.join(ROOT, "tests", "e2e", "contest.json"))))

    srv = start_server(str(tmp_path_factory.mktemp("instance")), prepare)
    try:
        yield {"url": srv.url, "code": made["code"], "key": made["host_key"],
               "log": srv.log_path}
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser():
    pw = sync_api.sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as err:  # a broken browser install is not a failure of the app
        pw.stop()
        pytest.skip(f"chromium does not start: {err}")
    yield b
    b.close()
    pw.stop()


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}


@pytest.fixture
def pages(browser, request):
    """new(**context args) -> a page in its own browser context, waiting up to the test
    module's ``T`` ms (8000 without one); all closed afterwards."""
    made = []
    timeout = getattr(request.module, "T", 8000)

    def new(**ctx):
        c = browser.new_context(**ctx)
        made.append(c)
        p = c.new_page()
        p.set_default_timeout(timeout)
        return p

    yield new
    for c in made:
        c.close()


def press_when(host, label: str, key: str = "Space", timeout: int = 8000):
    """Press the host console's key once its big button says ``label``.

    The projector and the console get the same broadcast but render it apart: a test that waits
    on the projector and then presses at once can press into the console's previous state.
    """
    sync_api.expect(host.locator("#primary-label")).to_have_text(label, timeout=timeout)
    host.keyboard.press(key)


def press_in(host, phase: str, key: str, timeout: int = 8000):
    """Press the host console's key once the console itself is in ``phase`` (``press_when``'s
    twin for the keys beside the big button: B, R, ...)."""
    sync_api.expect(host.locator("#now-phase")).to_have_attribute("data-phase", phase,
                                                                  timeout=timeout)
    host.keyboard.press(key)


@pytest.fixture
def shoot():
    """shoot(page, name): a screenshot under tests/e2e/screenshots/ (and docs/img/ if asked)."""
    os.makedirs(SHOTS, exist_ok=True)
    docs = os.environ.get("QUIZ_DOC_SHOTS") == "1"

    def take(page, name, doc_name=None):
        path = os.path.join(SHOTS, name + ".png")
        page.screenshot(path=path)
        if docs and doc_name:
            os.makedirs(DOC_IMG, exist_ok=True)
            shutil.copyfile(path, os.path.join(DOC_IMG, doc_name + ".png"))
        return path

    return take
