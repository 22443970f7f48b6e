"""The organizer opens the backups page from the navigation and downloads a copy (Chromium)."""
import os
import re
import time

import pytest

from tests.e2e.conftest import ROOT, created_contest, start_server, sync_api
from tests.integration.live_clients import Client

PASSWORD = "e2e-organizer-pw"


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """A server whose contest the host has started (so a copy of it exists), plus a manual
    copy made by `flask backup now` before the server started."""
    made = {}

    def prepare(srv):
        made.update(created_contest(srv.flask(
            "contest", "create", os.path.join(ROOT, "tests", "e2e", "contest.json"))))
        done = srv.flask("backup", "now")
        assert done.returncode == 0, done.stderr

    instance = tmp_path_factory.mktemp("instance")
    srv = start_server(str(instance), prepare)
    host = Client(srv.url, {"contest": made["code"], "role": "host", "key": made["host_key"]})
    try:
        assert host.host("next")["ok"]
        folder = instance / "backups"
        for _ in range(200):
            if list(folder.glob(f"contest-{made['code']}-*.sqlite3")):
                break
            time.sleep(0.05)
        yield {"url": srv.url, "code": made["code"]}
    finally:
        host.close()
        srv.stop()


def test_the_organizer_downloads_a_backup_from_the_navigation(started, browser, shoot,
                                                              tmp_path):
    expect = sync_api.expect
    ctx = browser.new_context(viewport={"width": 1100, "height": 800}, locale="zh-CN",
                              accept_downloads=True)
    page = ctx.new_page()
    page.goto(started["url"] + "/")
    expect(page.locator(".topnav")).not_to_contain_text("备份")   # not for visitors
    page.locator(".topnav").get_by_role("link", name="组织者登录").click()
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator(".topnav").get_by_role("link", name="备份").click()
    page.wait_for_url(re.compile(r"/backups$"))
    expect(page.locator("h1")).to_have_text("备份")
    rows = page.locator("#backup-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(f"contest-{started['code']}-")   # newest first
    expect(rows.nth(1)).to_contain_text("manual-")
    expect(page.locator("main")).to_contain_text("flask --app app backup restore")
    shoot(page, "backups-page", "backups")
    with page.expect_download() as info:
        rows.nth(0).get_by_role("link", name="下载").click()
    download = info.value
    assert re.fullmatch(rf"contest-{started['code']}-\d{{8}}-\d{{6}}\.sqlite3",
                        download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with open(saved, "rb") as fh:
        assert fh.read(16) == b"SQLite format 3\x00"
    # the same page in English
    page.locator(".topnav").get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Backups")
    expect(rows.nth(0).get_by_role("link", name="Download")).to_be_visible()
    ctx.close()
