"""The bank management endpoints: banks, questions by hand, bulk changes, paging, refusals.

The pages' own controls are pressed in tests/e2e/test_bank_manage.py; here each endpoint's rules
and refusals are checked, in both languages, and what it changed is read back from the database.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from question_bank import manage, service
from question_bank.models import Bank, Question
from quiz.base.extensions import db
from tests.helpers import contest_spec
from tests.unit.test_bank_sheets import xlsx_bytes
from tests.unit.test_media_sheet import png

from .test_bank_import import GOOD


def text(resp) -> str:
    return resp.get_data(as_text=True)


def import_into(app, name, rows=GOOD):
    with app.app_context():
        report = service.import_files([("q.xlsx", xlsx_bytes(rows))], bank=name)
        assert report.ok and report.imported
        return service.find_bank(name).id


def bank_id(app, name):
    with app.app_context():
        found = service.find_bank(name)
        return found.id if found else None


def questions(app, bank):
    with app.app_context():
        return {q.stem: q for q in db.session.scalars(
            select(Question).where(Question.bank_id == bank_id(app, bank)))}


def count_all(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Question.id)))


def invalid_fields(html) -> set[str]:
    """The names of the form fields the page highlights."""
    return set(re.findall(r'name="([\w-]+)"[^>]*class="invalid"', html))


# --------------------------------------------------------------------------- banks


def test_create_and_rename_banks_with_refusals_named(organizer_client, app):
    c = organizer_client
    resp = c.post("/bank/banks/new", data={"name": "  县赛  2026 "})
    assert resp.status_code == 302 and bank_id(app, "县赛 2026")
    page = text(c.get(resp.headers["Location"]))
    assert "已创建题库“县赛 2026”。" in page
    for name, zh, en in [
        ("", "题库名称：请填写题库名称。", "Bank name: Give the bank a name."),
        ("县赛 2026", "已有名为“县赛 2026”的题库。", "A bank named 县赛 2026 already exists."),
        ("x" * 121, "最多 120 个字", "at most 120 characters"),
    ]:
        resp = c.post("/bank/banks/new?lang=zh_CN", data={"name": name})
        assert resp.status_code == 422 and zh in text(resp)
        assert 'id="bank-new-error"' in text(resp) and "name" in invalid_fields(text(resp))
        resp = c.post("/bank/banks/new?lang=en", data={"name": name})
        assert resp.status_code == 422 and en in text(resp)
    with app.app_context():
        assert db.session.scalar(select(func.count(Bank.id))) == 1
    other = manage_id = bank_id(app, "县赛 2026")
    c.post("/bank/banks/new", data={"name": "复赛"})
    resp = c.post(f"/bank/bank/{manage_id}/rename?lang=en", data={"name": "复赛"})
    assert resp.status_code == 422 and "A bank named 复赛 already exists." in text(resp)
    resp = c.post(f"/bank/bank/{other}/rename", data={"name": "初赛"})
    assert resp.status_code == 302 and bank_id(app, "初赛") == other
    assert c.get("/bank/bank/9999").status_code == 404


def test_bank_delete_asks_first_and_names_count_and_contests(organizer_client, app,
                                                             make_contest):
    bid = import_into(app, "旧题库")
    make_contest(contest_spec(name="去年的决赛", rounds=[
        {"kind": "buzz", "draw": {"bank": "旧题库", "count": 2}}]))
    c = organizer_client
    for asked in (c.get(f"/bank/bank/{bid}/delete"), c.post(f"/bank/bank/{bid}/delete")):
        page = text(asked)
        assert asked.status_code == 200 and 'id="confirm-yes"' in page
        assert "其中的 4 道题将一并删除。" in page and "去年的决赛（2 道题）" in page
    assert bank_id(app, "旧题库") == bid and count_all(app) == 4
    english = text(c.get(f"/bank/bank/{bid}/delete?lang=en"))
    assert "Questions deleted with it: 4." in english and "去年的决赛 (questions: 2)" in english
    resp = c.post(f"/bank/bank/{bid}/delete", data={"confirm": "1"})
    assert resp.status_code == 302 and bank_id(app, "旧题库") is None and count_all(app) == 0
    # the message is in the language of the request that deleted (the cookie: English)
    assert "Deleted the bank 旧题库 with its questions: 4." in text(c.get("/bank/"))


def test_merge_moves_reports_duplicates_and_removes_the_source(organizer_client, app):
    a = import_into(app, "甲", GOOD)
    new = ["单选", "新题？", "x", "y", "", "", "A", "", ""]
    b = import_into(app, "乙", [GOOD[0], GOOD[1], new])
    c = organizer_client
    asked = text(c.post(f"/bank/bank/{b}/merge", data={"into": str(a)}))
    assert "“乙”中的 1 道题将移入“甲”。" in asked
    assert "1 道题在“甲”中已有相同的题目，将被去掉。" in asked and "与 #1 相同" in asked
    assert bank_id(app, "乙") == b  # nothing yet
    resp = c.post(f"/bank/bank/{b}/merge", data={"into": str(a), "confirm": "1"})
    assert resp.status_code == 302 and bank_id(app, "乙") is None
    assert set(questions(app, "甲")) == {g[1] for g in GOOD[1:]} | {"新题？"}
    refused = c.post(f"/bank/bank/{a}/merge?lang=en", data={"into": str(a)})
    assert refused.status_code == 422 and "Choose another bank to merge into." in text(refused)
    assert "Merge into: Choose another bank" in text(refused)


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize("fields, stored", [
    ({"type": "single", "stem": "首都？", "options": ["上海", "北京", ""], "correct": ["B"]},
     ("single", ["上海", "北京"], ["B"])),
    ({"type": "multiple", "stem": "偶数？", "options": ["2", "3", "4"], "correct": ["A", "C"]},
     ("multiple", ["2", "3", "4"], ["A", "C"])),
    ({"type": "multiple", "stem": "typed", "options": ["2", "3", "4"], "answer": "ac",
      "correct": ["B"]}, ("multiple", ["2", "3", "4"], ["A", "C"])),  # the typed answer wins
    ({"type": "true_false", "stem": "地球是圆的", "tf": "true", "options": ["left", "over"]},
     ("true_false", [], ["true"])),
    ({"type": "fill_blank", "stem": "首都____", "answer": "北京|Beijing"},
     ("fill_blank", [], ["北京", "Beijing"])),
    ({"type": "open", "stem": "谈谈安全"}, ("open", [], [])),
])
def test_a_question_of_each_type_by_hand(organizer_client, app, fields, stored):
    bid = import_into(app, "手工", GOOD[:2])
    data = {"bank": str(bid), "points": "20", "difficulty": "hard", "category": "常识",
            "explanation": "因为", **fields}
    resp = organizer_client.post("/bank/question/new", data=data)
    assert resp.status_code == 302, text(resp)
    q = questions(app, "手工")[fields["stem"]]
    assert (q.type, q.options, q.answer) == stored
    assert (q.points, q.difficulty, q.category, q.explanation) == (20, "hard", "常识", "因为")


def test_true_false_and_difficulty_read_in_the_persons_language(organizer_client, app):
    import_into(app, "判断", GOOD)
    zh = text(organizer_client.get("/bank/?lang=zh_CN&type=true_false"))
    assert '<td class="answer">对</td>' in zh
    en = text(organizer_client.get("/bank/?lang=en&type=true_false"))
    assert '<td class="answer">True</td>' in en
    with app.app_context():
        manage.set_fields(select(Question.id), difficulty="medium")
    assert "<td>中等</td>" in text(organizer_client.get("/bank/?lang=zh_CN"))
    assert "<td>Medium</td>" in text(organizer_client.get("/bank/?lang=en"))


@pytest.mark.parametrize("fields, field, zh, en", [
    ({"type": "single", "stem": "", "options": ["a", "b"], "answer": "A"}, "stem",
     "题目：题目为空。", "Question: The question text is empty."),
    ({"type": "single", "stem": "x", "options": ["a", "b"], "answer": "E"}, "answer",
     "答案：答案“E”指向不存在的选项。", "Answer: The answer 'E' points to an option"),
    ({"type": "single", "stem": "x", "options": ["a"], "answer": "A"}, "",
     "选择题至少需要 2 个选项。", "A choice question needs at least 2 options."),
    ({"type": "multiple", "stem": "x", "options": ["a", "b"]}, "answer",
     "答案：缺少答案。", "Answer: The answer is missing."),
    ({"type": "single", "stem": "x", "options": ["a", "b"], "answer": "A", "points": "十"},
     "points", "分值：“十”不是有效的数字。", "Points: '十' is not a valid number."),
    ({"type": "true_false", "stem": "x"}, "answer", "答案：缺少答案。",
     "Answer: The answer is missing."),
])
def test_refused_question_names_and_highlights_the_field(organizer_client, app, fields, field,
                                                         zh, en):
    bid = import_into(app, "手工", GOOD[:2])
    before = count_all(app)
    for lang, message in (("zh_CN", zh), ("en", en)):
        resp = organizer_client.post(f"/bank/question/new?lang={lang}",
                                     data={"bank": str(bid), **fields})
        page = text(resp)
        assert resp.status_code == 422 and message in page.replace("&#39;", "'")
        if field:
            assert field in invalid_fields(page)
    assert count_all(app) == before


def test_duplicate_is_refused_in_the_same_bank_and_taken_in_another(organizer_client, app):
    a = import_into(app, "甲", GOOD)
    organizer_client.post("/bank/banks/new", data={"name": "乙"})
    original = questions(app, "甲")["1+1=?"]
    form = text(organizer_client.get(f"/bank/question/new?from={original.id}"))
    assert "复制自 #" in form and ">1+1=?</textarea>" in form
    data = {"bank": str(a), "type": "single", "stem": "1+1=?", "options": ["1", "2", "3", "4"],
            "answer": "B", "points": "10"}
    refused = organizer_client.post(f"/bank/question/new?from={original.id}", data=data)
    assert refused.status_code == 422
    assert f"题目：本题库中已有相同的题目（#{original.id}）。" in text(refused)
    assert "stem" in invalid_fields(text(refused))
    data["bank"] = str(bank_id(app, "乙"))
    assert organizer_client.post(f"/bank/question/new?from={original.id}",
                                 data=data).status_code == 302
    assert "1+1=?" in questions(app, "乙") and "1+1=?" in questions(app, "甲")


def test_duplicate_keeps_the_media_and_new_takes_a_file(organizer_client, app):
    bid = import_into(app, "图", GOOD[:2])
    resp = organizer_client.post(
        "/bank/question/new",
        data={"bank": str(bid), "type": "open", "stem": "看图说话",
              "file": (io.BytesIO(png(20, 10)), "pic.png")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    q = questions(app, "图")["看图说话"]
    assert [link.media.width for link in q.media_links] == [20]
    organizer_client.post(f"/bank/question/new?from={q.id}",
                          data={"bank": str(bid), "type": "open", "stem": "看图说话 2"})
    copy = questions(app, "图")["看图说话 2"]
    assert [link.sha256 for link in copy.media_links] == [q.media_links[0].sha256]
    bad = organizer_client.post(
        "/bank/question/new?lang=en",
        data={"bank": str(bid), "type": "open", "stem": "坏图",
              "file": (io.BytesIO(b"not a picture"), "x.png")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "file" in invalid_fields(text(bad))
    assert "坏图" in questions(app, "图")  # the question stays; the page says the file did not


def test_move_through_the_edit_form_and_refused_when_the_bank_has_it(organizer_client, app):
    a = import_into(app, "甲", GOOD)
    b = import_into(app, "乙", GOOD[:2])
    q = questions(app, "甲")["哪些是偶数？"]
    form = {"bank": str(b), **manage_form(app, q.id)}
    assert organizer_client.post(f"/bank/question/{q.id}", data=form).status_code == 302
    assert "哪些是偶数？" in questions(app, "乙")
    same = questions(app, "甲")["1+1=?"]
    refused = organizer_client.post(f"/bank/question/{same.id}",
                                    data={**manage_form(app, same.id), "bank": str(b)})
    assert refused.status_code == 422 and "本题库中已有相同的题目" in text(refused)
    assert questions(app, "甲")["1+1=?"].bank_id == a


def manage_form(app, qid) -> dict:
    with app.app_context():
        values = manage.form_values(db.session.get(Question, qid))
    values.pop("bank")
    return values


def test_question_delete_asks_first(organizer_client, app, make_contest):
    import_into(app, "甲", GOOD)
    q = questions(app, "甲")["地球是圆的"]
    asked = organizer_client.get(f"/bank/question/{q.id}/delete?next=/bank/%3Fbank%3D1")
    assert 'id="confirm-yes"' in text(asked) and "没有比赛使用这些题目。" in text(asked)
    assert "地球是圆的" in questions(app, "甲")
    resp = organizer_client.post(f"/bank/question/{q.id}/delete",
                                 data={"confirm": "1", "next": "/bank/?bank=1"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/bank/?bank=1")
    assert "地球是圆的" not in questions(app, "甲")


@pytest.mark.parametrize("evil", ["//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                                  "https://evil.example/", "/bank/\nSet-Cookie:x"])
def test_next_stays_on_this_site(organizer_client, app, evil):
    import_into(app, "甲", GOOD)
    q = questions(app, "甲")["1+1=?"]
    resp = organizer_client.post(f"/bank/question/{q.id}",
                                 data={**manage_form(app, q.id), "next": evil})
    assert resp.status_code == 302 and resp.headers["Location"] == "/bank/"
    page = text(organizer_client.get(f"/bank/question/{q.id}", query_string={"next": evil}))
    assert 'href="/bank/" id="q-cancel"' in page


# --------------------------------------------------------------------------- bulk


def test_bulk_move_counts_duplicates_and_asks_first(organizer_client, app):
    import_into(app, "甲", GOOD)
    b = import_into(app, "乙", GOOD[:2])
    ids = [str(q.id) for q in questions(app, "甲").values()]
    data = {"action": "move", "target": str(b), "ids": ids, "next": "/bank/"}
    asked = text(organizer_client.post("/bank/bulk", data=data))
    assert "3 道题将移到“乙”。" in asked and "1 道题留在原处" in asked
    assert len(questions(app, "甲")) == 4
    resp = organizer_client.post("/bank/bulk", data={**data, "confirm": "1"})
    assert resp.status_code == 302
    assert list(questions(app, "甲")) == ["1+1=?"] and len(questions(app, "乙")) == 4
    refused = organizer_client.post("/bank/bulk?lang=en", data={**data, "target": ""})
    assert refused.status_code == 422 and "target" in invalid_fields(text(refused))


def test_bulk_by_filter_tags_and_deletes_only_what_matches(organizer_client, app, make_contest):
    import_into(app, "甲", GOOD)
    b = bank_id(app, "甲")
    make_contest(contest_spec(rounds=[
        {"kind": "buzz", "draw": {"bank": "甲", "type": "single", "count": 1}}]))
    # never used: the three others
    unused = text(organizer_client.get(f"/bank/?bank={b}&unused=1"))
    assert "共 3 道" in unused and "1+1=?" not in unused
    tag = {"action": "category", "category": "  常识 ", "scope": "filter"}
    asked = text(organizer_client.post(f"/bank/bulk?bank={b}&unused=1", data=tag))
    assert "3 道题的分类将设为“常识”。" in asked
    assert f'action="/bank/bulk?bank={b}&amp;unused=1"' in asked  # the filters ride along
    organizer_client.post(f"/bank/bulk?bank={b}&unused=1", data={**tag, "confirm": "1"})
    cats = {s: q.category for s, q in questions(app, "甲").items()}
    assert cats == {"1+1=?": "数学", "哪些是偶数？": "常识", "地球是圆的": "常识",
                    "中国的首都是____": "常识"}
    asked = text(organizer_client.post(f"/bank/bulk?bank={b}&type=single",
                                       data={"action": "delete", "scope": "filter"}))
    assert "将从题库中删除 1 道题。" in asked and "测试竞赛（1 道题）" in asked
    organizer_client.post(f"/bank/bulk?bank={b}&type=single",
                          data={"action": "delete", "scope": "filter", "confirm": "1"})
    assert set(questions(app, "甲")) == {"哪些是偶数？", "地球是圆的", "中国的首都是____"}
    bad = organizer_client.post("/bank/bulk?lang=en", data={
        "action": "difficulty", "difficulty": "extreme", "scope": "filter"})
    assert bad.status_code == 422 and "Choose easy, medium or hard." in text(bad)
    none = organizer_client.post("/bank/bulk", data={"action": "delete", "next": "/bank/"})
    assert none.status_code == 302 and count_all(app) == 3


# --------------------------------------------------------------------------- list, paging


def test_list_is_paged_and_the_page_links_keep_the_filters(organizer_client, app):
    rows = [GOOD[0]] + [["单选", f"问题 {n} 是什么？", "a", "b", "", "", "A", "", "分页"]
                        for n in range(1, 121)]
    b = import_into(app, "大", rows)
    page = text(organizer_client.get(f"/bank/?bank={b}&category=分页&page=2&lang=zh_CN"))
    assert page.count('name="ids"') == 50 and "第 2 / 3 页" in page
    assert f"/bank/?bank={b}&amp;category=%E5%88%86%E9%A1%B5&amp;page=3" in page
    assert "问题 70 是什么？" in page and "问题 71 是什么？" not in page  # newest first
    last = text(organizer_client.get(f"/bank/?bank={b}&page=99"))
    assert last.count('name="ids"') == 20  # past the end: the last page
    found = text(organizer_client.get(f"/bank/?bank={b}&q=问题 7 是什么？"))
    assert found.count('name="ids"') == 1
    by_id = questions(app, "大")["问题 33 是什么？"].id
    assert text(organizer_client.get(f"/bank/?q=%23{by_id}")).count('name="ids"') >= 1


# --------------------------------------------------------------------------- guards


def test_every_management_page_needs_the_organizer(client, app):
    bid = import_into(app, "甲", GOOD)
    for method, url in [("get", "/bank/question/new"), ("post", "/bank/question/new"),
                        ("post", "/bank/banks/new"), ("get", f"/bank/bank/{bid}"),
                        ("post", f"/bank/bank/{bid}/rename"), ("post", f"/bank/bank/{bid}/merge"),
                        ("post", f"/bank/bank/{bid}/delete"), ("get", "/bank/question/1/delete"),
                        ("post", "/bank/bulk"), ("post", "/bank/delete")]:
        resp = getattr(client, method)(url, data={"confirm": "1", "name": "x"})
        assert resp.status_code in (302, 401, 403), url
    assert bank_id(app, "甲") == bid and count_all(app) == 4


def test_writes_need_the_csrf_token(organizer_client, app):
    bid = import_into(app, "甲", GOOD)
    app.config["WTF_CSRF_ENABLED"] = True
    for url, data in [("/bank/banks/new", {"name": "x"}),
                      (f"/bank/bank/{bid}/delete", {"confirm": "1"}),
                      ("/bank/bulk", {"action": "delete", "scope": "filter", "confirm": "1"}),
                      ("/bank/question/new", {"bank": str(bid), "type": "open", "stem": "s"})]:
        assert organizer_client.post(url, data=data).status_code == 400, url
    assert bank_id(app, "x") is None and count_all(app) == 4
    page = text(organizer_client.get(f"/bank/bank/{bid}/delete"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = organizer_client.post(f"/bank/bank/{bid}/delete",
                                 data={"confirm": "1", "csrf_token": token})
    assert resp.status_code == 302 and bank_id(app, "甲") is None


def test_moving_the_same_question_from_two_banks_moves_one(app):
    a = import_into(app, "甲", GOOD[:2])
    c = import_into(app, "丙", GOOD[:2])
    with app.app_context():
        target = manage.create_bank("乙")
        ids = select(Question.id).where(Question.bank_id.in_([a, c]))
        plan = manage.move_questions(ids, target.id)
        assert len(plan.moving) == 1 and len(plan.duplicates) == 1
        assert plan.duplicates[0][1] == plan.moving[0]  # "the same as" the one that moved
    assert list(questions(app, "乙")) == ["1+1=?"]
    assert len(questions(app, "甲")) + len(questions(app, "丙")) == 1
