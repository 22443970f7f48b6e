"""The hall as players and hosts expect it (issue 18): a projector, the host console and phones
in a real browser, each in its own context, on a contest made for these tests."""
import copy
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, press_in, press_when, start_server

T = 8000                           # ms to wait for a screen to follow the state

HALL = {
    "name": "大厅测试赛", "base_score": 100, "join": "open", "seed": 3,
    "teams": [{"name": "红星队", "color": "#e53935", "seat": 1},
              {"name": "蓝天队", "color": "#1e88e5", "seat": 2},
              {"name": "奋进队", "color": "#43a047", "seat": 3}],
    "rounds": [
        {"kind": "buzz", "title": "抢答题",
         "settings": {"right_points": 10, "wrong_points": -10, "buzz_window": 30,
                      "answer_time": 30},
         "questions": [
             {"type": "open", "stem": "请谈谈你对团队合作的理解。", "answer": [], "points": 10},
             {"type": "single", "stem": "我国的火警电话是？",
              "options": ["110", "119", "120", "122"], "answer": ["B"], "points": 10}]},
        {"kind": "all_answer", "title": "全员答题",
         "settings": {"right_points": 10, "answer_time": 20},
         "questions": [
             {"type": "true_false", "stem": "水在标准大气压下的沸点是100℃。", "answer": "true"}]},
        {"kind": "wager", "title": "风险题", "settings": {"values": [10, 20], "allow_pass": True},
         "questions": [
             {"type": "true_false", "stem": "长城是世界上最长的城墙。", "answer": "true",
              "level": 10},
             {"type": "true_false", "stem": "地球是平的。", "answer": "false", "level": 20}]},
    ],
}


@pytest.fixture(scope="module")
def hall_server(tmp_path_factory):
    """The real server; each test makes its own contest on it (``contest()``)."""
    srv = start_server(str(tmp_path_factory.mktemp("instance")))
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def contest(hall_server, tmp_path):
    """contest(change=None) -> {"url", "code", "key"}: a new hall contest; ``change(spec)``
    alters the contest file first."""
    def make(change=None):
        spec = copy.deepcopy(HALL)
        if change:
            change(spec)
        made = hall_server.create_contest(spec, tmp_path)
        return {"url": hall_server.url, "code": made["code"], "key": made["host_key"]}
    return make



def sign_in(page, base, code, key, lang="zh_CN"):
    page.goto(f"{base}/host/{code}?lang={lang}")
    page.fill("input[name=key]", key)
    page.click("button[type=submit]")
    expect(page.locator("#now-phase")).to_have_text(re.compile(r"\S"))      # the live state


def open_first_buzz(host, proj, phone):
    """From the lobby: the buzz round and its first question, then the buzzers open on the
    phone (the host console's own keys)."""
    host.keyboard.press("Space")
    expect(proj.locator("#intro-title")).to_have_text("抢答题")
    press_when(host, "出第一题")
    expect(proj.locator("#q-stem")).to_contain_text("团队合作")
    press_in(host, "reading", "b")
    expect(phone.locator("#buzz")).to_have_attribute("data-state", "open")


def join(page, base, code, team, name):
    page.goto(f"{base}/play/{code}")
    page.wait_for_selector("#join-teams[data-built]")     # the live buttons, from the state
    page.locator("button.team-pick", has_text=team).click()
    page.fill("#join-name", name)
    page.click("#join-go")
    expect(page.locator("#me-team")).to_have_text(team)


