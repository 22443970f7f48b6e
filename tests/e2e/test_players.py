"""Players seen (issue 18): personal points and the player board, each phone's own answers after
the contest, and a phone that keeps its place until the projector's staged reveal reaches it."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, press_when, start_server
from tests.e2e.test_hall import adjust, serious_violations, sign_in

T = 8000


def axe(found, name, page):
    """Note axe-core's serious findings on the page now (when axe-playwright-python is here)."""
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        return
    found[name] = serious_violations(page)

SPEC = {
    "name": "个人赛测试", "base_score": 100, "join": "open", "seed": 5,
    "settings": {"player_board": True},
    "teams": [{"name": "红星队", "color": "#e53935", "seat": 1},
              {"name": "蓝天队", "color": "#1e88e5", "seat": 2},
              {"name": "奋进队", "color": "#43a047", "seat": 3}],
    "rounds": [
        {"kind": "all_answer", "title": "个人答题",
         "settings": {"per": "player", "right_points": 10, "answer_time": 60},
         "questions": [{"type": "single", "stem": "我国的火警电话是？",
                        "options": ["110", "119", "120", "122"], "answer": ["B"]}]},
        {"kind": "all_answer", "title": "全队答题",
         "settings": {"right_points": 20, "answer_time": 60},
         "questions": [{"type": "true_false", "stem": "水在标准大气压下的沸点是100℃。",
                        "answer": "true"}]},
    ],
}


@pytest.fixture(scope="module")
def players_server(tmp_path_factory):
    srv = start_server(str(tmp_path_factory.mktemp("instance")))
    try:
        yield srv
    finally:
        srv.stop()


def join(page, base, code, team, name):
    page.goto(f"{base}/play/{code}")
    page.wait_for_selector("#join-teams[data-built]")
    page.locator("button.team-pick", has_text=team).click()
    page.fill("#join-name", name)
    page.click("#join-go")
    expect(page.locator("#me-team")).to_have_text(team)


def tap(phone, key):
    phone.locator(f"#tiles .tile[data-key='{key}']").tap()
    expect(phone.locator("#ans-status")).to_contain_text("已提交")


