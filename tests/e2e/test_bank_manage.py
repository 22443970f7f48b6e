"""The bank managed in the browser, through the pages' own controls, in Chinese and in English.

Signed in as the organizer: create a bank (and be refused a taken name), rename it, add a
question of each type by hand (options added and removed, the answer ticked or typed, a picture
chosen with the file chooser), edit one, duplicate one (refused unchanged: a bank holds a
question once), move one to another bank, search and page a bank of 60, a bulk move and a bulk
delete through their confirmations, merge two banks, delete a bank that a contest used (the
confirmation names the count and the contest; Cancel keeps it). Screenshots of each step go to
tests/e2e/screenshots/bank-<lang>-NN-*.png.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import created_contest, start_server
from tests.unit.test_bank_sheets import xlsx_bytes
from tests.unit.test_media_sheet import png

PW = "e2e-organizer-pw"
HEAD = ["题型", "题目", "A", "B", "C", "D", "答案", "分值", "分类"]

TEXT = {
    "zh": {
        "lang": "zh_CN",
        "bank1": "县赛2026",
        "bank1_new": "县赛2026 初赛",
        "bank2": "县赛2026 复赛",
        "old": "旧题库-zh",
        "contest": "去年的比赛-zh",
        "created": "已创建题库“{}”。",
        "taken": "已有名为“{}”的题库。",
        "renamed": "已将题库“{}”改名为“{}”。",
        "missing_answer": "答案：缺少答案。",
        "duplicate": "题目：本题库中已有相同的题目（#{}）。",
        "true": "对",
        "false": "错",
        "easy": "简单",
        "hard": "困难",
        "found": "共 {} 道",
        "page": "第 {} / {} 页",
        "next": "下一页",
        "moved": "已将 2 道题移到“{}”；0 道重复题留在原处。",
        "will_move": "2 道题将移到“{}”。",
        "will_delete": "将从题库中删除 1 道题。",
        "no_contest": "没有比赛使用这些题目。",
        "deleted_n": "已删除 1 道题。",
        "merge_line": "“{}”中的 {} 道题将移入“{}”。",
        "merged": "已将“{}”合并到“{}”：移入 {} 道题，去掉重复题 0 道。",
        "delete_line": "其中的 3 道题将一并删除。",
        "bank_deleted": "已删除题库“{}”及其 3 道题。",
        "added": "已添加题目 #",
        "saved": "题目已保存",
    },
    "en": {
        "lang": "en",
        "bank1": "County 2026",
        "bank1_new": "County 2026 heats",
        "bank2": "County 2026 final",
        "old": "Old bank en",
        "contest": "Last year en",
        "created": "Created the bank {}.",
        "taken": "A bank named {} already exists.",
        "renamed": "Renamed the bank {} to {}.",
        "missing_answer": "Answer: The answer is missing.",
        "duplicate": "Question: This bank already holds the same question (#{}).",
        "true": "True",
        "false": "False",
        "easy": "Easy",
        "hard": "Hard",
        "found": "{} found",
        "page": "Page {} of {}",
        "next": "Next",
        "moved": "Moved to {}: 2; duplicates left where they were: 0.",
        "will_move": "Questions that will move to {}: 2.",
        "will_delete": "Questions that will be deleted from the bank: 1.",
        "no_contest": "No contest uses these questions.",
        "deleted_n": "Questions deleted: 1.",
        "merge_line": "Questions of {0} that will move into {2}: {1}.",
        "merged": "Merged {} into {}. Moved: {}; duplicates dropped: 0.",
        "delete_line": "Questions deleted with it: 3.",
        "bank_deleted": "Deleted the bank {} with its questions: 3.",
        "added": "Question #",
        "saved": "Question saved",
    },
}


@pytest.fixture(scope="module")
def bank_server(tmp_path_factory):
    """A server with a bank of 60 (paging) and, per language, an old bank a contest drew on."""
    work = tmp_path_factory.mktemp("bank-files")
    practice = work / "练习.xlsx"
    practice.write_bytes(xlsx_bytes(
        [HEAD] + [["单选", f"练习题 第 {n} 题：{n}+1=?", str(n), str(n + 1), "0", "-1", "B", "10",
                   "练习"] for n in range(1, 61)]
    ))

    def prepare(srv):
        done = srv.flask("bank", "import", str(practice), "--bank", "练习题库")
        assert done.returncode == 0, done.stdout + done.stderr
        for t in TEXT.values():
            old = work / f"{t['old']}.xlsx"
            old.write_bytes(xlsx_bytes([HEAD] + [
                ["判断", f"{t['old']} 旧题 {n}", "", "", "", "", "对", "10", "旧"]
                for n in (1, 2, 3)
            ]))
            done = srv.flask("bank", "import", str(old), "--bank", t["old"])
            assert done.returncode == 0, done.stdout + done.stderr
            spec = work / f"{t['old']}.json"
            spec.write_text(json.dumps({
                "name": t["contest"], "teams": ["甲队", "乙队"],
                "rounds": [{"kind": "buzz", "draw": {"bank": t["old"], "count": 2}}],
            }, ensure_ascii=False), encoding="utf-8")
            created_contest(srv.flask("contest", "create", str(spec)))

    srv = start_server(str(tmp_path_factory.mktemp("bank-instance")), prepare)
    try:
        yield srv.url
    finally:
        srv.stop()


def _flash(page):
    return page.locator(".flashes")


def _bank_row(page, name):
    return page.locator("#bank-list tr", has=page.get_by_role("link", name=name, exact=True))


def _question_row(page, stem_part):
    return page.locator("table.bank-questions tbody tr", has_text=stem_part)


def _qid(row) -> int:
    return int(row.get_attribute("data-qid"))


def _add(page, kind, stem, **fields):
    """Fill the new-question form (already open) for one question and save it."""
    page.select_option("#q-type", kind)
    page.fill("#q-stem", stem)
    for i, text in enumerate(fields.get("options", [])):
        page.locator('#q-option-list input[name="options"]').nth(i).fill(text)
    for letter in fields.get("tick", ""):
        page.locator(f'#q-option-list input[name="correct"][value="{letter}"]').check()
    if "tf" in fields:
        page.get_by_label(fields["tf"], exact=True).check()
    if "answer" in fields:
        page.fill("#q-answer", fields["answer"])
    if "points" in fields:
        page.fill("#q-points", fields["points"])
    if "difficulty" in fields:
        page.select_option("#q-difficulty", fields["difficulty"])
    if "category" in fields:
        page.fill("#q-category", fields["category"])
    if "file" in fields:
        page.set_input_files("#q-file", fields["file"])
    page.click("#q-save-again" if fields.get("again") else "#q-save")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bank_managed_in_the_browser(bank_server, browser, shoot, tmp_path, lang):
    t, base = TEXT[lang], bank_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900},
                              locale="zh-CN" if lang == "zh" else "en-US")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("dialog", lambda d: errors.append("dialog: " + d.message) or d.dismiss())
    n = iter(range(1, 100))

    def shot(name):
        shoot(page, f"bank-{lang}-{next(n):02d}-{name}")

    try:
        # sign in
        page.goto(f"{base}/login?lang={t['lang']}&next=/bank/")
        page.fill("input[name=password]", PW)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/bank/$"))

        # create two banks; a taken name is refused, named and highlighted
        for name in (t["bank1"], t["bank2"]):
            page.fill("#bank-new input[name=name]", name)
            page.click("#bank-new button[type=submit]")
            expect(_flash(page)).to_contain_text(t["created"].format(name))
        page.goto(f"{base}/bank/")
        expect(_bank_row(page, t["bank1"])).to_contain_text("0")
        page.fill("#bank-new input[name=name]", t["bank1"])
        page.click("#bank-new button[type=submit]")
        expect(page.locator("#bank-new-error")).to_contain_text(t["taken"].format(t["bank1"]))
        expect(page.locator("#bank-new input[name=name]")).to_have_class(re.compile("invalid"))
        shot("bank-name-taken")

        # rename the first on its page
        page.goto(f"{base}/bank/")
        _bank_row(page, t["bank1"]).locator("td.actions a").first.click()
        expect(page.locator("#bank-title")).to_have_text(t["bank1"])
        page.fill("#bank-rename input[name=name]", t["bank1_new"])
        page.click("#bank-rename button[type=submit]")
        expect(page.locator("#bank-title")).to_have_text(t["bank1_new"])
        expect(_flash(page)).to_contain_text(t["renamed"].format(t["bank1"], t["bank1_new"]))
        shot("renamed")

        # a question of each type, by hand
        page.locator("#bank-count a").nth(1).click()  # add a question (this bank preselected)
        expect(page.locator("#q-bank option:checked")).to_have_text(t["bank1_new"])
        picture = tmp_path / "flag.png"
        picture.write_bytes(png(40, 30))
        _add(page, "single", f"[{lang}] 单选：中国的首都是？",
             options=["上海", "北京", "广州", "深圳"], tick="B", points="10",
             difficulty="easy", category="地理", file=str(picture), again=True)
        expect(_flash(page)).to_contain_text(t["added"])
        expect(page.locator("#q-bank option:checked")).to_have_text(t["bank1_new"])

        # multiple: five options, B removed (the letters move up with the ticks), no answer first
        page.select_option("#q-type", "multiple")
        page.click("#q-add-option")
        expect(page.locator('#q-option-list input[name="options"]')).to_have_count(5)
        page.fill("#q-stem", f"[{lang}] 多选：哪些是偶数？")
        for i, text in enumerate(["2", "3", "4", "5", "6"]):
            page.locator('#q-option-list input[name="options"]').nth(i).fill(text)
        page.locator("#q-option-list li").nth(1).locator(".q-remove").click()
        expect(page.locator("#q-option-list .q-letter")).to_have_text(["A", "B", "C", "D"])
        expect(page.locator('#q-option-list input[name="options"]').nth(1)).to_have_value("4")
        page.click("#q-save-again")
        expect(page.locator("#bank-problems")).to_contain_text(t["missing_answer"])
        expect(page.locator("#q-answer")).to_have_class(re.compile("invalid"))
        shot("missing-answer")
        for letter in "ABD":
            page.locator(f'#q-option-list input[name="correct"][value="{letter}"]').check()
        expect(page.locator("#q-answer")).to_have_value("ABD")
        page.locator('#q-option-list input[name="correct"][value="D"]').uncheck()
        page.fill("#q-answer", "ABD")  # typed: the ticks follow
        expect(page.locator('#q-option-list input[name="correct"][value="D"]')).to_be_checked()
        page.select_option("#q-difficulty", "hard")
        shot("multiple-form")
        page.click("#q-save-again")
        expect(_flash(page)).to_contain_text(t["added"])

        page.select_option("#q-type", "true_false")  # no options, two choices instead
        expect(page.locator("#q-options")).to_be_hidden()
        expect(page.locator("#q-answer")).to_be_hidden()
        expect(page.locator("#q-tf")).to_be_visible()
        _add(page, "true_false", f"[{lang}] 判断：太阳从西边升起", tf=t["false"], again=True)
        expect(_flash(page)).to_contain_text(t["added"])
        _add(page, "fill_blank", f"[{lang}] 填空：长城在____", answer="中国|China", again=True)
        _add(page, "open", f"[{lang}] 问答：谈谈你对安全生产的理解")
        page.wait_for_url(re.compile(r"/bank/\?bank=\d+$"))
        rows = page.locator("table.bank-questions tbody tr")
        expect(rows).to_have_count(5)
        expect(page.locator("#bank-total")).to_have_text(t["found"].format(5))
        expect(_question_row(page, "判断：").locator("td.answer")).to_have_text(t["false"])
        expect(_question_row(page, "单选：").locator("td.answer")).to_have_text("B")
        expect(_question_row(page, "单选：")).to_contain_text(t["easy"])
        expect(_question_row(page, "多选：").locator("td.answer")).to_have_text("ABD")
        expect(_question_row(page, "多选：")).to_contain_text(t["hard"])
        expect(_question_row(page, "填空：").locator("td.answer")).to_have_text("中国 / China")
        shot("five-types")

        # edit the fill-in question; its picture-less form and the single's picture
        _question_row(page, "单选：").get_by_role("link").first.click()
        picture_shown = page.locator(".bank-media-item img")
        expect(picture_shown).to_be_visible()
        assert picture_shown.evaluate("i => i.naturalWidth") == 40
        expect(page.locator('#q-option-list input[name="correct"][value="B"]')).to_be_checked()
        page.click("#q-cancel")
        _question_row(page, "填空：").get_by_role("link").first.click()
        expect(page.locator("#q-answer")).to_have_value("中国|China")
        page.fill("#q-stem", f"[{lang}] 填空：万里长城在____（改）")
        page.click("#q-save")
        expect(_flash(page)).to_contain_text(t["saved"])
        expect(_question_row(page, "（改）")).to_have_count(1)
        shot("edited")

        # duplicate the single: unchanged in the same bank it is refused, changed it is added
        single = _question_row(page, "单选：")
        single_id = _qid(single)
        single.get_by_role("link").nth(1).click()
        expect(page.locator("#q-stem")).to_have_value(f"[{lang}] 单选：中国的首都是？")
        expect(page.locator('#q-option-list input[name="correct"][value="B"]')).to_be_checked()
        page.click("#q-save")
        expect(page.locator("#bank-problems")).to_contain_text(t["duplicate"].format(single_id))
        expect(page.locator("#q-stem")).to_have_class(re.compile("invalid"))
        shot("duplicate-refused")
        page.fill("#q-stem", f"[{lang}] 单选：中国的首都是？（副本）")
        page.click("#q-save")
        expect(_question_row(page, "（副本）")).to_have_count(1)
        expect(rows).to_have_count(6)

        # move the open question to the other bank through its form
        _question_row(page, "问答：").get_by_role("link").first.click()
        page.select_option("#q-bank", label=t["bank2"])
        page.click("#q-save")
        expect(_question_row(page, "问答：")).to_have_count(0)
        expect(rows).to_have_count(5)
        page.goto(f"{base}/bank/")
        expect(_bank_row(page, t["bank2"])).to_contain_text("1")

        # search and page the bank of 60: filters kept by the page links, one screen a page
        page.select_option("#bank-filters select[name=bank]", label="练习题库")
        page.click("#bank-filters button[type=submit]")
        expect(page.locator("#bank-total")).to_have_text(t["found"].format(60))
        expect(rows).to_have_count(50)
        expect(page.locator(".pager")).to_contain_text(t["page"].format(1, 2))
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 2400, height  # the 50 rows scroll inside the list, not the page
        page.evaluate("document.getElementById('questions').scrollIntoView()")
        for part in ("#bank-filters", "#bank-table", ".pager"):  # on one screen together
            box = page.locator(part).bounding_box()  # relative to the viewport
            assert box["y"] >= -1 and box["y"] + box["height"] <= 901, (part, box)
        shot("page-1")
        page.get_by_role("link", name=re.compile(t["next"])).click()
        expect(page.locator(".pager")).to_contain_text(t["page"].format(2, 2))
        expect(rows).to_have_count(10)
        chosen = page.locator("#bank-filters select[name=bank] option:checked")
        expect(chosen).to_have_text("练习题库")
        page.fill("#bank-filters input[name=q]", "第 57 题")
        page.click("#bank-filters button[type=submit]")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("57+1=?")
        shot("search")

        # bulk move: two ticked questions of the first bank into the second, asked first
        page.goto(f"{base}/bank/")
        page.select_option("#bank-filters select[name=bank]", label=t["bank1_new"])
        page.click("#bank-filters button[type=submit]")
        _question_row(page, "判断：").locator('input[name="ids"]').check()
        _question_row(page, "（改）").locator('input[name="ids"]').check()
        expect(page.locator("#bank-ticked")).to_have_text("2")
        page.select_option("#bulk-action", "move")
        expect(page.locator("#bulk-category")).to_be_hidden()
        page.select_option("#bulk-target", label=t["bank2"])
        page.click("#bulk-go")
        expect(page.locator("#bank-confirm")).to_contain_text(t["will_move"].format(t["bank2"]))
        shot("bulk-move-confirm")
        page.click("#confirm-yes")
        expect(_flash(page)).to_contain_text(t["moved"].format(t["bank2"]))
        expect(rows).to_have_count(3)

        # bulk delete: everything matching a search in the second bank, asked first
        page.select_option("#bank-filters select[name=bank]", label=t["bank2"])
        page.fill("#bank-filters input[name=q]", "判断：")
        page.click("#bank-filters button[type=submit]")
        expect(rows).to_have_count(1)
        page.check('#bank-bulk input[name="scope"][value="filter"]')
        page.select_option("#bulk-action", "delete")
        page.click("#bulk-go")
        expect(page.locator("#bank-confirm")).to_contain_text(t["will_delete"])
        expect(page.locator("#bank-confirm")).to_contain_text(t["no_contest"])
        shot("bulk-delete-confirm")
        page.click("#confirm-yes")
        expect(_flash(page)).to_contain_text(t["deleted_n"])
        expect(page.locator("#bank-total")).to_have_text(t["found"].format(0))

        # merge the second bank (open + fill-in) into the first
        page.goto(f"{base}/bank/")
        _bank_row(page, t["bank2"]).locator("td.actions a").first.click()
        into = page.locator("#bank-merge select[name=into] option", has_text=t["bank1_new"])
        expect(into).to_have_text(f"{t['bank1_new']} (3)")  # the name and its questions
        page.select_option("#bank-merge select[name=into]", into.get_attribute("value"))
        page.click("#bank-merge button[type=submit]")
        expect(page.locator("#bank-confirm")).to_contain_text(
            t["merge_line"].format(t["bank2"], 2, t["bank1_new"]))
        shot("merge-confirm")
        page.click("#confirm-yes")
        expect(_flash(page)).to_contain_text(t["merged"].format(t["bank2"], t["bank1_new"], 2))
        expect(page.locator("#bank-total")).to_have_text(t["found"].format(5))
        expect(_bank_row(page, t["bank2"])).to_have_count(0)

        # delete the old bank a contest drew on: the count and the contest first; Cancel keeps it
        _bank_row(page, t["old"]).locator("td.actions a").first.click()
        page.click("#bank-delete")
        confirm = page.locator("#bank-confirm")
        expect(confirm).to_contain_text(t["delete_line"])
        expect(confirm).to_contain_text(t["contest"])
        shot("delete-bank-confirm")
        page.click("#confirm-no")
        expect(page.locator("#bank-title")).to_have_text(t["old"])
        page.click("#bank-delete")
        page.click("#confirm-yes")
        expect(_flash(page)).to_contain_text(t["bank_deleted"].format(t["old"]))
        expect(_bank_row(page, t["old"])).to_have_count(0)
        expect(_bank_row(page, t["bank1_new"])).to_have_count(1)
        shot("bank-deleted")
        assert errors == []
    finally:
        ctx.close()
