"""The printable results page in Chromium: the real server, a played contest, A4 print output.

Screenshots (screen and print media) and the PDF go to tests/e2e/screenshots/ (git-ignored).
"""
import os
import re
import threading
import time

import pytest

from tests.helpers import contest_spec, question
from tests.serverproc import ServerProcess

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
socketio_client = pytest.importorskip("socketio", reason="python-socketio is not installed")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
SHOTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "screenshots")
EVIL = '=HYPERLINK("http://evil","x")'

if not os.path.exists(CHROMIUM):
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)", allow_module_level=True)


class Client:
    """A python-socketio client that keeps the newest `state` it received."""

    def __init__(self, url, auth):
        self.sio = socketio_client.Client(reconnection=False)
        self.state = None
        self.changed = threading.Event()
        self.sio.on("state", self._on_state)
        self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def _on_state(self, s):
        if self.state is None or s["version"] >= self.state["version"]:
            self.state = s
            self.changed.set()

    def call(self, event, data):
        ack = self.sio.call(event, data, timeout=10)
        assert ack["ok"], (event, data, ack)
        return ack

    def host(self, action, **fields):
        version = self.call("host", dict(fields, action=action))["version"]
        end = time.monotonic() + 10
        while not (self.state and self.state["version"] >= version):
            assert time.monotonic() < end, f"no state {version}"
            self.changed.wait(0.05)
            self.changed.clear()
        return self.state


def play(url, code, key):
    host = Client(url, {"contest": code, "role": "host", "key": key})
    clients = [host]
    try:
        teams = [t["id"] for t in sorted(host.state["teams"], key=lambda t: t["seat"])]
        phones = []
        for i, team in enumerate(teams):
            phone = Client(url, {"contest": code, "role": "player"})
            phone.call("join", {"team": team, "name": f"选手{i + 1}"})
            phones.append(phone)
        clients += phones
        host.host("next")
        q = host.host("show_question")["question"]["id"]          # compulsory, team 1
        phones[0].call("answer", {"question": q, "answer": "B"})
        q = host.host("next")["question"]["id"]                    # team 2
        host.host("judge", question=q, team=teams[1], correct=False)
        host.host("next")                                          # round end
        host.host("next")                                          # buzz-in round
        q = host.host("show_question")["question"]["id"]
        phones[1].call("buzz", {"question": q})                    # too early: a foul
        host.host("open_buzzers", question=q)
        phones[2].call("buzz", {"question": q})
        host.host("judge", question=q, team=teams[2], correct=False)
        phones[0].call("buzz", {"question": q})
        host.host("judge", question=q, team=teams[0], correct=True)
        host.host("next")                                          # round end
        host.host("adjust_score", team=teams[1], delta=5, reason="申诉成功")
        return host.host("finish")
    finally:
        for c in clients:
            c.sio.disconnect()


@pytest.fixture
def server(tmp_path):
    srv = ServerProcess(tmp_path / "instance")
    spec = contest_spec(teams=(EVIL, "蓝鲸队", "绿洲队"), rounds=[
        {"kind": "compulsory", "title": "必答题", "settings": {"wrong_points": -5},
         "questions": [question(stem="必答 1"), question(stem="必答 2")]},
        {"kind": "buzz", "title": "抢答题", "questions": [question(stem="抢答 1")]},
    ], name="2025 年职工安全知识竞赛决赛")
    made = srv.create_contest(spec, tmp_path)
    srv.start()
    try:
        yield srv, made
    finally:
        srv.stop()


def test_printable_results_render_in_chromium(server):
    srv, made = server
    final = play(srv.url, made["code"], made["host_key"])
    assert final["phase"] == "finished"
    os.makedirs(SHOTS, exist_ok=True)
    pw = sync_api.sync_playwright().start()
    try:
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as err:  # a broken browser install is not a failure of the app
            pytest.skip(f"chromium does not start: {err}")
        ctx = browser.new_context(viewport={"width": 1000, "height": 1400}, locale="zh-CN")
        page = ctx.new_page()
        # not signed in: refused
        resp = page.goto(f"{srv.url}/results/{made['code']}")
        assert resp.status == 403
        # sign in as the organizer, come back
        page.goto(f"{srv.url}/login?next=/results/{made['code']}")
        page.fill("input[name=password]", "server-test-pw")
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(rf"/results/{made['code']}$"))
        sheet = page.locator(".results-sheet")
        sync_api.expect(sheet.locator("h1")).to_have_text("2025 年职工安全知识竞赛决赛")
        rows = sheet.locator("table.standings tbody tr")
        sync_api.expect(rows).to_have_count(3)
        sync_api.expect(rows.nth(0)).to_contain_text(EVIL)        # shown as text
        sync_api.expect(rows.nth(0).locator("td").nth(2)).to_have_text("120")
        page.screenshot(path=os.path.join(SHOTS, "results-print-screen.png"), full_page=True)

        page.emulate_media(media="print")
        page.set_viewport_size({"width": 703, "height": 1016})   # A4 minus the @page margins
        assert not page.locator(".topnav").is_visible()
        assert not page.locator(".results-toolbar").is_visible()
        assert page.locator(".signatures .sign-line").count() >= 4
        page.screenshot(path=os.path.join(SHOTS, "results-print-media.png"), full_page=True)
        pdf = page.pdf(path=os.path.join(SHOTS, "results.pdf"), format="A4",
                       prefer_css_page_size=True, print_background=True)
        assert pdf.startswith(b"%PDF")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"the record should fit one A4 page, got {pages}"
        # A4 in points: 595 x 842
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
        assert box and abs(float(box.group(1)) - 595) < 2 and abs(float(box.group(2)) - 842) < 2

        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1000, "height": 1400})
        page.goto(f"{srv.url}/results/{made['code']}/stats?lang=en")
        sync_api.expect(page.locator("table.stats tbody tr")).to_have_count(3)
        page.screenshot(path=os.path.join(SHOTS, "results-stats.png"), full_page=True)
        ctx.close()
        browser.close()
    finally:
        pw.stop()
