"""Fair buzzing in a real browser: the contest form's buzz order and desk keys, the buzzer
desk's test mode and a real key buzz, and the host console's evidence for it."""
import json
import os
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, created_contest, start_server
from tests.integration.buzzers import phone
from tests.integration.live_clients import Client

PASSWORD = "e2e-organizer-pw"
T = 8000


def _setting(scope, key):
    return scope.locator(f"[data-setting={key}]")


@pytest.fixture(scope="module")
def desk_server(tmp_path_factory):
    """The server with a fair-order contest with desk keys 1 and 2."""
    made = {}
    spec = {"name": "公平抢答赛", "join": "open", "desk_keys": ["1", "2"],
            "settings": {"buzz_order": "fair"},
            "teams": [{"name": "红队", "color": "#e53935"}, {"name": "蓝队", "color": "#1e88e5"}],
            "rounds": [{"kind": "buzz", "title": "抢答题",
                        "settings": {"buzz_window": 60, "answer_time": 60},
                        "questions": [{"type": "single", "stem": "1 + 1 = ?",
                                       "options": ["1", "2"], "answer": ["B"]}]}]}
    folder = tmp_path_factory.mktemp("desk")
    paths = {}
    for name, extra in (("fair", {}), ("tie", {"near_tie": "host"})):
        paths[name] = os.path.join(str(folder), f"{name}.json")
        with open(paths[name], "w", encoding="utf-8") as fh:
            json.dump(dict(spec, settings=dict(spec["settings"], **extra)), fh,
                      ensure_ascii=False)

    def prepare(srv):
        for name, path in paths.items():
            made[name] = created_contest(srv.flask("contest", "create", path))

    srv = start_server(str(folder / "instance"), prepare)
    yield {"url": srv.url, "code": made["fair"]["code"], "key": made["fair"]["host_key"],
           "tie": made["tie"]}
    srv.stop()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The real server with the demo bank, for the contest form."""
    srv = start_server(str(tmp_path_factory.mktemp("desk-demo")),
                       prepare=lambda s: s.env.update({"QUIZ_DEMO": "1"}))
    yield srv.url
    srv.stop()


@pytest.fixture
def console(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    errors = []
    yield ctx, errors
    ctx.close()
    assert not errors, errors


def _page(ctx, errors):
    page = ctx.new_page()
    page.set_default_timeout(T)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def test_the_contest_form_sets_fair_order_and_the_desk_keys(console, demo_server, shoot):
    ctx, errors = console
    page = _page(ctx, errors)
    base = demo_server
    page.goto(f"{base}/login")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("#new-contest")
    page.fill("#contest-name", "键盘抢答赛")
    settings = page.locator("#contest-settings")
    _setting(settings, "buzz_order").select_option("fair")
    _setting(settings, "near_tie").select_option("host")
    page.fill("#desk-keys", "A, S, D, F")
    shoot(page, "desk-01-form")
    page.click("#setup-save")
    expect(page.locator("h1")).to_contain_text("键盘抢答赛")
    code = page.locator("td.mono").first.inner_text().strip()
    page.click("#edit-contest")
    expect(_setting(page.locator("#contest-settings"), "buzz_order")).to_have_value("fair")
    expect(_setting(page.locator("#contest-settings"), "near_tie")).to_have_value("host")
    expect(page.locator("#desk-keys")).to_have_value("A,S,D,F")
    # the buzzer desk lists the demo's four teams with their keys
    page.goto(f"{base}/desk/{code}")
    expect(page.locator("#desk-teams kbd")).to_have_text(["A", "S", "D", "F"])
    expect(page.locator("#desk-none")).to_be_hidden()


def test_the_buzzer_desk_tests_its_keys_then_buzzes_and_the_host_sees_the_evidence(
        console, desk_server, browser, shoot):
    ctx, errors = console
    base, code = desk_server["url"], desk_server["code"]
    host = _page(ctx, errors)
    host.goto(f"{base}/host/{code}")
    host.fill("input[name=key]", desk_server["key"])
    host.click("button[type=submit]")
    expect(host.locator("#primary-label")).to_have_text("开始比赛")
    desk = _page(ctx, errors)               # the same signed-in browser on the hall's machine
    desk.goto(f"{base}/desk/{code}")
    expect(desk.locator("#desk-teams .desk-team")).to_have_count(2)
    expect(desk.locator("#desk-clock")).to_contain_text("往返")

    # test mode: a key lights its team and sends nothing
    desk.check("#desk-test")
    desk.keyboard.press("2")
    blue = desk.locator(".desk-team[data-team]").nth(1)
    expect(blue).to_have_class("desk-team lit")
    expect(blue.locator(".desk-status")).to_have_text("按键正常")
    shoot(desk, "desk-02-test-mode")
    desk.uncheck("#desk-test")

    # a phone joins the red team: phones and keys in one contest
    phone_ctx = browser.new_context(**PHONE)
    phone = phone_ctx.new_page()
    phone.set_default_timeout(T)
    phone.goto(f"{base}/play/{code}")
    phone.locator(".team-pick").first.click()
    phone.fill("#join-name", "小红")
    phone.click("#join-go")

    for label in ("开始比赛", "出第一题", "开放抢答"):
        expect(host.locator("#primary-label")).to_have_text(label)
        host.click("#primary")
    expect(desk.locator("#desk-phase")).to_have_text("抢答已开放")
    expect(host.locator("#buzz-order")).to_contain_text("公平")
    desk.keyboard.press("2")
    expect(blue.locator(".desk-status")).to_have_text("#1")
    evidence = host.locator("#evidence tr")
    expect(evidence).to_have_count(1)
    expect(evidence.first).to_contain_text("蓝队")
    expect(evidence.first.locator("td").nth(4)).to_contain_text("ms")   # its round trip
    expect(host.locator("#phones .psync").first).to_contain_text("时钟")
    # the phone's buzzer lit at the scheduled instant and now shows the other team answering
    expect(phone.locator("#buzz-caption")).to_contain_text("蓝队")
    shoot(host, "desk-03-host-evidence")
    shoot(desk, "desk-04-buzzed")
    phone_ctx.close()


def test_a_near_tie_waits_for_the_host_who_gives_the_turn(console, desk_server, shoot):
    ctx, errors = console
    base, code, key = desk_server["url"], desk_server["tie"]["code"], desk_server["tie"]["host_key"]
    host = _page(ctx, errors)
    host.goto(f"{base}/host/{code}")
    host.fill("input[name=key]", key)
    host.click("button[type=submit]")
    desk = _page(ctx, errors)
    desk.goto(f"{base}/desk/{code}")
    expect(desk.locator("#desk-clock")).to_contain_text("往返")
    # a phone of the red team whose clock is only good to ±35 ms (still ranked by press time)
    watcher = Client(base, {"contest": code, "role": "screen"})
    red_id = next(t["id"] for t in watcher.wait_version(0)["teams"] if t["name"] == "红队")
    watcher.close()
    red = phone(base, code, red_id, "小红", delay_ms=2)
    red.uncertainty = 35
    red.client.call("time", {"uncertainty": 35})
    try:
        for label in ("开始比赛", "出第一题", "开放抢答"):
            expect(host.locator("#primary-label")).to_have_text(label)
            host.click("#primary")
        expect(desk.locator("#desk-phase")).to_have_text("抢答已开放")
        qid = red.client.state["question"]["id"]
        # blue on the desk and red on its phone, a few ms apart: red claims the moment just
        # before the key went to the browser (within what its ±35 ms clock allows)
        before = time.time()
        desk.keyboard.press("2")
        assert red.press(qid, forge_ms=(time.time() - before) * 1000)["ok"]
        tie = host.locator("#near-tie")
        expect(tie).to_be_visible(timeout=15000)   # the collection window, on a busy machine
        expect(tie).to_contain_text("请裁定")
        expect(host.locator("#evidence tr.near-tie")).to_have_count(2)
        shoot(host, "desk-05-near-tie")
        tie.locator("button", has_text="蓝队").click()
        expect(tie).to_be_hidden()
        expect(host.locator("#evidence tr").first).to_contain_text("主持人裁定")
        expect(host.locator("#evidence tr").first).to_contain_text("蓝队")
        expect(host.locator("#primary-label")).to_contain_text("判定")
    finally:
        red.client.close()