def test_small_items_favicon_titles_reasons_and_floating_deltas(contest, pages, shoot):
    hall = contest()
    base, code = hall["url"], hall["code"]
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="en-US")
    proj_zh = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host = pages(viewport={"width": 1440, "height": 900}, locale="en-US")
    phone = pages(**PHONE)
    proj.goto(f"{base}/screen/{code}?lang=en")
    proj_zh.goto(f"{base}/screen/{code}?lang=zh_CN")

    # our own favicon, served by us
    icon = proj.locator("link[rel=icon]").get_attribute("href")
    got = proj.request.get(base + icon)
    assert got.status == 200 and got.headers["content-type"].startswith("image/svg+xml")

    # the console lobby says "Lobby" once, not twice
    sign_in(host, base, code, hall["key"], "en")
    expect(host.locator("#now-phase")).to_have_text("Lobby")
    assert host.locator(".now-head").inner_text().count("Lobby") == 1

    join(phone, base, code, "红星队", "张三")
    host.keyboard.press("Space")                      # the buzz round's intro
    expect(proj.locator("#intro-title")).to_have_text("抢答题")
    # the English scoreboard title is one word, not "S c o r e b o a r d"
    title = proj.locator(".rail h2")
    expect(title).to_have_text("Scoreboard")
    assert title.evaluate("e => getComputedStyle(e).letterSpacing") == "normal"

    host.keyboard.press("Space")                      # question 1: an open question
    expect(proj_zh.locator("#q-kind")).to_have_text("简答题")
    expect(host.locator("#now-body .chip").first).to_have_text("Open question")
    host.keyboard.press("b")
    expect(phone.locator("#buzz")).to_have_attribute("data-state", "open")
    phone.locator("#buzz").tap()
    expect(host.locator("#primary-label")).to_have_text(re.compile("Judge"))
    # the phone of the open question's buzz winner says one thing: answer aloud
    expect(phone.locator("#open-note")).to_have_text("请口头作答，由主持人判定")
    expect(phone.locator("#tiles .tile")).to_have_count(0)
    expect(phone.locator("#text-form")).to_be_hidden()
    assert "点选" not in phone.locator("#s-answer").inner_text()
    shoot(phone, "hall-01-phone-open")
    host.keyboard.press("y")                          # right: +10

    # the floating +10 stays inside its own row of the scoreboard
    boxes = proj.wait_for_function("""() => {
        const f = document.querySelector("#rail .sb-float");
        if (!f) return null;
        const r = f.closest(".sb-row").getBoundingClientRect(), b = f.getBoundingClientRect();
        return {text: f.textContent, row: [r.top, r.bottom], float: [b.top, b.bottom]};
    }""").json_value()
    assert boxes["text"] == "+10"
    (top, bottom), (f_top, f_bottom) = boxes["row"], boxes["float"]
    assert top - 1 <= f_top and f_bottom <= bottom + 1, boxes
    shoot(proj, "hall-01-float")

    # the engine's reasons in the English console are English
    expect(host.locator("#log li").first).to_contain_text("Right")
    host.keyboard.press("u")
    expect(host.locator("#log li").first).to_contain_text("Undone: Right")
    assert "答对" not in host.locator("#log").inner_text()
    shoot(host, "hall-01-host-en")


# The moment each page's countdown label changes, on the machine's real clock (the phone's
# Date.now() may be skewed: performance.timeOrigin + now() is not).
WATCH_TICKS = """sel => {
    window.__ticks = {};
    const num = document.querySelector(sel);
    new MutationObserver(() => {
        const n = num.textContent;
        if (!(n in window.__ticks)) window.__ticks[n] = performance.timeOrigin + performance.now();
    }).observe(num, {childList: true, characterData: true, subtree: true});
}"""
SKEW_CLOCK = "(() => { const real = Date.now.bind(Date); Date.now = () => real() + 5000; })();"


def test_phone_countdown_keeps_step_with_the_projector_and_warns_before_time_is_up(
        contest, pages, shoot):
    def short_answer_time(spec):
        spec["rounds"][0]["settings"]["answer_time"] = 6
    hall = contest(short_answer_time)
    base, code = hall["url"], hall["code"]
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    phone = pages(**PHONE)
    phone.add_init_script(SKEW_CLOCK)            # this phone's clock is 5 s fast
    proj.goto(f"{base}/screen/{code}")
    sign_in(host, base, code, hall["key"])
    join(phone, base, code, "蓝天队", "李四")
    host.keyboard.press("Space")
    host.keyboard.press("Space")                 # question 1, read out
    expect(phone.locator("#buzz")).to_have_attribute("data-state", "wait")
    expect(phone.locator("#p-timer")).to_be_hidden()
    proj.evaluate(WATCH_TICKS, "#ring .ring-num")
    phone.evaluate(WATCH_TICKS, "#p-ring .ring-num")

    host.keyboard.press("b")                     # the buzzers open: 30 s to buzz
    expect(phone.locator("#p-timer")).to_be_visible()
    expect(phone.locator("#p-timer-text")).to_have_text("剩余时间")
    phone.wait_for_timeout(3300)
    p_ticks, f_ticks = proj.evaluate("window.__ticks"), phone.evaluate("window.__ticks")
    common = sorted((k for k in p_ticks if k in f_ticks), key=int)[:-1]   # the first is no tick
    assert len(common) >= 2, (p_ticks, f_ticks)
    gaps = {k: round(f_ticks[k] - p_ticks[k]) for k in common}
    assert all(abs(g) <= 200 for g in gaps.values()), gaps
    print("phone - projector countdown (ms):", gaps)
    shoot(phone, "hall-02-phone-countdown")

    # the buzz winner has 6 s; the phone says before the end what a timeout costs
    phone.locator("#buzz").tap()
    expect(phone.locator("#open-note")).to_be_visible()
    expect(phone.locator("#p-timer-text")).to_contain_text("超时扣 10 分")
    expect(phone.locator("#p-timer")).to_have_attribute("data-state", "urgent")
    expect(phone.locator("#p-timer-text")).to_contain_text("最后")
    shoot(phone, "hall-02-phone-urgent")
    # time's up: the phone says so, the team loses 10, the buzzers reopen for the others
    expect(phone.locator("#buzz-main")).to_have_text("超时", timeout=10000)
    expect(phone.locator("#buzz")).to_have_attribute("data-state", "locked")
    expect(phone.locator("#me-score")).to_have_text("90")
    shoot(phone, "hall-02-phone-timeout")


