"""The hall's settings in a real browser, through the pages' own controls (issue 18): the word
filter for names and the all-answer extra time set on the contest form, the host's +15 s, the
judge's link on the contest page, and its buttons laid out evenly."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, press_in, press_when, start_server
from tests.e2e.test_hall import HALL, join, open_first_buzz, serious_violations, sign_in

T = 10000
PASSWORD = "e2e-organizer-pw"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The real server with the demo bank (the form is prefilled with the demo contest)."""
    srv = start_server(str(tmp_path_factory.mktemp("hallsettings")),
                       prepare=lambda s: s.env.update({"QUIZ_DEMO": "1"}))
    yield srv
    srv.stop()



def organizer_page(pages, base, **ctx):
    page = pages(**({"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"} | ctx))
    page.goto(f"{base}/login")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/contests")
    return page


def overflowing(page) -> list[str]:
    """The elements that stick out of the viewport on the right (for the failure message)."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > innerWidth + 1).slice(0, 8)
      .map(e => e.tagName + '#' + e.id + '.' + e.className)""")


def axe_findings(page) -> list:
    """axe-core's serious and critical findings (none checked when axe is not installed)."""
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        return []
    return serious_violations(page)


def test_the_form_s_word_filter_and_extra_time_reach_the_phone(demo_server, pages, shoot):
    base = demo_server.url
    org = organizer_page(pages, base)
    org.click("#new-contest")
    expect(org.locator("#rounds fieldset.round")).to_have_count(4)
    org.fill("#contest-name", "加时与名字测试赛")
    org.select_option("#join-policy", "open")
    for _ in range(3):                        # only the all-answer round (20 s) stays
        org.locator("#rounds fieldset.round").first.locator(".remove-round").click()
    expect(org.locator("#rounds fieldset.round")).to_have_count(1)
    expect(org.locator("#rounds fieldset.round")).to_have_attribute("data-kind", "all_answer")
    # each field sits under its own label, as wide as the name field beside it
    name_box = org.locator("#contest-name").bounding_box()
    words_box = org.locator("#name-filter").bounding_box()
    label_box = org.locator("label", has=org.locator("#name-filter")).bounding_box()
    assert words_box["y"] > label_box["y"] + 15, (label_box, words_box)     # a line of its own
    assert abs(words_box["x"] - name_box["x"]) < 2
    assert abs(words_box["width"] - name_box["width"]) < 2
    org.fill("#name-filter", "坏蛋\nbad")
    extra = org.locator("#contest-settings [data-setting=extra_time]")
    expect(extra.locator("option")).to_have_text(["不加时", "+50%", "+100%（双倍）"])
    extra.select_option("100")
    org.click("#setup-save")
    expect(org.locator("#contest-status")).to_be_visible()
    code = org.locator("table.list td.mono").first.inner_text()
    key = org.locator("table.list td.mono").last.inner_text()
    # the edit page reads both back
    org.click("#edit-contest")
    expect(org.locator("#name-filter")).to_have_value("坏蛋\nbad")
    expect(org.locator("#contest-settings [data-setting=extra_time]")).to_have_value("100")

    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    proj.goto(f"{base}/screen/{code}")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    sign_in(host, base, code, key)

    # a phone whose name holds a listed word, even spaced out, is asked for another name
    phone = pages(**PHONE)
    phone.goto(f"{base}/play/{code}")
    phone.wait_for_selector("#join-teams[data-built]")
    phone.locator("button.team-pick").first.click()
    phone.fill("#join-name", "B a D 小王")
    phone.click("#join-go")
    expect(phone.locator("#join-error")).to_have_text(
        "这个名字不能在本场比赛中使用，请换一个名字。")
    expect(phone.locator("#join-name")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#join-name")).to_be_focused()
    assert "bad" not in phone.locator("#join-error").inner_text().lower()
    shoot(phone, "hallset-01-name-refused")
    assert not axe_findings(phone)                    # the refused name field is labelled
    phone.fill("#join-name", "大坏 蛋")
    phone.click("#join-go")
    expect(phone.locator("#join-error")).to_contain_text("请换一个名字")
    phone.fill("#join-name", "小王")
    phone.click("#join-go")
    expect(phone.locator("#me-name")).to_have_text("小王")
    expect(phone.locator("#join-name")).not_to_have_attribute("aria-invalid", "true")

    # the question's 20 s are 40 s with +100 %, on the phone and the projector
    host.keyboard.press("Space")                      # the round's intro
    expect(proj.locator("#intro-title")).to_be_visible()
    press_when(host, "出第一题")                      # the question: answers are collected
    expect(phone.locator("#p-timer")).to_be_visible()
    forty = re.compile(r"^(3[6-9]|40)$")              # a few seconds may pass meanwhile
    expect(phone.locator("#p-ring .ring-num")).to_have_text(forty)
    expect(proj.locator("#ring .ring-num")).to_have_text(forty)
    shoot(phone, "hallset-02-phone-40s")

    # the host's +15 s moves everyone's countdown
    add = host.locator("#actions button[data-action=add_time]")
    expect(add).to_contain_text("+15 秒")
    add.click()
    expect(phone.locator("#p-ring .ring-num")).to_have_text(re.compile(r"^(5[0-5]|49)$"))
    expect(proj.locator("#ring .ring-num")).to_have_text(re.compile(r"^(5[0-5]|49)$"))
    shoot(host, "hallset-03-host-added-time")
    shoot(proj, "hallset-04-projector-added-time")
    # undoable: the console's undo takes the 15 s back
    host.locator("#actions button[data-action=undo]").click()
    expect(phone.locator("#p-ring .ring-num")).to_have_text(re.compile(r"^(3\d|40)$"))
    expect(proj.locator("#ring .ring-num")).to_have_text(re.compile(r"^(3\d|40)$"))


def test_the_judge_link_on_the_contest_page_opens_the_judge_console(demo_server, pages,
                                                                   shoot, tmp_path):
    base = demo_server.url
    made = demo_server.create_contest(HALL, tmp_path)
    code, key = made["code"], made["host_key"]
    org = organizer_page(pages, base)
    org.goto(f"{base}/contests/{code}")
    link = org.locator("#judge-link")
    expect(link).to_be_visible()
    judge_url = link.get_attribute("href")
    assert judge_url.startswith(f"{base}/host/{code}?key=") and key not in judge_url
    # the QR code is served by us and is an image
    qr = org.locator("#judge-qr")
    expect(qr).to_be_visible()
    assert org.evaluate("document.getElementById('judge-qr').naturalWidth") > 0
    org.context.grant_permissions(["clipboard-read", "clipboard-write"])
    org.locator("button[data-copy=judge-link]").click()
    expect(org.locator("button[data-copy=judge-link]")).to_have_text("已复制")
    assert org.evaluate("navigator.clipboard.readText()") == judge_url
    shoot(org, "hallset-05-contest-page-1366")

    # a tablet opens the link directly: the judge's console, no sign-in form
    tablet = pages(viewport={"width": 820, "height": 1180}, locale="zh-CN", has_touch=True)
    tablet.goto(judge_url)
    expect(tablet.locator("#judge-badge")).to_be_visible()
    assert "key=" not in tablet.url                    # the key leaves the address bar
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    sign_in(host, base, code, key)
    phone = pages(**PHONE)
    join(phone, base, code, "红星队", "张三")
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    proj.goto(f"{base}/screen/{code}")
    open_first_buzz(host, proj, phone)
    phone.locator("#buzz").tap()
    right = tablet.locator("#actions button[data-action=judge-right]")
    expect(right).to_be_visible()
    right.click()
    expect(phone.locator("#me-score")).to_have_text("110")
    expect(host.locator("#log li").first).to_contain_text("评委")
    # the judge has no +15 s, no next step
    expect(tablet.locator("#actions button[data-action=add_time]")).to_have_count(0)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_contest_page_buttons_are_even_and_wrap_cleanly(demo_server, pages, shoot, width,
                                                            tmp_path):
    base = demo_server.url
    made = demo_server.create_contest(HALL, tmp_path)
    org = organizer_page(pages, base, viewport={"width": width, "height": 768 if width > 400
                                                 else 844})
    org.goto(f"{base}/contests/{made['code']}")
    boxes = [b for b in (org.locator(f"#contest-actions #{i}").bounding_box() for i in (
        "edit-contest", "duplicate-contest", "archive-contest", "delete-contest"))]
    assert all(boxes), boxes
    heights = {round(b["height"]) for b in boxes}
    assert max(heights) - min(heights) <= 1, heights          # one height
    assert org.evaluate("document.documentElement.scrollWidth <= innerWidth"), overflowing(org)
    for b in boxes:                                           # inside the page, no overlap
        assert b["x"] >= 0 and b["x"] + b["width"] <= width
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1
                     or a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1)
            assert apart, (a, b)
    shoot(org, f"hallset-06-contest-page-{width}")
    assert not axe_findings(org)


