"""Issue 19 in a real browser: the `next` XSS and open redirect, every page under the strict
Content-Security-Policy (no violation), and joins under the "team_links" policy (a team's card
QR link comes straight in and plays; a phone with only the public code waits for the host, who
approves one phone and refuses another in the console)."""
import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, press_when, start_server
from tests.helpers import contest_spec, question

PASSWORD = "e2e-organizer-pw"
T = 8000
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':'
                    + e.lineNumber);
});
"""
BANK_CSV = ("题型,题目,选项A,选项B,选项C,选项D,答案,解析\n"
            "单选,一加一等于几？,1,2,3,4,B,算术\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A real server with a bank question and a "team_links" contest of a buzz-in round."""
    work = tmp_path_factory.mktemp("websec")
    made = {}

    def prepare(srv):
        csv = os.path.join(str(work), "bank.csv")
        with open(csv, "w", encoding="utf-8") as fh:
            fh.write(BANK_CSV)
        done = srv.flask("bank", "import", csv, "--bank", "安全题库")
        assert done.returncode == 0, done.stdout + done.stderr
        spec = contest_spec(
            teams=("红星队", "先锋队", "奋进队"), join="team_links",
            rounds=[{"kind": "buzz", "title": "抢答题",
                     "questions": [question(stem=f"抢答第{i}题：1 + 1 = ?") for i in (1, 2)]}])
        made.update(srv.create_contest(spec, str(work)))

    srv = start_server(str(work / "instance"), prepare)
    try:
        yield {"url": srv.url, "code": made["code"], "key": made["host_key"]}
    finally:
        srv.stop()