# Every `state` the page's socket receives is handed over ``ms`` late: installed before the
# page's scripts, as the Socket.IO client defines window.io.
LATE_STATES = """(ms) => {
  let real;
  Object.defineProperty(window, "io", { configurable: true, get() { return real; }, set(v) {
    real = v;
    const emit = v.Socket.prototype.emitEvent;
    v.Socket.prototype.emitEvent = function (args) {
      if (args[0] !== "state") return emit.call(this, args);
      setTimeout(() => emit.call(this, args), ms);
    };
  } });
}"""


def late_states(page, ms: int) -> None:
    page.add_init_script(f"({LATE_STATES})({int(ms)})")


def test_keys_pressed_back_to_back_each_act_on_the_state_the_last_one_made(contest, pages):
    hall = contest()
    base, code = hall["url"], hall["code"]
    proj = pages(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    proj.goto(f"{base}/screen/{code}")
    late_states(host, 400)        # every ack overtakes the state its command made
    sign_in(host, base, code, hall["key"])
    host.keyboard.press("Space")                 # the buzz round's intro
    host.keyboard.press("Space")                 # at once: its first question
    host.keyboard.press("b")                     # at once: the buzzers open
    expect(proj.locator("#q-stem")).to_contain_text("团队合作", timeout=T)
    expect(host.locator("#now-phase")).to_have_text("抢答中", timeout=T)
    expect(host.locator("#toast")).to_be_hidden()          # no key acted on a state gone by
    proj.wait_for_timeout(600)
    expect(host.locator("#now-phase")).to_have_text("抢答中")   # and none acted twice


def test_a_team_tapped_before_the_live_state_arrives_stays_picked(contest, pages):
    hall = contest()
    base, code = hall["url"], hall["code"]
    phone = pages(**PHONE)
    late_states(phone, 1500)      # a slow phone on the hall's Wi-Fi
    phone.goto(f"{base}/play/{code}")
    blue = phone.locator("button.team-pick", has_text="蓝天队")
    blue.click()                                  # the page's own button: no state yet
    assert phone.locator("#join-teams").get_attribute("data-built") is None
    expect(blue).to_have_attribute("aria-pressed", "true")
    phone.fill("#join-name", "王五")
    expect(phone.locator("#join-teams")).to_have_attribute("data-built", "3", timeout=T)
    expect(blue).to_have_attribute("aria-pressed", "true")     # still picked once rebuilt
    phone.click("#join-go")
    expect(phone.locator("#me-team")).to_have_text("蓝天队", timeout=T)
    expect(phone.locator("#join-error")).to_be_hidden()


def test_controls_that_skip_work_ask_once(contest, pages, shoot):
    hall = contest()
    base, code = hall["url"], hall["code"]
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    phone = pages(**PHONE)
    proj.goto(f"{base}/screen/{code}")
    sign_in(host, base, code, hall["key"])
    join(phone, base, code, "红星队", "张三")
    host.keyboard.press("Space")
    host.keyboard.press("Space")                 # the buzz round's first question
    expect(proj.locator("#q-stem")).to_contain_text("团队合作")
    press_in(host, "reading", "r")               # closed unanswered: one question to go
    expect(host.locator("#now-phase")).to_have_text("本题结束")

    # jumping to the risk round mid-round asks first; Cancel keeps the question
    wager_row = host.locator("#rounds li", has_text="风险题")
    wager_row.locator("button").click()
    expect(host.locator("#modal")).to_be_visible()
    expect(host.locator("#modal-body")).to_contain_text("“抢答题”还有 1 题未出")
    shoot(host, "hall-04-jump-confirm")
    host.click("#modal-cancel")
    expect(host.locator("#modal")).to_be_hidden()
    proj.wait_for_timeout(300)
    expect(proj.locator("#q-stem")).to_contain_text("团队合作")
    wager_row.locator("button").click()
    host.click("#modal-ok")
    expect(proj.locator("#intro-title")).to_have_text("风险题")

    # the phone's 放弃 asks once: the first tap arms it, "no" takes it back, two taps pass
    host.keyboard.press("Space")                 # 红星队 (desk 1) chooses
    expect(phone.locator("#s-wager")).to_be_visible()
    phone.locator("#wager-pass").tap()
    expect(phone.locator("#wager-pass")).to_have_text("确定放弃？再点一次确认")
    expect(phone.locator("#wager-keep")).to_be_visible()
    shoot(phone, "hall-04-pass-confirm")
    phone.locator("#wager-keep").tap()
    expect(phone.locator("#wager-pass")).to_have_text("放弃（不扣分）")
    phone.wait_for_timeout(300)
    expect(phone.locator("#s-wager")).to_be_visible()     # nothing was sent
    phone.locator("#wager-pass").tap()
    phone.locator("#wager-pass").tap()
    expect(phone.locator("#wait-text")).to_have_text("蓝天队 正在选择分值")

    # the host's pass for a team asks too
    host.locator("#wager button", has_text="放弃").click()
    expect(host.locator("#modal-body")).to_contain_text("蓝天队 放弃本次选题？")
    host.click("#modal-cancel")
    expect(phone.locator("#wait-text")).to_have_text("蓝天队 正在选择分值")

    # ending the contest asks first
    host.locator("#actions button[data-action=finish]").click()
    expect(host.locator("#modal-body")).to_contain_text("结束比赛")
    host.click("#modal-cancel")
    phone.wait_for_timeout(300)
    expect(phone.locator("#s-final")).to_be_hidden()


def test_a_locked_lobby_tells_a_new_phone_and_offers_no_team(contest, pages, shoot):
    hall = contest()
    base, code = hall["url"], hall["code"]
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    phone = pages(**PHONE)
    sign_in(host, base, code, hall["key"])
    host.locator("#actions button[data-action=lock]").click()
    expect(host.locator("#lobby-state")).to_contain_text("已锁定加入")
    phone.goto(f"{base}/play/{code}")
    expect(phone.locator("#join-locked")).to_be_visible()
    expect(phone.locator("#join-locked")).to_have_text("主持人已锁定加入。")
    expect(phone.locator("button.team-pick").first).to_be_hidden()
    expect(phone.locator("#join-go")).to_be_hidden()
    expect(phone.locator("#join-name")).to_be_hidden()
    shoot(phone, "hall-04-locked-lobby")
    # a team's own link shows no team either
    phone.goto(f"{base}/play/{code}?team=1")
    expect(phone.locator("#join-locked")).to_be_visible()
    expect(phone.locator("#join-preset")).to_be_hidden()
    expect(phone.locator("#join-go")).to_be_hidden()
    # the host opens the lobby again: the phone can join at once
    host.locator("#actions button[data-action=lock]").click()
    expect(phone.locator("#join-go")).to_be_visible()
    expect(phone.locator("#join-locked")).to_be_hidden()


def test_nicknames_fill_the_projector_lobby_and_the_host_removes_one(contest, pages, shoot):
    hall = contest()
    base, code = hall["url"], hall["code"]
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    a, b = pages(**PHONE), pages(**PHONE)
    proj.goto(f"{base}/screen/{code}")
    sign_in(host, base, code, hall["key"])
    join(a, base, code, "红星队", "张三")
    red = proj.locator(".lobby-team", has_text="红星队")
    expect(red.locator(".lt-player")).to_have_text(["张三"])
    join(b, base, code, "红星队", "<b>李四</b>")
    expect(red.locator(".lt-player")).to_have_text(["张三", "<b>李四</b>"])
    shoot(proj, "hall-05-lobby-names")
    # the host's phone list is open in the lobby: remove 李四 (asked once)
    row = host.locator("#phones li", has_text="李四")
    row.locator("button").click()
    expect(host.locator("#modal-body")).to_contain_text("李四")
    host.click("#modal-ok")
    expect(red.locator(".lt-player")).to_have_text(["张三"])
    expect(b.locator("#s-removed")).to_be_visible()


def adjust(host, team, delta):
    host.keyboard.press("a")
    host.select_option("#modal-body select", label=team)
    host.fill("#adj-delta", str(delta))
    host.fill("#adj-reason", "测试")
    host.click("#modal-ok")
    expect(host.locator("#modal")).to_be_hidden()


# which places the podium shows, each time it changes
WATCH_PODIUM = """() => {
    window.__stages = [];
    const box = document.getElementById("podium");
    const note = () => {
        const shown = [...box.querySelectorAll(".pod.shown")].map(p => +p.dataset.rank)
            .sort((a, b) => b - a);
        const last = window.__stages[window.__stages.length - 1];
        if (box.children.length && JSON.stringify(last) !== JSON.stringify(shown))
            window.__stages.push(shown);
    };
    new MutationObserver(note).observe(box, {attributes: true, subtree: true, childList: true});
}"""


def test_final_standings_are_revealed_third_second_first_and_the_host_can_skip(
        contest, pages, shoot):
    base = None
    for skip in (False, True):
        hall = contest()
        base, code = hall["url"], hall["code"]
        proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                     reduced_motion="reduce")
        host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        proj.goto(f"{base}/screen/{code}")
        sign_in(host, base, code, hall["key"])
        adjust(host, "1 · 红星队", 30)
        adjust(host, "2 · 蓝天队", 20)
        proj.evaluate(WATCH_PODIUM)
        host.locator("#actions button[data-action=finish]").click()
        host.click("#modal-ok")
        expect(proj.locator("#podium .pod")).to_have_count(3)
        if not skip:
            expect(proj.locator("#reveal-wait")).to_be_visible()
            expect(proj.locator("#podium .pod-1")).to_have_class(re.compile("shown"),
                                                                  timeout=15000)
            assert proj.evaluate("window.__stages") == [[], [3], [3, 2], [3, 2, 1]]
            # no motion asked: the places appear without animating
            anim = proj.locator("#podium .pod-1").evaluate("e => getComputedStyle(e).animationName")
            assert anim == "none"
        else:
            expect(host.locator("#actions button[data-action=skip_reveal]")).to_be_visible()
            host.keyboard.press("k")
            expect(proj.locator("#podium .pod-1")).to_have_class(re.compile("shown"),
                                                                  timeout=2000)
            assert [3, 2] not in proj.evaluate("window.__stages")   # all at once
        expect(proj.locator("#podium-rule")).to_be_visible()
        expect(proj.locator("#podium .pod-1")).to_contain_text("红星队")
        shoot(proj, f"hall-06-podium{'-skipped' if skip else ''}")


