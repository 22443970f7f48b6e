"""The organizer reviews the drawn questions in Chromium, prints the 题本, and the host's
换题 takes the marked spare: the real server, a contest drawn from the demo bank by the CLI.

Walked once in Chinese and once in English, through the pages' own controls. Screenshots
and the PDF go to tests/e2e/screenshots/ (git-ignored).
"""
import json
import os
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from quiz import startup
from tests.e2e.conftest import SHOTS, created_contest, start_server

PASSWORD = "e2e-organizer-pw"
SPEC = {
    "bank": "演示题库", "seed": 11, "base_score": 100,
    "teams": [{"name": "红星队"}, {"name": "蓝天队"}],
    "rounds": [
        {"kind": "buzz", "title": "抢答题", "draw": {"type": "single", "count": 3}},
        {"kind": "compulsory", "title": "必答题",
         "draw": {"type": "true_false", "count": 2}},
    ],
}
TEXT = {
    "zh": {"swapped": "已换题", "moved": "已调整顺序", "pinned": "已锁定此题",
           "redrawn": "已重新抽题", "spare": "已设为备用题", "print": "打印题本",
           "answer": "答案", "start": "开始比赛", "swap": "换题", "review": "审题",
           "locked": "比赛已经开始", "sheet": "主持人题本"},
    "en": {"swapped": "Question swapped", "moved": "Question moved", "pinned": "Question pinned",
           "redrawn": "Round redrawn", "spare": "Marked as a spare",
           "print": "Print question sheet",
           "answer": "Answer", "start": "Start the contest", "swap": "Swap question",
           "review": "Review the questions", "locked": "The contest has started",
           "sheet": "Question sheet for the host"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real server with two contests drawn from the demo bank (one per language)."""
    made = {}
    folder = tmp_path_factory.mktemp("review")

    def prepare(srv):
        done = srv.flask("bank", "import", os.path.join(startup.DEMO_DIR, "demo_bank.csv"),
                         "--bank", "演示题库")
        assert done.returncode == 0, done.stdout + done.stderr
        for lang, name in (("zh", "2026 年安全知识竞赛"), ("en", "Safety quiz 2026")):
            path = os.path.join(str(folder), f"{lang}.json")
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(dict(SPEC, name=name), fh, ensure_ascii=False)
            made[lang] = created_contest(srv.flask("contest", "create", path))

    srv = start_server(str(tmp_path_factory.mktemp("instance")), prepare)
    try:
        yield {"url": srv.url, "contests": made}
    finally:
        srv.stop()


def stems(page, round_id):
    return page.locator(f"#round-{round_id} tbody tr.question td.stem").evaluate_all(
        "cells => cells.map(c => c.firstChild.textContent.trim())")


def flash(page, text):
    expect(page.locator(".flashes")).to_contain_text(text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_review_swap_move_pin_redraw_spare_sheet_and_live_swap(browser, server, shoot, lang):
    t = TEXT[lang]
    base, made = server["url"], server["contests"][lang]
    code = made["code"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900},
                              locale="zh-CN" if lang == "zh" else "en-US")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: d.accept())
    try:
        page.goto(f"{base}/login?lang={lang}")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/contests/{code}")
        page.click("#review-link")
        expect(page.locator("h1")).to_contain_text(t["review"])
        expect(page.locator("#round-1 tbody tr.question")).to_have_count(3)
        expect(page.locator("#round-2 tbody tr.question")).to_have_count(2)
        shoot(page, f"review-{lang}-1-page")
        first = stems(page, 1)

        # swap question 2 of round 1 through the chooser, typing to filter the list
        page.locator("#round-1 tbody tr.question").nth(1).locator("a.swap-link").click()
        expect(page.locator("#chooser")).to_be_visible()
        choices = page.locator("#chooser tr.choice")
        wanted = choices.nth(2).locator("td.stem").inner_text()
        page.fill("#chooser-q", wanted[:8])
        expect(page.locator("#chooser tr.choice:visible")).to_have_count(1)
        shoot(page, f"review-{lang}-2-chooser")
        page.locator("#chooser tr.choice:visible button[data-action=swap]").click()
        flash(page, t["swapped"])
        assert stems(page, 1) == [first[0], wanted, first[2]]

        # move the first question down
        page.locator("#round-1 tbody tr.question").nth(0).locator(
            "button[data-action=down]").click()
        flash(page, t["moved"])
        assert stems(page, 1) == [wanted, first[0], first[2]]

        # pin the (now) second one, then redraw the round: the pinned one stays in its place
        page.locator("#round-1 tbody tr.question").nth(1).locator(
            "button[data-action=pin]").click()
        flash(page, t["pinned"])
        expect(page.locator("#round-1 tr.question.pinned")).to_have_count(1)
        page.locator("#round-1 form.redraw button").click()
        flash(page, t["redrawn"])
        after = stems(page, 1)
        assert after[1] == first[0]
        assert after[0] != wanted and after[2] != first[2]
        expect(page.locator("#round-1 tr.question").nth(1)).to_have_class(re.compile("pinned"))
        shoot(page, f"review-{lang}-3-redrawn")

        # set a spare aside for round 1
        page.locator("#round-1 a.add-spare").click()
        expect(page.locator("#chooser")).to_be_visible()
        spare = page.locator("#chooser tr.choice").nth(0).locator("td.stem").inner_text()
        page.locator("#chooser tr.choice").nth(0).locator("button[data-action=spare]").click()
        flash(page, t["spare"])
        expect(page.locator("#round-1 ol.spares li")).to_have_count(1)
        expect(page.locator("#round-1 ol.spares")).to_contain_text(spare)
        final = {1: stems(page, 1), 2: stems(page, 2)}

        # the 题本 opens in a new tab: questions in order, answers, the spare at the round's end
        with ctx.expect_page() as opened:
            page.click("#print-sheet")
        sheet = opened.value
        sheet.wait_for_load_state()
        expect(sheet.locator(".sheet-subtitle")).to_contain_text(t["sheet"])
        expect(sheet.locator("#print-now")).to_contain_text(t["print"])
        listed = sheet.locator(".sheet-round .sheet-questions .sheet-stem").evaluate_all(
            "ps => ps.map(p => p.lastChild.textContent.trim())")
        assert listed == final[1] + final[2]
        expect(sheet.locator(".sheet-questions .sheet-answer")).to_have_count(5)
        expect(sheet.locator(".sheet-answer").first).to_contain_text(t["answer"])
        expect(sheet.locator("#sheet-round-1 .sheet-spares")).to_contain_text(spare)
        shoot(sheet, f"review-{lang}-4-sheet")
        sheet.emulate_media(media="print")
        shoot(sheet, f"review-{lang}-5-sheet-print")
        pdf = os.path.join(SHOTS, f"review-{lang}-sheet.pdf")
        sheet.pdf(path=pdf, format="A4", print_background=True)
        with open(pdf, "rb") as fh:
            data = fh.read()
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        assert pages >= 2, pages                       # one round per page at least
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", pdf,
                            os.path.join(SHOTS, f"review-{lang}-pdf")], check=True)
        else:  # look at the PDF in Chromium's own viewer instead
            viewer = ctx.new_page()
            viewer.goto("file://" + pdf)
            frame = None
            for _ in range(100):                      # the viewer's frame comes a moment later
                frame = next((f for f in viewer.frames
                              if f.url.startswith("chrome-extension:")), None)
                if frame is not None:
                    break
                viewer.wait_for_timeout(100)
            assert frame is not None, "Chromium's PDF viewer did not open"
            expect(frame.locator("#pagelength")).to_have_text(str(pages))
            shoot(viewer, f"review-{lang}-6-pdf")
            viewer.close()
        sheet.close()

        # the host starts the contest and swaps the first question: the spare comes in
        page.goto(f"{base}/host/{code}")
        expect(page.locator("#primary-label")).to_have_text(t["start"])
        page.click("#primary")                          # round intro
        page.click("#primary")                          # the first question (reading)
        expect(page.locator("#now-body")).to_contain_text(final[1][0])
        page.click("#actions button[data-action=swap]")
        page.click("#modal-ok")
        expect(page.locator("#now-body")).to_contain_text(spare)
        shoot(page, f"review-{lang}-7-host-swapped")

        # and the review refuses changes now
        page.goto(f"{base}/contests/{code}/review")
        expect(page.locator("#review-locked")).to_contain_text(t["locked"])
        expect(page.locator("#round-1 form.redraw button")).to_be_disabled()
        shoot(page, f"review-{lang}-8-locked")
        assert not errors, errors
    finally:
        ctx.close()


def test_the_host_opens_the_sheet_from_the_console_and_strangers_cannot(browser, server, shoot):
    base, made = server["url"], server["contests"]["zh"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    try:
        page.goto(f"{base}/contests/{made['code']}/sheet")      # a stranger: sign in first
        expect(page.locator("input[name=password]")).to_be_visible()
        expect(page.locator(".question-sheet")).to_have_count(0)
        page.goto(f"{base}/host/{made['code']}")
        page.fill("input[name=key]", made["host_key"])
        page.click("button[type=submit]")
        expect(page.locator("#sheet-link")).to_have_text("打印题本")
        with ctx.expect_page() as opened:
            page.click("#sheet-link")
        sheet = opened.value
        sheet.wait_for_load_state()
        expect(sheet.locator(".sheet-subtitle")).to_have_text("主持人题本（含答案）")
        expect(sheet.locator(".sheet-answer").first).to_contain_text("答案")
        shoot(sheet, "review-zh-8-host-sheet")
        # the review itself stays the organizer's
        page.goto(f"{base}/contests/{made['code']}/review")
        expect(page.locator("input[name=password]")).to_be_visible()
    finally:
        ctx.close()
