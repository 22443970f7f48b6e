"""The three screens in a real browser: projector (1920×1080), host console and two phones
(390×844), each in its own browser context, through a buzz-in and an all-answer question."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, press_in, press_when

XSS = "<script>alert(1)</script>"
EXPLANATION = "嘉兴南湖"          # part of question 1's explanation: never on the projector early
T = 8000                           # ms to wait for a screen to follow the state


@pytest.fixture(scope="module")
def screens(server, browser):
    """Projector, host console and two phones, with the dialogs (alert) each page raised."""
    base, code = server["url"], server["code"]
    dialogs = []
    proj_ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host_ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    a_ctx = browser.new_context(**PHONE)
    b_ctx = browser.new_context(**PHONE)
    pages = {}
    for name, ctx in (("proj", proj_ctx), ("host", host_ctx), ("a", a_ctx), ("b", b_ctx)):
        page = ctx.new_page()
        page.on("dialog", lambda d, n=name: (dialogs.append((n, d.message)), d.dismiss()))
        page.set_default_timeout(T)
        pages[name] = page
    pages["proj"].goto(f"{base}/screen/{code}")
    yield pages, dialogs, base, code
    for ctx in (proj_ctx, host_ctx, a_ctx, b_ctx):
        ctx.close()


def shots(shoot, pages, step, docs=()):
    for name, page in pages.items():
        shoot(page, f"{step}-{name}", f"{step}-{name}" if name in docs else None)


def sweep(found, pages, step):
    """axe-core's serious findings on every screen at this step (WCAG 2.1 AA)."""
    from tests.e2e.test_hall import serious_violations
    for name, page in pages.items():
        found[f"{step} {name}"] = serious_violations(page)