def test_a_judges_tablet_rules_but_cannot_move_the_contest(contest, pages, shoot):
    import socketio

    hall = contest()
    base, code = hall["url"], hall["code"]
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    judge = pages(viewport={"width": 820, "height": 1180}, locale="zh-CN", has_touch=True)
    phone = pages(**PHONE)
    proj.goto(f"{base}/screen/{code}")
    sign_in(host, base, code, hall["key"])
    judge_key = host.locator("#judge-key").inner_text()
    assert judge_key and judge_key != hall["key"]
    sign_in(judge, base, code, judge_key)
    expect(judge.locator("#judge-badge")).to_be_visible()
    expect(judge.locator("#judge-key")).to_have_count(0)      # the judge never sees keys
    join(phone, base, code, "红星队", "张三")
    open_first_buzz(host, proj, phone)
    phone.locator("#buzz").tap()
    # the judge sees the buzz and the private answer, and only right / wrong
    expect(judge.locator("#buzzes li")).to_have_count(1)
    expect(judge.locator("#buzzes")).to_contain_text("红星队")
    expect(judge.locator("#primary")).to_be_hidden()
    expect(judge.locator("#actions button")).to_have_count(2)
    shoot(judge, "hall-07-judge")
    judge.keyboard.press("u")                                  # keys other than Y/N do nothing
    judge.locator("#actions button[data-action=judge-right]").click()
    red = proj.locator("#rail .sb-row", has_text="红星队")
    expect(red.locator(".sb-score")).to_have_text("110")
    expect(phone.locator("#me-score")).to_have_text("110")
    # the host sees who ruled
    expect(host.locator("#log li").first).to_contain_text("评委")
    shoot(host, "hall-07-host-sees-judge")

    # the judge's key cannot adjust a score or move the contest: forbidden
    sio = socketio.Client()
    sio.connect(base, auth={"contest": code, "role": "host", "key": judge_key},
                transports=["websocket"])
    try:
        for cmd in ({"action": "adjust_score", "team": 1, "delta": 5, "reason": "x"},
                    {"action": "next"}, {"action": "finish"}):
            ack = sio.call("host", cmd)
            assert ack["ok"] is False and ack["error"] == "forbidden", (cmd, ack)
            assert ack["message_zh"] == "评委只能判定答案对错。"
        assert sio.call("reveal", {"action": "skip"})["error"] == "forbidden"
    finally:
        sio.disconnect()
    expect(phone.locator("#me-score")).to_have_text("110")