WECHAT_UA = ("Mozilla/5.0 (Linux; Android 12; V2049A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 "
             "XWEB/5023 MMWEBSDK/20230303 MMWEBID/1234 MicroMessenger/8.0.34.2340(0x2800223B) "
             "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64")
# WCAG 1.4.4: text at 200 % (the root font size, through the CSSOM: the pages' CSP allows no
# inline <style>)
BIG_TEXT = "document.documentElement.style.setProperty('font-size', '200%', 'important')"


def fits(page, *selectors):
    """No horizontal scroll; each control is visible and, scrolled to, inside the viewport."""
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), overflowing(page)
    width, height = page.evaluate("[innerWidth, innerHeight]")
    for sel in selectors:
        for i in range(page.locator(sel).count()):
            node = page.locator(sel).nth(i)
            expect(node).to_be_visible()
            node.scroll_into_view_if_needed()       # a screen too long for the text scrolls
            box = node.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (sel, box, width)
            assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, (sel, box, height)


def jump_to(host, title):
    host.keyboard.press("r")                       # the question ends, then the jump
    expect(host.locator("#now-phase")).to_have_text("本题结束")
    host.locator("#rounds li", has_text=title).locator("button").click()
    if host.locator("#modal").is_visible():
        host.click("#modal-ok")


