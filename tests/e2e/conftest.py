"""End-to-end fixtures: the real server process and Debian's Chromium driven by Playwright.

The server is started once per module (``python app.py`` on a free port of 127.0.0.1, with a
fresh instance folder and a contest built from tests/e2e/contest.json by the CLI).
Screenshots go to tests/e2e/screenshots/ (git-ignored); with QUIZ_DOC_SHOTS=1 a chosen few
are also written to docs/img/ for the guides.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(instance: str, port: int) -> dict:
    env = dict(os.environ)
    env.update({"HOST": "127.0.0.1", "PORT": str(port), "QUIZ_INSTANCE_PATH": instance,
                "QUIZ_ADMIN_PASSWORD": "e2e-organizer-pw", "QUIZ_DEMO": "0",
                "QUIZ_PUBLIC_URL": f"http://127.0.0.1:{port}", "PYTHONUNBUFFERED": "1"})
    env.pop("SOCKETIO_ASYNC_MODE", None)
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real server with the e2e contest: {"url", "code", "key", "teams"}."""
    instance = str(tmp_path_factory.mktemp("instance"))
    port = _free_port()
    env = _env(instance, port)
    python = sys.executable
    out = subprocess.run(
        [python, "-m", "flask", "--app", "app", "contest", "create",
         os.path.join(ROOT, "tests", "e2e", "contest.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    created = json.loads(out.stdout.strip().splitlines()[-1])
    log = open(os.path.join(instance, "server.log"), "w")
    proc = subprocess.Popen([python, "app.py"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/join", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            log.close()
            with open(os.path.join(instance, "server.log")) as fh:
                pytest.fail("the server did not start:\n" + fh.read()[-3000:])
        time.sleep(0.2)
    try:
        yield {"url": url, "code": created["code"], "key": created["host_key"],
               "log": os.path.join(instance, "server.log")}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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