def test_the_host_console_works_as_a_remote_on_a_phone_beside_the_laptop(contest, pages, shoot):
    hall = contest()
    base, code = hall["url"], hall["code"]
    laptop = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    remote = pages(**PHONE)
    phone = pages(**PHONE)
    sign_in(laptop, base, code, hall["key"])
    sign_in(remote, base, code, hall["key"])
    join(phone, base, code, "红星队", "张三")
    # the big next-step button is on the first screen, nothing scrolls sideways
    primary = remote.locator("#primary")
    box = primary.bounding_box()
    assert box["y"] + box["height"] <= 844 and box["width"] >= 300, box
    assert remote.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(remote, "hall-07-remote-lobby")

    primary.tap()                                          # start: the round's intro
    expect(laptop.locator("#now-phase")).to_have_text("环节介绍")
    primary.tap()                                          # the first question
    expect(laptop.locator("#now-phase")).to_have_text("读题")
    expect(remote.locator("#primary-label")).to_have_text("开放抢答")
    primary.tap()                                          # open the buzzers
    expect(phone.locator("#buzz")).to_have_attribute("data-state", "open")
    phone.locator("#buzz").tap()
    right = remote.locator("#actions button[data-action=judge-right]")
    expect(right).to_be_visible()
    shoot(remote, "hall-07-remote-judge")
    right.tap()
    expect(laptop.locator("#teams tr", has_text="红星队")).to_contain_text("110")
    remote.locator("#actions button[data-action=undo]").tap()   # undo from the stage
    expect(laptop.locator("#teams tr", has_text="红星队")).to_contain_text("100")
    expect(phone.locator("#me-score")).to_have_text("100")
    # the laptop rules wrong; the remote follows
    laptop.keyboard.press("n")
    expect(remote.locator("#teams tr", has_text="红星队")).to_contain_text("90")
    assert remote.evaluate("document.documentElement.scrollWidth") <= 390