def test_contest_on_three_screens(screens, server, shoot):
    pages, dialogs, base, code = screens
    proj, host, a, b = pages["proj"], pages["host"], pages["a"], pages["b"]

    # ---- lobby: a big QR code, the join code, the teams (one named like a script tag) ------
    expect(proj.locator("#join-code")).to_have_text(code)
    qr = proj.locator(".lobby-qr img")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["height"] >= 1080 / 3
    expect(proj.locator("#lobby-teams")).to_contain_text(XSS)

    # ---- host signs in with the host key ----------------------------------------------------
    host.goto(f"{base}/host/{code}")
    host.fill("input[name=key]", "wrong-key")
    host.click("button[type=submit]")
    expect(host.locator(".error")).to_be_visible()
    host.fill("input[name=key]", server["key"])
    host.click("button[type=submit]")
    expect(host.locator("#primary")).to_be_visible()
    expect(host.locator("#primary-label")).to_have_text("开始比赛")

    # ---- two phones join: one picks a team, one comes by a team link ------------------------
    a.goto(f"{base}/play/{code}")
    expect(a.locator("button.team-pick").first).to_be_visible()
    xss_id = a.locator("button.team-pick", has_text=XSS).get_attribute("data-team")
    red_id = a.locator("button.team-pick", has_text="红星队").get_attribute("data-team")
    a.locator("button.team-pick", has_text="红星队").click()
    a.fill("#join-name", "张三")
    a.click("#join-go")
    expect(a.locator("#s-wait")).to_be_visible()
    expect(a.locator("#me-team")).to_have_text("红星队")
    expect(a.locator("#me-score")).to_have_text("100")

    b.goto(f"{base}/play/{code}?team={xss_id}")
    expect(b.locator("#join-preset-name")).to_have_text(XSS)
    expect(b.locator("#join-teams")).to_be_hidden()
    b.fill("#join-name", "李四")
    b.press("#join-name", "Enter")
    expect(b.locator("#me-team")).to_have_text(XSS)
    assert b.evaluate(f"localStorage.getItem('quiz-token-{code}')")

    # the lobby counts the phones; the host sees them with their latency
    expect(proj.locator(".lobby-team.on")).to_have_count(2)
    expect(proj.locator(".lobby-team.on", has_text=XSS)).to_contain_text("1")
    expect(host.locator("#phones li")).to_have_count(2)
    shots(shoot, pages, "01-lobby", docs=("proj", "a"))

    # ---- the buzz-in round: intro card, question, buzz -------------------------------------
    host.keyboard.press("Space")
    expect(proj.locator("#intro-title")).to_have_text("抢答题")
    expect(a.locator("#wait-text")).to_contain_text("抢答题")
    shots(shoot, pages, "02-intro")

    host.keyboard.press("Space")
    expect(proj.locator("#q-stem")).to_contain_text("第一次全国代表大会")
    expect(proj.locator("#q-options .opt")).to_have_count(4)
    expect(proj.locator("#q-status")).to_contain_text("请听题")
    expect(a.locator("#buzz")).to_have_attribute("data-state", "wait")
    # no answer on the projector before the reveal: no lit option, no explanation
    assert proj.locator("#q-options .opt.right").count() == 0
    assert EXPLANATION not in proj.content()
    expect(host.locator(".private")).to_contain_text(EXPLANATION)
    expect(host.locator("#primary-label")).to_have_text("开放抢答")
    shots(shoot, pages, "03-reading")

    host.keyboard.press("b")
    expect(a.locator("#buzz")).to_have_attribute("data-state", "open")
    expect(b.locator("#buzz")).to_have_attribute("data-state", "open")
    expect(proj.locator("#q-status")).to_contain_text("抢答开始")
    a.locator("#buzz").tap()
    b.locator("#buzz").tap()
    # the winner floods the projector; the runner-up sees its rank and distance
    expect(proj.locator("#flood")).to_be_visible()
    expect(proj.locator("#flood-name")).to_have_text("红星队")
    expect(a.locator("#ans-flag")).to_have_text("抢到了！ 请作答")      # and its answer tiles
    expect(a.locator("#tiles .tile")).to_have_count(4)
    expect(b.locator("#buzz")).to_have_attribute("data-state", "ranked")
    expect(b.locator("#buzz-main")).to_have_text("#2")
    expect(b.locator("#buzz-caption")).to_have_text(re.compile(r"比第一名慢 \d+ ms"))
    expect(proj.locator("#q-buzzes .bz")).to_have_count(2)
    expect(proj.locator("#q-buzzes")).to_contain_text(XSS)
    expect(host.locator("#buzzes li")).to_have_count(2)
    shots(shoot, pages, "04-buzz", docs=("proj", "b"))
    expect(proj.locator("#flood")).to_be_hidden(timeout=5000)
    expect(proj.locator("#q-status")).to_contain_text("红星队")
    assert proj.locator("#q-options .opt.right").count() == 0
    shots(shoot, pages, "05-answering")

    # the host rules 红星队 wrong (N): −10, locked out, the buzzers reopen for the others
    host.keyboard.press("n")
    expect(proj.locator("#rail .sb-row[data-team='%s'] .sb-score" % red_id)).to_have_text("90")
    expect(a.locator("#buzz")).to_have_attribute("data-state", "locked")
    expect(a.locator("#me-score")).to_have_text("90")
    expect(b.locator("#buzz")).to_have_attribute("data-state", "open")
    shots(shoot, pages, "06-wrong-reopen")

    # a reload mid-question comes back to the same screens (and the same player)
    proj.reload()
    a.reload()
    expect(proj.locator("#q-stem")).to_contain_text("第一次全国代表大会")
    expect(proj.locator("#q-status")).to_contain_text("抢答开始")
    expect(proj.locator("#rail .sb-row[data-team='%s'] .sb-score" % red_id)).to_have_text("90")
    expect(a.locator("#me-team")).to_have_text("红星队")
    expect(a.locator("#buzz")).to_have_attribute("data-state", "locked")
    assert EXPLANATION not in proj.content()

    # the second team buzzes and answers on its phone: B is right, +10, first place
    b.locator("#buzz").tap()
    expect(b.locator("#s-answer")).to_be_visible()
    expect(b.locator("#tiles .tile")).to_have_count(4)
    shots(shoot, pages, "07-phone-answers", docs=("b",))
    b.locator("#tiles .tile[data-key='B']").tap()
    expect(b.locator("#result")).to_have_class(re.compile("ok"))
    expect(proj.locator("#rail .sb-row").first).to_have_attribute("data-team", xss_id)
    expect(proj.locator("#rail .sb-row").first.locator(".sb-score")).to_have_text("110")
    expect(proj.locator("#verdict")).to_be_visible()
    expect(proj.locator("#verdict-team")).to_have_text(XSS)
    shots(shoot, pages, "08-right")

    # reveal (R): the right option lights up, the others dim, the explanation appears
    host.keyboard.press("r")
    expect(proj.locator("#q-options .opt.right")).to_have_count(1)
    expect(proj.locator("#q-options .opt.right")).to_have_attribute("data-key", "B")
    expect(proj.locator("#q-options .opt.dim")).to_have_count(3)
    expect(proj.locator("#q-explain")).to_contain_text(EXPLANATION)
    expect(a.locator("#res-answer")).to_contain_text("1921")
    shots(shoot, pages, "09-reveal")
    found = {}
    sweep(found, pages, "reveal")                    # the dimmed options keep their contrast

    # ---- to the all-answer round: question 2 is revealed unanswered, then the next round ----
    host.keyboard.press("Space")                      # question 2 (reading)
    expect(proj.locator("#q-stem")).to_contain_text("沸点")
    press_in(host, "reading", "r")                    # reveal: closes it unanswered
    expect(proj.locator("#q-options .opt.right")).to_have_count(1)
    press_in(host, "closed", "Space")                 # round end
    expect(proj.locator("#board-title")).to_be_visible()
    expect(proj.locator("#big-board .sb-row")).to_have_count(4)
    shots(shoot, pages, "10-round-end")
    sweep(found, pages, "round end")
    press_in(host, "round_end", "Space")              # next round intro
    expect(proj.locator("#intro-title")).to_have_text("全员答题")
    press_when(host, "出第一题")                      # the question: everyone answers
    expect(proj.locator("#q-stem")).to_contain_text("火警电话")
    expect(a.locator("#tiles .tile")).to_have_count(4)
    expect(b.locator("#tiles .tile")).to_have_count(4)
    a.locator("#tiles .tile[data-key='B']").tap()
    b.locator("#tiles .tile[data-key='A']").tap()
    expect(a.locator("#ans-status")).to_contain_text("已提交：B")
    expect(proj.locator("#q-status")).to_contain_text("已作答 2 / 4")
    assert proj.locator("#q-options .opt.right").count() == 0
    assert "119是火警电话" not in proj.content()
    shots(shoot, pages, "11-all-answer")

    host.keyboard.press("Space")                      # close answers
    expect(proj.locator("#q-status")).to_contain_text("本题结束")
    press_in(host, "closed", "Space")                 # reveal and score
    expect(proj.locator("#q-options .opt.right")).to_have_attribute("data-key", "B")
    expect(proj.locator("#q-options .opt[data-key='A'] .opt-count")).to_have_text("1 队")
    expect(proj.locator("#q-options .opt[data-key='B'] .opt-count")).to_have_text("1 队")
    expect(proj.locator("#rail .sb-row[data-team='%s'] .sb-score" % red_id)).to_have_text("100")
    expect(a.locator("#result")).to_have_class(re.compile("ok"))
    expect(b.locator("#result")).to_have_class(re.compile("bad"))
    shots(shoot, pages, "12-distribution", docs=("proj",))
    sweep(found, pages, "distribution")

    # ---- a correction with a reason (A), undo (U), then the finish -------------------------
    host.keyboard.press("a")
    expect(host.locator("#modal")).to_be_visible()
    host.select_option("#modal-body select", red_id)
    host.fill("#adj-delta", "5")
    host.fill("#adj-reason", "评委复核")
    shots(shoot, {"host": host}, "13-adjust", docs=("host",))
    host.click("#modal-ok")
    expect(proj.locator("#rail .sb-row[data-team='%s'] .sb-score" % red_id)).to_have_text("105")
    expect(host.locator("#log")).to_contain_text("评委复核")
    host.keyboard.press("u")
    expect(proj.locator("#rail .sb-row[data-team='%s'] .sb-score" % red_id)).to_have_text("100")

    host.keyboard.press("Space")                      # round end
    expect(proj.locator("#board-title")).to_be_visible()
    press_in(host, "round_end", "Space")              # no round left: the final standings
    expect(proj.locator("#podium .pod")).to_have_count(4)          # 110, then three tied at 100
    expect(proj.locator("#podium .pod-2")).to_have_count(3)
    expect(proj.locator("#podium .pod-1")).to_contain_text(XSS)
    expect(a.locator("#s-final")).to_be_visible()
    proj.wait_for_timeout(1500)                       # the podium rises
    shots(shoot, pages, "14-final", docs=("proj",))
    expect(proj.locator("#podium-rule")).to_be_visible(timeout=10000)   # the reveal is over
    sweep(found, pages, "final")
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{k}: {v}" for k, v in bad.items())

    # the team named like a script tag was text everywhere: no alert ever ran
    assert dialogs == []


def test_phone_in_english_forgets_a_bad_token(server, browser, shoot):
    base, code = server["url"], server["code"]
    ctx = browser.new_context(**dict(PHONE, locale="en-US"))
    try:
        page = ctx.new_page()
        page.set_default_timeout(T)
        page.goto(f"{base}/play/{code}?lang=en")
        assert page.get_attribute("html", "lang") == "en"
        expect(page.locator("label[for=join-name]")).to_have_text("Your name")
        # a token the server does not know (e.g. a removed player): cleared, back to joining
        page.evaluate(f"localStorage.setItem('quiz-token-{code}', 'x'.repeat(32))")
        page.reload()
        expect(page.locator("#s-join")).to_be_visible()
        page.wait_for_function(f"localStorage.getItem('quiz-token-{code}') === null")
        page.click("#join-go")
        expect(page.locator("#join-error")).to_have_text("Pick your team first")
        shoot(page, "20-phone-english")
    finally:
        ctx.close()
