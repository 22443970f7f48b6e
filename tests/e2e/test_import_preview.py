"""The import preview in a real browser, through its own controls: a header-less sheet read
with the column map (chosen column by column, the preview recomputed each time, no upload),
a sheet with problems (one row corrected in place, one skipped), and the problem rows
downloaded, fixed as in Excel and imported alone. In Chinese, and the problem path once in
English."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import start_server
from tests.unit.test_bank_sheets import xlsx_bytes

PASSWORD = "e2e-organizer-pw"
T = 15000

# no header, and answers as option numbers: the reader cannot tell its columns by itself
HEADERLESS = [
    ["我国面积最大的省级行政区是", "新疆", "西藏", "内蒙古", 1],
    ["长江的入海口在", "上海", "南京", "武汉", 1],
    ["被称为“春城”的城市是", "广州", "昆明", "成都", 2],
]
WITH_PROBLEMS = [
    ["题目", "选项A", "选项B", "选项C", "答案"],
    ["水的化学式是", "H2O", "CO2", "O2", "A"],
    ["光年是什么单位", "时间", "长度", "速度", "Z"],  # row 3: the answer points nowhere
    ["", "甲", "乙", "丙", "B"],  # row 4: no question
    ["地球有几个卫星", "1", "2", "3", "Q"],  # row 5: the answer cannot be read
]


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    server = start_server(str(tmp_path_factory.mktemp("import-instance")))
    yield server
    server.stop()


@pytest.fixture
def page(browser, srv):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 1400}, locale="zh-CN", accept_downloads=True
    )
    pg = ctx.new_page()
    pg.set_default_timeout(T)
    pg.goto(f"{srv.url}/login?next=/bank/")
    pg.fill("input[name=password]", PASSWORD)
    pg.click("button[type=submit]")
    expect(pg.locator("#bank-upload")).to_be_visible()
    yield pg
    ctx.close()


def upload(page, path, bank: str, new=True):
    page.set_input_files("#bank-files", str(path))
    if new:
        page.select_option("#import-bank", "__new__")
        page.fill("#import-new-bank-name", bank)
    else:
        page.select_option("#import-bank", bank)
    page.click("#bank-upload button[type=submit]")
    expect(page.locator("#import-form")).to_be_visible()


def set_column(page, letter: str, role: str):
    with page.expect_navigation():
        page.select_option(f"select[name='map-0-col-{letter}']", role)
    expect(page.locator("#import-form")).to_be_visible()


def test_headerless_sheet_read_with_the_column_map(page, srv, tmp_path, shoot):
    path = tmp_path / "无表头.xlsx"
    path.write_bytes(xlsx_bytes(HEADERLESS))
    upload(page, path, "地理题")
    colmap = page.locator("#colmap-0")
    expect(colmap).to_have_attribute("open", "")
    expect(colmap.locator("summary")).to_contain_text("未能读取：请指定各列")
    expect(colmap.locator("tr.sample").first).to_contain_text("我国面积最大的省级行政区是")
    shoot(page, "import-map-before")
    for letter, role in (("A", "stem"), ("B", "opt0"), ("C", "opt1"), ("D", "opt2")):
        set_column(page, letter, role)
    # no answer column yet: one message for the sheet, not one problem per row
    notice = page.locator(".bank-file-problems")
    expect(notice).to_contain_text("该工作表没有答案列（3 道题没有答案）")
    expect(page.locator("fieldset.fix-row")).to_have_count(0)
    set_column(page, "E", "answer")  # the option numbers now read as the answers
    expect(page.locator("select[name='map-0-col-E']")).to_have_value("answer")
    expect(page.locator("#import-summary")).to_contain_text("可导入 3 道题")
    preview = page.locator(".bank-preview")
    expect(preview).to_contain_text("单选题")
    expect(preview.locator("tr", has_text="春城")).to_contain_text("B")
    shoot(page, "import-map-after")
    page.click("#import-confirm")
    expect(page.locator("body")).to_contain_text("已导入 3 道题到“地理题”")
    table = page.locator(".bank-questions")
    expect(table).to_contain_text("被称为“春城”的城市是")
    expect(table.locator("tr", has_text="春城")).to_contain_text("昆明")
    shoot(page, "import-map-bank")


def _problem_sheet(tmp_path):
    path = tmp_path / "有问题.xlsx"
    path.write_bytes(xlsx_bytes(WITH_PROBLEMS))
    return path


def test_problem_rows_corrected_in_place_or_skipped(page, tmp_path, shoot):
    upload(page, _problem_sheet(tmp_path), "科学题")
    rows = page.locator("fieldset.fix-row")
    expect(rows).to_have_count(3)
    expect(page.locator(".count-problems")).to_have_text("3")
    row3 = page.locator("fieldset.fix-row[data-row='3']")
    expect(row3.locator(".fix-reasons")).to_contain_text("无法识别答案“Z”")
    row3.locator(".fix-answer").fill("B")  # typing marks the row "import corrected"
    expect(row3.locator(".fix-action-fix")).to_be_checked()
    row5 = page.locator("fieldset.fix-row[data-row='5']")
    row5.locator(".fix-answer").fill("Z")  # still wrong: nothing may be imported
    shoot(page, "import-fix-before")
    page.click("#import-confirm")
    expect(row5.locator(".fix-error")).to_contain_text("仍有问题")
    expect(page.locator("body")).to_contain_text("未导入任何题目")
    expect(row3.locator(".fix-answer")).to_have_value("B")  # the corrections are kept
    row5.locator(".fix-action-skip").check()
    page.locator("fieldset.fix-row[data-row='4'] .fix-action-skip").check()
    page.click("#import-confirm")
    expect(page.locator("body")).to_contain_text("已导入 2 道题到“科学题”")
    table = page.locator(".bank-questions")
    expect(table.locator("tr", has_text="光年是什么单位")).to_contain_text("B")
    expect(table).not_to_contain_text("地球有几个卫星")
    shoot(page, "import-fix-bank")


def test_problem_rows_downloaded_fixed_and_imported_alone(page, tmp_path, shoot):
    upload(page, _problem_sheet(tmp_path), "下载修改")
    with page.expect_download() as info:
        page.click("#problems-download")
    saved = tmp_path / "问题行.xlsx"
    info.value.save_as(saved)
    book = openpyxl.load_workbook(saved)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        "光年是什么单位",
        None,
        "地球有几个卫星",
    ]
    answer = header.index("答案") + 1
    sheet.cell(2, answer, "B")  # fixed "in Excel"
    sheet.cell(3, 2, "一年有几个季节")
    sheet.cell(4, answer, "A")
    buf = io.BytesIO()
    book.save(buf)
    saved.write_bytes(buf.getvalue())
    page.goto(page.url.split("/bank")[0] + "/bank/")
    upload(page, saved, "下载修改", new=True)
    expect(page.locator("#import-summary")).to_contain_text("可导入 3 道题")
    expect(page.locator("fieldset.fix-row")).to_have_count(0)
    page.click("#import-confirm")
    expect(page.locator("body")).to_contain_text("已导入 3 道题到“下载修改”")
    expect(page.locator(".bank-questions")).to_contain_text("一年有几个季节")
    shoot(page, "import-download-bank")


def test_in_english_a_row_corrected_and_the_column_map_named(page, srv, tmp_path, shoot):
    page.goto(f"{srv.url}/bank/?lang=en")
    expect(page.locator("#bank-upload")).to_contain_text("Into bank")
    # earlier tests made banks: one of them is chosen, the new name's field is hidden
    expect(page.locator("#import-bank")).not_to_have_value("__new__")
    expect(page.locator("#import-new-bank-name")).to_be_hidden()
    page.select_option("#import-bank", "__new__")
    expect(page.locator("#import-new-bank-name")).to_be_visible()
    upload(page, _problem_sheet(tmp_path), "Science")
    expect(page.locator("#colmap-0 summary")).to_contain_text("read by its header row")
    row3 = page.locator("fieldset.fix-row[data-row='3']")
    expect(row3.locator(".fix-reasons")).to_contain_text(
        "Cannot read the answer 'Z' (expected option letters, numbers or texts)."
    )
    row3.locator(".fix-answer").fill("B")
    page.click("#import-confirm")
    expect(page.locator("body")).to_contain_text("Imported 2 questions into Science")
    expect(page.locator(".bank-questions")).to_contain_text("光年是什么单位")
    shoot(page, "import-fix-en")


NO_ANSWERS = [
    ["题目", "A", "B", "C"],
    ["请说出三种可再生能源", "太阳能", "风能", "水能"],
    ["请说出两种温室气体", "二氧化碳", "甲烷", ""],
]


def test_sheet_without_answers_imported_as_open_and_first_row_changed(page, tmp_path, shoot):
    path = tmp_path / "无答案.xlsx"
    path.write_bytes(xlsx_bytes(NO_ANSWERS))
    upload(page, path, "口答题")
    expect(page.locator(".bank-file-problems")).to_contain_text(
        "该工作表没有答案列（2 道题没有答案）"
    )
    expect(page.locator("#import-confirm")).to_be_disabled()
    page.check("#no-answer-open")
    page.click(".bank-no-answer button")
    expect(page.locator("#import-summary")).to_contain_text("可导入 2 道题")
    expect(page.locator(".bank-counts")).to_contain_text("2")
    # the map of a sheet read by its header is behind "change columns"
    colmap = page.locator("#colmap-0")
    expect(colmap.locator(".colmap-apply")).to_be_hidden()
    colmap.locator("summary").click()
    colmap.locator("input[name='map-0-from']").fill("3")
    colmap.locator(".colmap-apply").click()
    expect(page.locator("#import-summary")).to_contain_text("可导入 1 道题")
    expect(page.locator("#colmap-0 summary")).to_contain_text("按您指定的列对应读取")
    shoot(page, "import-no-answer")
    page.click("#import-confirm")
    expect(page.locator("body")).to_contain_text("已导入 1 道题到“口答题”")
    row = page.locator(".bank-questions tr", has_text="请说出两种温室气体")
    expect(row).to_contain_text("简答题")
    expect(row).to_contain_text("B. 甲烷")
    expect(page.locator(".bank-questions")).not_to_contain_text("可再生能源")


def _thousand_rows():
    """A 1,000-question sheet (question n on sheet row n + 1); questions 250, 500 and 750
    have an answer that points nowhere."""
    rows = [["题目", "选项A", "选项B", "选项C", "答案"]]
    for n in range(1, 1001):
        rows.append([f"编号为{n}的题目", "甲", "乙", "丙", "Z" if n in (250, 500, 750) else "A"])
    return rows


def test_a_thousand_row_preview_is_paged_and_keeps_a_correction(page, tmp_path, shoot):
    path = tmp_path / "千行.xlsx"
    path.write_bytes(xlsx_bytes(_thousand_rows()))
    upload(page, path, "千题库")
    expect(page.locator("#import-summary")).to_contain_text("可导入 997 道题")
    expect(page.locator(".count-problems")).to_have_text("3")
    preview = page.locator(".bank-preview")
    expect(preview.locator("tbody tr")).to_have_count(100)  # one page, not 1,000 rows
    expect(preview).to_contain_text("编号为1的题目")
    expect(preview).not_to_contain_text("编号为101的题目")
    expect(page.locator("#import-pager-top .pager-where")).to_have_text("第 1 / 10 页")
    row250 = page.locator("fieldset.fix-row[data-row='251']")
    expect(row250.locator(".fix-reasons")).to_contain_text("无法识别答案“Z”")
    row250.locator(".fix-answer").fill("B")  # corrected here, then the organizer pages on
    shoot(page, "import-paged-1")
    page.locator("#import-pager-top .pager-next").click()
    expect(page.locator("#import-pager-top .pager-where")).to_have_text("第 2 / 10 页")
    expect(preview.locator("tbody tr")).to_have_count(100)
    first = preview.locator("tbody tr").first
    expect(first).to_contain_text("编号为101的题目")
    expect(first).to_contain_text("102")  # its sheet row
    expect(preview).to_contain_text("编号为200的题目")
    expect(preview).not_to_contain_text("编号为100的题目")
    expect(preview).not_to_contain_text("编号为201的题目")
    expect(page.locator("#import-summary")).to_contain_text("可导入 997 道题")
    shoot(page, "import-paged-2")
    page.click("#import-problems-only")
    expect(page.locator(".import-view")).to_contain_text("只显示有问题的行")
    expect(page.locator(".bank-preview")).to_have_count(0)
    rows = page.locator("fieldset.fix-row")
    expect(rows).to_have_count(3)
    expect(rows.locator("legend")).to_have_text(["Sheet1 · 行 251", "Sheet1 · 行 501",
                                                 "Sheet1 · 行 751"])
    # what is on screen (the column map's closed sample rows aside): only the flagged rows
    expect(page.locator("body")).not_to_contain_text("编号为1的题目", use_inner_text=True)
    fixed = page.locator("fieldset.fix-row[data-row='251']")
    expect(fixed.locator(".fix-answer")).to_have_value("B")  # kept across the pages
    expect(fixed.locator(".fix-action-fix")).to_be_checked()
    shoot(page, "import-paged-problems")
    page.click("#import-confirm")
    expect(page.locator("body")).to_contain_text("已导入 998 道题到“千题库”")
    page.fill("input[name=q]", "编号为250的题目")
    page.keyboard.press("Enter")
    found = page.locator(".bank-questions tr", has_text="编号为250的题目")
    expect(found.locator("td.answer")).to_contain_text("B")  # the corrected answer