def serious_violations(page) -> list:
    """axe-core's serious and critical findings on the page as it is now (WCAG 2.1 A/AA)."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    found = result.response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in found
            if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation_on_the_hall_pages(contest, pages):
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python not installed")
    hall = contest()
    base, code = hall["url"], hall["code"]
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    phone = pages(**PHONE)
    found = {}
    proj.goto(f"{base}/screen/{code}")
    host.goto(f"{base}/host/{code}")
    found["host sign-in"] = serious_violations(host)
    sign_in(host, base, code, hall["key"])
    phone.goto(f"{base}/play/{code}")
    phone.wait_for_selector("#join-teams[data-built]")
    found["phone join"] = serious_violations(phone)
    join(phone, base, code, "红星队", "张三")
    found["projector lobby"] = serious_violations(proj)
    found["host lobby"] = serious_violations(host)
    found["phone waiting"] = serious_violations(phone)
    host.keyboard.press("Space")
    host.keyboard.press("Space")
    expect(proj.locator("#q-stem")).to_contain_text("团队合作")
    press_in(host, "reading", "b")
    expect(phone.locator("#buzz")).to_have_attribute("data-state", "open")
    found["phone buzz"] = serious_violations(phone)
    found["projector question"] = serious_violations(proj)
    found["host question"] = serious_violations(host)
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{k}: {v}" for k, v in bad.items())