@pytest.mark.parametrize("big_text", [False, True], ids=["320px-wechat", "320px-text-200"])
def test_the_phone_at_320_px_in_wechat_in_every_phase(demo_server, pages, shoot, tmp_path,
                                                     big_text):
    made = demo_server.create_contest(HALL, tmp_path)
    base, code = demo_server.url, made["code"]
    phone = pages(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True,
                  locale="zh-CN", user_agent=WECHAT_UA)
    if big_text:
        phone.add_init_script(f"document.addEventListener('DOMContentLoaded', () => {BIG_TEXT});")
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    proj.goto(f"{base}/screen/{code}")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    sign_in(host, base, code, made["host_key"])
    tag = "big" if big_text else "wechat"

    phone.goto(f"{base}/play/{code}")
    phone.wait_for_selector("#join-teams[data-built]")
    if big_text:
        assert phone.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    fits(phone, "button.team-pick", "#join-name", "#join-go")
    shoot(phone, f"hallset-10-{tag}-join")
    phone.locator("button.team-pick", has_text="红星队").click()
    phone.fill("#join-name", "张三")
    phone.click("#join-go")
    expect(phone.locator("#me-team")).to_have_text("红星队")
    fits(phone, "#s-wait", "#me-bar")                                 # the lobby
    shoot(phone, f"hallset-11-{tag}-lobby")

    open_first_buzz(host, proj, phone)
    fits(phone, "#buzz", "#p-timer")                                  # buzz
    shoot(phone, f"hallset-12-{tag}-buzz")

    jump_to(host, "全员答题")
    expect(proj.locator("#intro-title")).to_have_text("全员答题")
    press_when(host, "出第一题")
    expect(phone.locator("#s-answer")).to_be_visible()
    fits(phone, "#tiles button", "#ans-stem")                          # answer choices
    shoot(phone, f"hallset-13-{tag}-choices")

    jump_to(host, "风险题")
    expect(proj.locator("#intro-title")).to_have_text("风险题")
    press_when(host, "开始选题")
    expect(phone.locator("#s-wager")).to_be_visible()
    fits(phone, "#wager-values button", "#wager-pass")                # wager
    shoot(phone, f"hallset-14-{tag}-wager")

    host.locator("#actions button[data-action=finish]").click()
    host.click("#modal-ok")
    expect(phone.locator("#s-final")).to_be_visible()
    fits(phone, "#final-rank", "#final-score")                        # finished
    shoot(phone, f"hallset-15-{tag}-final")


def test_projector_and_host_with_text_at_200_percent(demo_server, pages, shoot, tmp_path):
    made = demo_server.create_contest(HALL, tmp_path)
    base, code = demo_server.url, made["code"]
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    proj.goto(f"{base}/screen/{code}")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    sign_in(host, base, code, made["host_key"])
    for page in (proj, host):
        page.evaluate(BIG_TEXT)
    expect(proj.locator("#join-code")).to_have_text(code)
    shoot(proj, "hallset-15b-projector-lobby-text-200")
    fits(proj, "#join-code", ".lobby-qr img")
    host.keyboard.press("Space")
    expect(proj.locator("#intro-title")).to_have_text("抢答题")
    press_when(host, "出第一题")
    expect(proj.locator("#q-stem")).to_contain_text("团队合作")
    press_in(host, "reading", "b")
    expect(host.locator("#actions button[data-action=close_buzzers]")).to_be_visible()
    shoot(host, "hallset-16-host-text-200")
    shoot(proj, "hallset-17-projector-text-200")
    fits(host, "#primary", "#actions button", "#teams")
    fits(proj, "#q-stem", "#rail", "#ring", "#rail .sb-name")
    # the projector's text is twice its size (its sizes follow the screen's height, times the
    # reader's text size): the type label is 3 % of the height, so 2 × 32.4 px
    size = "parseFloat(getComputedStyle(document.querySelector(%r)).fontSize)"
    assert abs(proj.evaluate(size % "#q-kind") - 2 * 0.03 * 1080) < 1
    assert proj.evaluate(size % "#rail .sb-score") > 2 * 0.036 * 1080 - 1
    # the rail grows with its text: the teams' names are whole, not cut to "红.."
    assert proj.evaluate("[...document.querySelectorAll('#rail .sb-name')]"
                         ".every(n => n.scrollWidth <= n.clientWidth)")