def test_players_see_their_points_answers_and_place_in_step(players_server, pages,  # noqa: F811
                                                            tmp_path, shoot):
    made = players_server.create_contest(SPEC, tmp_path)
    base, code = players_server.url, made["code"]
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    zhang, li, wang = pages(**PHONE), pages(**PHONE), pages(**PHONE)
    proj.goto(f"{base}/screen/{code}")
    sign_in(host, base, code, made["host_key"])
    join(zhang, base, code, "红星队", "张三")
    join(li, base, code, "红星队", "李四")
    join(wang, base, code, "蓝天队", "王五")

    # a per-player round: two players of one team answer differently
    press_when(host, "开始比赛")                       # the round's intro
    expect(proj.locator("#intro-title")).to_have_text("个人答题")
    press_when(host, "出第一题")                       # the question: everyone answers
    expect(proj.locator("#q-stem")).to_contain_text("火警电话")
    tap(zhang, "B")
    tap(li, "A")
    tap(wang, "B")
    expect(zhang.locator("#me-personal")).to_be_hidden()          # nothing scored yet
    host.keyboard.press("r")                          # reveal and score
    expect(zhang.locator("#me-personal")).to_have_text("个人 10 分 · 第 1 名 / 3 人")
    expect(li.locator("#me-personal")).to_have_text("个人 0 分 · 第 3 名 / 3 人")
    expect(wang.locator("#me-personal")).to_have_text("个人 10 分 · 第 1 名 / 3 人")
    expect(zhang.locator("#me-score")).to_have_text("105")       # the team: the mean, 10 and 0
    board = proj.locator("#rail-pboard")
    expect(board).to_be_visible()
    expect(board.locator("h3")).to_have_text("个人积分榜")
    expect(board.locator(".pb-name")).to_have_text(["张三", "王五", "李四"])
    expect(board.locator(".pb-team")).to_have_text(["红星队", "蓝天队", "红星队"])
    expect(board.locator(".pb-rank")).to_have_text(["1", "1", "3"])
    expect(board.locator(".pb-points")).to_have_text(["10", "10", "0"])
    shoot(li, "players-01-phone-personal")
    shoot(proj, "players-01-projector-board")
    found = {}
    axe(found, "phone with personal points", li)

    # the host undoes the scoring: the personal points go with it, then it is scored again
    host.keyboard.press("u")
    expect(zhang.locator("#me-personal")).to_be_hidden()          # nobody has points now
    expect(board.locator(".pb-row")).to_have_count(0)
    expect(board).to_be_hidden()
    host.keyboard.press("r")
    expect(zhang.locator("#me-personal")).to_have_text("个人 10 分 · 第 1 名 / 3 人")

    press_when(host, "结束本环节")                     # round end: the board beside the teams'
    expect(proj.locator("#board-pboard .pb-name")).to_have_text(["张三", "王五", "李四"])
    shoot(proj, "players-02-projector-round-end")
    axe(found, "projector with the player board", proj)
    press_when(host, "下一环节")                       # the team round
    expect(proj.locator("#intro-title")).to_have_text("全队答题")
    press_when(host, "出第一题")
    expect(proj.locator("#q-stem")).to_contain_text("沸点")
    tap(li, "true")                                   # the team's answer, by 李四
    host.keyboard.press("r")
    expect(zhang.locator("#me-score")).to_have_text("125")
    press_when(host, "结束本环节")                     # round end
    expect(proj.locator("#board-title")).to_contain_text("全队答题")

    # the end: the projector reveals third, second, first; 红星队's phones wait for "first"
    press_when(host, "公布最终成绩")
    expect(proj.locator("#podium .pod")).to_have_count(3)
    expect(zhang.locator("#s-final")).to_be_visible()
    expect(zhang.locator("#final-wait")).to_have_text("名次揭晓中，请看大屏幕…")
    expect(zhang.locator("#final-rank")).to_be_hidden()
    expect(zhang.locator("#me-rank")).to_be_hidden()
    shoot(zhang, "players-03-phone-waiting-for-the-reveal")
    expect(proj.locator("#podium")).to_have_attribute("data-stage", "2", timeout=10000)
    assert not zhang.locator("#final-rank").is_visible()         # second is out, not first
    assert not proj.locator("#podium-pboard").is_visible()       # the players wait for first too
    assert "1" not in zhang.locator("#me-bar").inner_text().replace("125", "")
    assert "第 1 名" not in zhang.locator("#app").inner_text()     # nor a personal rank
    expect(wang.locator("#final-rank")).to_have_text("第 2 名")   # 蓝天队 is second: shown
    expect(proj.locator("#podium")).to_have_attribute("data-stage", "3", timeout=10000)
    expect(proj.locator("#podium-pboard .pb-name")).to_have_text(["张三", "王五", "李四"])
    expect(proj.locator("#podium-pboard .pb-points")).to_have_text(["10", "10", "0"])
    expect(zhang.locator("#final-rank")).to_have_text("第 1 名", timeout=1000)
    expect(zhang.locator("#final-wait")).to_be_hidden()
    expect(zhang.locator("#me-personal")).to_have_text("个人 10 分 · 第 1 名 / 3 人")

    # each phone lists its own answers (its team's in the team round), right or wrong
    def rows(phone):
        return phone.locator("#review-list .rv-row")
    expect(rows(zhang)).to_have_count(2)
    expect(rows(zhang).nth(0)).to_contain_text("我的答案：B")
    expect(rows(zhang).nth(0)).to_contain_text("✓ 答对")
    expect(rows(zhang).nth(0)).to_contain_text("+10 分")
    expect(rows(zhang).nth(0)).to_contain_text("我国的火警电话是？")
    expect(rows(zhang).nth(1)).to_contain_text("本队答案：对")
    expect(rows(zhang).nth(1)).to_contain_text("+20 分")
    expect(rows(li).nth(0)).to_contain_text("我的答案：A")
    expect(rows(li).nth(0)).to_contain_text("✗ 答错")
    expect(rows(li).nth(0)).to_contain_text("±0 分")
    assert "我的答案：A" not in zhang.locator("#review").inner_text()   # never another's
    expect(rows(wang)).to_have_count(1)
    expect(rows(wang).nth(0)).to_contain_text("我的答案：B")
    shoot(li, "players-04-phone-own-answers")
    shoot(proj, "players-04-projector-podium")
    axe(found, "phone with its own answers", li)
    axe(found, "projector podium with the player board", proj)
    assert not any(found.values()), found

    # a reloaded phone still has them, and its place (the reveal is over)
    li.reload()
    expect(rows(li)).to_have_count(2)
    expect(rows(li).nth(0)).to_contain_text("✗ 答错")
    expect(li.locator("#final-rank")).to_have_text("第 1 名")


def test_a_skipped_reveal_shows_the_place_on_the_phone_at_once(players_server, pages,  # noqa: F811
                                                               tmp_path):
    made = players_server.create_contest(SPEC, tmp_path)
    base, code = players_server.url, made["code"]
    proj = pages(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host = pages(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    zhang = pages(**PHONE)
    proj.goto(f"{base}/screen/{code}")
    sign_in(host, base, code, made["host_key"])
    join(zhang, base, code, "红星队", "张三")
    adjust(host, "1 · 红星队", 30)                      # three places: first comes last
    adjust(host, "2 · 蓝天队", 20)
    host.locator("#actions button[data-action=finish]").click()
    host.click("#modal-ok")
    expect(zhang.locator("#final-wait")).to_be_visible()
    host.keyboard.press("k")                          # skip the reveal
    expect(proj.locator("#podium .pod-1")).to_have_class(re.compile("shown"), timeout=2000)
    expect(zhang.locator("#final-rank")).to_have_text("第 1 名", timeout=2000)
    expect(zhang.locator("#review-list .rv-none")).to_have_text("本场没有你们的答题记录")