def new_page(browser, problems, **ctx_args):
    ctx = browser.new_context(**({"viewport": {"width": 1366, "height": 900},
                                  "locale": "zh-CN"} | ctx_args))
    ctx.add_init_script(CSP_LISTENER)
    page = ctx.new_page()
    page.set_default_timeout(T)
    page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
    page.on("console", lambda m: problems.append("console: " + m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    page.on("pageerror", lambda err: problems.append(f"pageerror: {err}"))
    return page


def sign_in(page, base):
    page.goto(f"{base}/login")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("header.topnav")).to_contain_text("题库")


def violations(page) -> list:
    return page.evaluate("window.__csp")


def question_id(page, base) -> str:
    page.goto(f"{base}/bank/")
    link = page.locator("a", has_text="编辑").first
    return link.get_attribute("href").split("/bank/question/")[1].split("?")[0]


# --- point 1: the reflected XSS through next, and the open redirect ------------------------------

def test_a_javascript_next_does_not_run_when_the_organizer_clicks_cancel(site, browser, shoot):
    problems = []
    page = new_page(browser, problems)
    base = site["url"]
    sign_in(page, base)
    qid = question_id(page, base)
    payload = "javascript:document.title='PWNED';alert(document.cookie)"
    page.goto(f"{base}/bank/question/{qid}?next={payload}")
    expect(page.locator("textarea[name=stem]")).to_have_value("一加一等于几？")
    page.get_by_role("link", name="取消").click()
    page.wait_for_url(f"{base}/bank/")
    expect(page.locator("h1").first).to_be_visible()
    assert page.title() != "PWNED"
    assert not [p for p in problems if p.startswith("dialog")], problems
    shoot(page, "websec-cancel-after-xss")


def test_the_save_redirect_stays_on_this_site(site, browser):
    problems = []
    page = new_page(browser, problems)
    base = site["url"]
    sign_in(page, base)
    qid = question_id(page, base)
    page.goto(f"{base}/bank/question/{qid}?next=//evil.example/steal")
    page.fill("textarea[name=explanation]", "改过的解析")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{base}/bank/")
    expect(page.locator(".flashes")).to_contain_text("已保存")
    assert "evil.example" not in page.url


# --- point 1/CSP: every page works under the policy ----------------------------------------------

def test_every_page_works_under_the_policy_with_no_violation(site, browser, shoot):
    base, code = site["url"], site["code"]
    problems = []
    page = new_page(browser, problems)
    for url in ("/", "/join", "/login"):
        page.goto(base + url)
        assert violations(page) == [], url
    sign_in(page, base)
    qid = question_id(page, base)
    pages = {
        "/bank/": "#bank-upload",
        f"/bank/question/{qid}": "textarea[name=stem]",
        "/contests/new": "form",
        f"/contests/{code}": ".team-qrs img",
        f"/contests/{code}/cards": ".desk-card",
        f"/results/{code}": "#print-results",
        f"/results/{code}/stats": "h1",
        f"/host/{code}": "#primary",                # drawn by host.js over the socket
        f"/screen/{code}": "#join-code",
    }
    for url, ready in pages.items():
        page.goto(base + url)
        expect(page.locator(ready).first).to_be_visible()
        page.wait_for_timeout(300)
        assert violations(page) == [], (url, violations(page))
    # the socket connected under connect-src 'self' and the scripts drew the console
    page.goto(f"{base}/host/{code}")
    expect(page.locator("#primary-label")).to_have_text("开始比赛")
    expect(page.locator("#offline")).to_be_hidden()
    # swatches painted through the CSSOM, not style attributes
    page.goto(f"{base}/contests/{code}")
    assert page.locator(".swatch").first.evaluate("e => getComputedStyle(e).backgroundColor") \
        not in ("", "rgba(0, 0, 0, 0)")
    phone = new_page(browser, problems, **PHONE)
    phone.goto(f"{base}/play/{code}")
    expect(phone.locator("button.team-pick")).to_have_count(3)
    assert violations(phone) == []
    assert problems == [], problems


# --- point 4: joins under "team_links" -----------------------------------------------------------

def test_team_card_link_joins_at_once_and_plays_public_code_waits_for_the_host(site, browser,
                                                                                shoot):
    base, code = site["url"], site["code"]
    problems = []
    host = new_page(browser, problems, viewport={"width": 1440, "height": 900})
    host.goto(f"{base}/host/{code}")
    host.fill("input[name=key]", site["key"])
    host.click("button[type=submit]")
    expect(host.locator("#primary-label")).to_have_text("开始比赛")

    # the organizer prints the desk cards: one per team, each with its QR code and link
    org = new_page(browser, problems)
    sign_in(org, base)
    org.goto(f"{base}/host/{code}")
    with org.expect_popup() as popup:
        org.click("#desk-cards")
    cards = popup.value
    expect(cards.locator(".desk-card")).to_have_count(3)
    expect(cards.locator(".desk-card img.desk-qr").first).to_be_visible()
    assert cards.locator(".desk-card img.desk-qr").first.evaluate("i => i.naturalWidth") > 0
    shoot(cards, "websec-desk-cards")
    red_link = cards.locator(".desk-card", has_text="红星队").locator(".desk-link a")
    red_url = red_link.get_attribute("href")
    assert "#k=" in red_url and red_link.inner_text() == red_url

    # phone A scans the red card: it joins red at once, without the host
    a = new_page(browser, problems, **PHONE)
    a.goto(red_url)
    expect(a.locator("#join-preset-name")).to_have_text("红星队")
    assert "#k=" not in a.url                       # the secret leaves the address bar
    a.fill("#join-name", "张伟")
    a.click("#join-go")
    expect(a.locator("#me-team")).to_have_text("红星队")
    expect(host.locator("#join-requests")).to_be_hidden()

    # phone B has only the public code and picks 先锋队: it waits for the host
    b = new_page(browser, problems, **PHONE)
    b.goto(f"{base}/join")
    b.fill("input[name=code]", code)
    b.press("input[name=code]", "Enter")
    b.locator("button.team-pick", has_text="先锋队").click()
    b.fill("#join-name", "李娜")
    b.click("#join-go")
    expect(b.locator("#join-wait")).to_contain_text("等待主持人同意")
    expect(b.locator("#me-bar")).to_be_hidden()
    expect(host.locator("#join-requests")).to_be_visible()
    expect(host.locator(".join-request")).to_have_text(re.compile("李娜 → 先锋队"))
    shoot(b, "websec-phone-waiting")
    shoot(host, "websec-host-join-request")

    # phone C, a rival, asks for 红星队 with the public code: the host refuses it
    c = new_page(browser, problems, **PHONE)
    c.goto(f"{base}/play/{code}")
    c.locator("button.team-pick", has_text="红星队").click()
    c.fill("#join-name", "捣乱")
    c.click("#join-go")
    expect(c.locator("#join-wait")).to_be_visible()
    expect(host.locator(".join-request")).to_have_count(2)
    host.locator(".join-request", has_text="捣乱").get_by_role("button", name="拒绝").click()
    expect(c.locator("#join-error")).to_contain_text("主持人未同意加入")
    expect(c.locator("#join-wait")).to_be_hidden()
    expect(c.locator("#me-bar")).to_be_hidden()
    shoot(c, "websec-phone-refused")

    # the host lets B in
    host.locator(".join-request", has_text="李娜").get_by_role("button", name="同意").click()
    expect(b.locator("#me-team")).to_have_text("先锋队")
    expect(host.locator("#join-requests")).to_be_hidden()
    expect(host.locator("#phones li")).to_have_count(2)

    # and they play: the buzz-in question, A buzzes first
    host.keyboard.press("Space")
    expect(a.locator("#wait-text")).to_contain_text("抢答题")
    press_when(host, "出第一题")
    expect(host.locator("#primary-label")).to_have_text("开放抢答")
    host.keyboard.press("b")
    expect(a.locator("#buzz")).to_have_attribute("data-state", "open")
    a.locator("#buzz").tap()
    expect(a.locator("#ans-flag")).to_contain_text("抢到了")
    expect(b.locator("#buzz")).to_have_attribute("data-state", "late")
    shoot(a, "websec-phone-plays")
    a.locator("#tiles .tile[data-key='B']").tap()          # 1 + 1 = 2: right
    expect(a.locator("#result")).to_have_class(re.compile("ok"))
    expect(a.locator("#me-score")).to_have_text("110")

    # a reload of B keeps its player (the token), no new request
    b.reload()
    expect(b.locator("#me-team")).to_have_text("先锋队")
    expect(host.locator("#join-requests")).to_be_hidden()
    assert problems == [], problems
    for p in (host, org, cards, a, b, c):
        assert violations(p) == [], violations(p)
