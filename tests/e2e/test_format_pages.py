"""The pages follow the round format from the snapshot's capabilities, not its kind name:
a compulsory and a wager round played from the host console, watched on the projector."""
import json
import os

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import created_contest, start_server

T = 8000
CONTEST = {
    "name": "赛制测试", "base_score": 100, "join": "open", "seed": 3,
    "teams": [{"name": "红队", "color": "#e53935", "seat": 1},
              {"name": "蓝队", "color": "#1e88e5", "seat": 2}],
    "rounds": [
        {"kind": "compulsory", "title": "必答题", "settings": {"right_points": 10},
         "questions": [{"type": "single", "stem": "必答第一题", "options": ["甲", "乙"],
                        "answer": ["A"]},
                       {"type": "single", "stem": "必答第二题", "options": ["甲", "乙"],
                        "answer": ["B"]}]},
        {"kind": "wager", "title": "风险题", "settings": {"values": [10, 20]},
         "questions": [{"type": "single", "stem": "风险十分题", "options": ["甲", "乙"],
                        "answer": ["A"], "level": 10},
                       {"type": "single", "stem": "风险二十分题", "options": ["甲", "乙"],
                        "answer": ["A"], "level": 20}]},
    ],
}


@pytest.fixture(scope="module")
def formats_server(tmp_path_factory):
    made = {}
    folder = tmp_path_factory.mktemp("formats")
    path = os.path.join(str(folder), "contest.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(CONTEST, fh, ensure_ascii=False)

    def prepare(srv):
        made.update(created_contest(srv.flask("contest", "create", path)))

    srv = start_server(str(tmp_path_factory.mktemp("instance")), prepare)
    try:
        yield {"url": srv.url, "code": made["code"], "key": made["host_key"]}
    finally:
        srv.stop()


def test_compulsory_and_wager_rounds_on_host_and_projector(formats_server, browser, shoot):
    base, code = formats_server["url"], formats_server["code"]
    proj_ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    host_ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        proj, host = proj_ctx.new_page(), host_ctx.new_page()
        for page in (proj, host):
            page.set_default_timeout(T)
        proj.goto(f"{base}/screen/{code}")
        host.goto(f"{base}/host/{code}")
        host.fill("input[name=key]", formats_server["key"])
        host.click("button[type=submit]")
        expect(host.locator("#primary-label")).to_have_text("开始比赛")

        # 必答: the projector's rules line and the host's next step come from capabilities
        host.click("#primary")
        expect(proj.locator("#intro-rules")).to_contain_text("各队按顺序轮流作答")
        expect(host.locator("#primary-label")).to_have_text("出第一题")
        host.click("#primary")
        expect(proj.locator("#q-stem")).to_have_text("必答第一题")
        expect(proj.locator("#tb-round")).to_have_text("必答题")
        host.click("button[data-action=judge-right]")
        expect(host.locator("#primary-label")).to_have_text("公布答案")
        shoot(proj, "fmt-01-compulsory-proj")

        # 风险: start the wager round from the host's round list; the compulsory round still
        # has a question, so the console asks once before skipping it
        host.locator("#rounds li", has_text="风险题").locator("button").click()
        expect(host.locator("#modal-body")).to_contain_text("还有 1 题未出")
        host.click("#modal-ok")
        expect(proj.locator("#intro-rules")).to_contain_text("按分数由低到高选择分值 10 / 20")
        expect(host.locator("#primary-label")).to_have_text("开始选题")
        shoot(proj, "fmt-02-wager-intro-proj")
        host.click("#primary")
        wager = host.locator("#wager")
        expect(wager).to_contain_text("蓝队")          # the lower score chooses first
        wager.locator("button", has_text="10").first.click()
        expect(proj.locator("#q-stem")).to_have_text("风险十分题")
        host.click("button[data-action=judge-right]")
        host.click("#primary")                           # reveal
        expect(proj.locator("#q-options .opt.right")).to_have_count(1)
        # no next question is listed in a wager round: the teams choose it
        expect(host.locator("#primary-label")).to_have_text("下一题")
        shoot(host, "fmt-03-wager-host")
        host.click("#primary")
        expect(wager).to_contain_text("红队")
    finally:
        proj_ctx.close()
        host_ctx.close()
