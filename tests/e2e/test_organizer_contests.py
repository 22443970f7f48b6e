"""The organizer's contests in a real browser, through the pages' own controls: sign in, land
on the list, create a contest with the four round formats and non-default settings, read the
values back through the edit page, refusals with the field highlighted (zh and en), duplicate,
archive and restore, delete with its confirmations, then play one question of each round from
the host console and find the contest in the list as finished."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import start_server

T = 10000
INVALID = re.compile(r"\binvalid\b")
PASSWORD = "e2e-organizer-pw"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The real server with the demo bank (40 questions) and the demo contest."""
    srv = start_server(str(tmp_path_factory.mktemp("organizer")),
                       prepare=lambda s: s.env.update({"QUIZ_DEMO": "1"}))
    yield srv.url
    srv.stop()


@pytest.fixture
def organizer(browser, demo_server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(T)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{demo_server}/login")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    yield page
    ctx.close()
    assert not errors, errors


def _round(page, n):
    return page.locator("#rounds fieldset.round").nth(n - 1)


def _setting(scope, key):
    return scope.locator(f"[data-setting={key}]")


def test_create_edit_duplicate_archive_delete_and_play(organizer, demo_server, shoot):
    page = organizer
    # ---- signed in, the organizer lands on the contests with the demo one ----------------
    expect(page).to_have_url(f"{demo_server}/contests")
    expect(page.locator("#contest-list")).to_contain_text("演示")
    expect(page.locator("#bank-list")).to_contain_text("演示题库")
    expect(page.locator("#first-run")).to_contain_text("导入题目")
    shoot(page, "org-01-list")

    # ---- the new-contest form, prefilled with the demo layout ----------------------------
    page.click("#new-contest")
    expect(page.locator("#rounds fieldset.round")).to_have_count(4)
    page.fill("#contest-name", "2027 年县直机关知识竞赛")
    page.fill("#contest-date", "2027-05-04")
    page.fill("#base-score", "50")
    page.select_option("#join-policy", "host_approval")
    # teams: remove two of the demo's four, add one with a roster
    page.locator("#teams .remove-team").nth(3).click()
    page.locator("#teams .remove-team").nth(2).click()
    page.click("#add-team")
    new_team = page.locator("#teams tbody tr").nth(2)
    new_team.locator(".t-name").fill("团结队")
    new_team.locator(".t-roster").fill("甲, 乙, 丙")
    # one question of each round so the walk below plays every round
    comp = _round(page, 1)
    comp.locator(".remove-draw").nth(1).click()
    comp.locator(".d-count").fill("1")
    _setting(comp, "right_points").fill("15")
    _setting(comp, "answer_time").fill("45")
    buzz = _round(page, 2)
    buzz.locator(".remove-draw").nth(1).click()
    buzz.locator(".d-count").fill("1")
    _setting(buzz, "foul_points").fill("-5")
    _setting(buzz, "foul_lockout").uncheck()
    wager = _round(page, 3)
    _setting(wager, "values").fill("10")
    expect(wager.locator(".draw-row")).to_have_count(1)
    wager.locator(".d-count").fill("1")
    expect(wager.locator(".wager-note")).to_contain_text("本环节共 1 题")
    expect(wager.locator(".wager-note")).to_contain_text("题目不够")   # 3 teams, 1 question
    _setting(wager, "allow_pass").uncheck()
    everyone = _round(page, 4)
    everyone.locator(".remove-draw").nth(1).click()
    everyone.locator(".d-count").fill("1")
    _setting(everyone, "per").select_option("player")
    _setting(everyone, "speed_bonus").fill("5")
    _setting(page.locator("#contest-settings"), "tiebreak_counts_in_score").check()
    expect(page.locator("#contest-settings")).to_contain_text("个人积分榜")
    _setting(page.locator("#contest-settings"), "player_board").check()
    expect(comp.locator(".hint").first).to_contain_text("默认")
    shoot(page, "org-02-form", None)

    # a refusal from the server names its field and highlights it
    _setting(buzz, "answer_time").fill("0")
    page.click("#setup-save")
    expect(page.locator("#setup-error")).to_contain_text("第 2 环节")
    expect(_setting(buzz, "answer_time")).to_have_class(INVALID)
    shoot(page, "org-03-refused")
    _setting(buzz, "answer_time").fill("30")
    page.click("#setup-save")

    # ---- the contest's page, then the edit page reads the saved values back ---------------
    expect(page.locator("h1")).to_contain_text("2027 年县直机关知识竞赛")
    expect(page.locator("#contest-status")).to_have_text("就绪")
    code = page.locator("td.mono").first.inner_text().strip()
    page.click("#edit-contest")
    expect(page.locator("#contest-name")).to_have_value("2027 年县直机关知识竞赛")
    expect(page.locator("#contest-date")).to_have_value("2027-05-04")
    expect(page.locator("#base-score")).to_have_value("50")
    expect(page.locator("#join-policy")).to_have_value("host_approval")
    expect(page.locator("#teams tbody tr")).to_have_count(3)
    expect(page.locator("#teams tbody tr").nth(2).locator(".t-roster")).to_have_value("甲, 乙, 丙")
    expect(_setting(_round(page, 1), "right_points")).to_have_value("15")
    expect(_setting(_round(page, 1), "answer_time")).to_have_value("45")
    expect(_setting(_round(page, 2), "foul_points")).to_have_value("-5")
    expect(_setting(_round(page, 2), "foul_lockout")).not_to_be_checked()
    expect(_setting(_round(page, 3), "values")).to_have_value("10")
    expect(_setting(_round(page, 3), "allow_pass")).not_to_be_checked()
    expect(_setting(_round(page, 4), "per")).to_have_value("player")
    expect(_setting(_round(page, 4), "speed_bonus")).to_have_value("5")
    expect(_setting(page.locator("#contest-settings"), "tiebreak_counts_in_score")).to_be_checked()
    expect(_setting(page.locator("#contest-settings"), "player_board")).to_be_checked()
    # a team without a name is refused on the page, the field highlighted
    page.locator("#teams tbody tr").nth(1).locator(".t-name").fill("")
    page.click("#setup-save")
    expect(page.locator("#setup-error")).to_contain_text("第 2 支队伍缺少队名")
    expect(page.locator("#teams tbody tr").nth(1).locator(".t-name")).to_have_class(INVALID)
    page.locator("#teams tbody tr").nth(1).locator(".t-name").fill("先锋二队")
    page.fill("#contest-name", "2027 年县直机关知识竞赛（决赛）")
    page.click("#setup-save")
    expect(page.locator("h1")).to_contain_text("（决赛）")
    shoot(page, "org-04-show")

    # ---- duplicate, archive and restore, delete ---------------------------------------------
    page.click("#duplicate-contest")
    expect(page.locator("h1")).to_contain_text("（决赛） (副本)")
    copy_code = page.locator("td.mono").first.inner_text().strip()
    assert copy_code != code
    page.click("#archive-contest")
    expect(page.locator("h1")).to_contain_text("已归档的比赛")
    expect(page.locator(f"#contest-list tr[data-code='{copy_code}']")).to_be_visible()
    page.click(f"#contest-list tr[data-code='{copy_code}'] a")
    page.click("#restore-contest")
    expect(page.locator(f"#contest-list tr[data-code='{copy_code}']")).to_be_visible()
    page.click(f"#contest-list tr[data-code='{copy_code}'] a")
    page.click("#delete-contest")
    expect(page.locator("h1")).to_contain_text("删除")
    page.click("#delete-go")                                   # not ticked: nothing happens
    expect(page.locator("#delete-error")).to_be_visible()
    page.check("#confirm-delete")
    page.click("#delete-go")
    expect(page.locator(".flashes")).to_contain_text("已删除")
    expect(page.locator(f"#contest-list tr[data-code='{copy_code}']")).to_have_count(0)

    # ---- play one question of each round from the host console, then finish ----------------
    page.goto(f"{demo_server}/host/{code}")
    expect(page.locator("#primary")).to_be_visible()
    for _step in range(60):
        if page.locator("#now-phase").inner_text().strip() == "比赛结束":
            break
        primary = page.locator("#primary")
        if primary.is_visible() and primary.is_enabled():
            primary.click()
        elif page.locator("#wager button:enabled").count():
            page.locator("#wager button:enabled").first.click()
        elif page.locator("[data-action=judge-right]").count():
            page.locator("[data-action=judge-right]").click()
        elif page.locator("[data-action=close_buzzers]").count():
            page.locator("[data-action=close_buzzers]").click()
        elif page.locator("[data-action=close_answers]").count():
            page.locator("[data-action=close_answers]").click()
        page.wait_for_timeout(250)
    expect(page.locator("#now-phase")).to_have_text("比赛结束")
    shoot(page, "org-05-host-finished")
    page.goto(f"{demo_server}/contests")
    row = page.locator(f"#contest-list tr[data-code='{code}']")
    expect(row).to_contain_text("已结束")
    # a played contest is deleted only with its code typed
    row.locator("a").first.click()
    expect(page.locator("#edit-contest")).to_have_count(0)
    page.click("#delete-contest")
    page.check("#confirm-delete")
    page.click("#delete-go")
    expect(page.locator("#delete-error")).to_contain_text(code)
    shoot(page, "org-06-delete-played")


def test_the_form_in_english(organizer, demo_server, shoot):
    page = organizer
    page.goto(f"{demo_server}/contests/new?lang=en")
    expect(page.locator("h1")).to_have_text("New contest")
    expect(page.locator("#rounds fieldset.round").first).to_contain_text("Points for right")
    expect(page.locator("#rounds .d-difficulty").first.locator("option")).to_contain_text(
        ["Any difficulty", "Easy", "Medium", "Hard"])
    page.fill("#contest-name", "")
    page.click("#setup-save")
    expect(page.locator("#setup-error")).to_contain_text("the contest needs a name")
    expect(page.locator("#contest-name")).to_have_class(INVALID)
    page.fill("#contest-name", "County contest")
    _round(page, 1).locator(".d-count").first.fill("400")
    page.click("#setup-save")
    expect(page.locator("#setup-error")).to_contain_text("round 1")
    expect(page.locator("#setup-error")).to_contain_text("400 asked")
    expect(_round(page, 1).locator(".d-count").first).to_have_class(INVALID)
    shoot(page, "org-07-english-refused")
    _round(page, 1).locator(".d-count").first.fill("2")
    page.click("#setup-save")
    expect(page.locator("h1")).to_contain_text("County contest")
    expect(page.locator("#contest-status")).to_have_text("Ready")
