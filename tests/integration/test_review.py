"""The review of the drawn questions and the 题本, through the HTTP endpoints.

A contest drawing from the demo bank; the organizer swaps, moves, pins, redraws and sets
spares aside; every change is refused once the contest has started; the host's 换题 takes
the marked spare first.
"""
import os
import re

import pytest

from question_bank import service
from question_bank.models import Question
from quiz import startup
from quiz.base.extensions import db
from quiz.live import runtime
from quiz.record.models import Contest, QuestionUse
from tests.helpers import contest_spec, question
from tests.integration.test_permissions import csrf_app, csrf_token  # noqa: F401

ROUNDS = [
    {"kind": "buzz", "title": "抢答题", "draw": {"type": "single", "count": 3}},
    {"kind": "compulsory", "title": "必答题",
     "draw": {"type": "true_false", "category": "党史", "count": 2}},
    {"kind": "all_answer", "title": "全员答题", "questions": [question(stem="手写的题")]},
]


@pytest.fixture
def contest(app, make_contest):
    with app.app_context():
        report = service.import_files([os.path.join(startup.DEMO_DIR, "demo_bank.csv")],
                                      bank="演示题库")
        assert report.refused is None
        other = service.import_files([os.path.join(startup.DEMO_DIR, "demo_bank.csv")],
                                     bank="另一个题库")
        assert other.refused is None
    return make_contest(contest_spec(rounds=ROUNDS, bank="演示题库", seed=3))


def state_of(app, code):
    with app.app_context():
        return runtime.fresh(code).state


def round_questions(app, code, index):
    s = state_of(app, code)
    return [s["questions"][str(i)] for i in s["rounds"][index]["question_ids"]]


def setup_of(app, code):
    with app.app_context():
        db.session.expire_all()
        return Contest.query.filter_by(code=code).one().setup


def post(client, code, **form):
    return client.post(f"/contests/{code}/review", data=form)


def unused_single(app, code, bank="演示题库"):
    """A single-choice question of ``bank`` not in the contest."""
    s = state_of(app, code)
    held = {q["bank_id"] for q in s["questions"].values()}
    with app.app_context():
        b = service.find_bank(bank)
        return next(q.id for q in Question.query.filter_by(bank_id=b.id, type="single")
                    .order_by(Question.id) if q.id not in held)


def test_the_review_page_lists_each_round_in_order(app, contest, organizer_client):
    page = organizer_client.get(f"/contests/{contest['code']}/review").get_data(as_text=True)
    for index in range(3):
        stems = [q["stem"] for q in round_questions(app, contest["code"], index)]
        at = [page.index(s) for s in stems]
        assert at == sorted(at), stems
    assert "单选题" in page and "判断题" in page and "简单" in page and "党史" in page
    assert "打印题本" in page


def test_signed_out_visitors_are_sent_to_sign_in(client, contest):
    resp = client.get(f"/contests/{contest['code']}/review")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    resp = client.post(f"/contests/{contest['code']}/review", data={"action": "redraw",
                                                                      "round": 1})
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_swap_puts_the_chosen_bank_question_in_place(app, contest, organizer_client):
    code = contest["code"]
    before = round_questions(app, code, 0)
    chosen = unused_single(app, code)
    chooser = organizer_client.get(f"/contests/{code}/review?choose=1&slot={before[1]['id']}")
    with app.app_context():
        stem = db.session.get(Question, chosen).stem
    assert stem in chooser.get_data(as_text=True)
    resp = post(organizer_client, code, action="swap", round=1, question=before[1]["id"],
                bank_question=chosen)
    assert resp.status_code == 303
    after = round_questions(app, code, 0)
    assert [q["bank_id"] for q in after] == [before[0]["bank_id"], chosen, before[2]["bank_id"]]
    with app.app_context():
        uses = {u.bank_question_id for u in QuestionUse.query.filter_by(
            contest_id=db.session.get(Contest, Contest.query.filter_by(code=code).one().id).id)}
    assert chosen in uses and before[1]["bank_id"] not in uses


def test_the_chooser_lists_only_fitting_unused_questions(app, contest, organizer_client):
    code = contest["code"]
    held = {q["bank_id"] for q in state_of(app, code)["questions"].values()}
    page = organizer_client.get(f"/contests/{code}/review?choose=2&slot=4").get_data(
        as_text=True)
    with app.app_context():
        b = service.find_bank("演示题库")
        fits = Question.query.filter_by(bank_id=b.id, type="true_false", category="党史").all()
        other = Question.query.filter_by(bank_id=b.id, type="single").first()
    free = [q for q in fits if q.id not in held]
    assert free and all(q.stem in page for q in free)
    assert other.stem not in page.split('id="chooser"')[1].split("</section>")[0]
    searched = organizer_client.get(
        f"/contests/{code}/review?choose=2&slot=4&q={free[0].stem[:6]}").get_data(as_text=True)
    assert searched.count('class="choice"') >= 1


@pytest.mark.parametrize("case", ["other_bank", "wrong_type", "unknown", "already_used"])
def test_swap_refuses_a_question_that_does_not_fit(app, contest, organizer_client, case):
    code = contest["code"]
    before = round_questions(app, code, 0)
    with app.app_context():
        if case == "other_bank":
            bank_q = unused_single(app, code, bank="另一个题库")
        elif case == "wrong_type":
            held = {q["bank_id"] for q in state_of(app, code)["questions"].values()}
            bank_q = next(q.id for q in Question.query.filter_by(type="true_false")
                          if q.id not in held)
        elif case == "unknown":
            bank_q = 999999
        else:
            bank_q = before[2]["bank_id"]
    resp = post(organizer_client, code, action="swap", round=1, question=before[0]["id"],
                bank_question=bank_q)
    assert resp.status_code in (400, 404, 409)
    text = resp.get_data(as_text=True)
    assert 'id="review-error"' in text
    assert {"other_bank": "不符合", "wrong_type": "不符合", "unknown": "不在题库",
            "already_used": "已在本场"}[case] in text
    assert round_questions(app, code, 0) == before


def test_unknown_round_and_question_ids_are_refused(app, contest, organizer_client):
    code = contest["code"]
    assert post(organizer_client, code, action="up", round=99, question=1).status_code == 404
    assert post(organizer_client, code, action="up", round=1, question=999).status_code == 404
    assert post(organizer_client, code, action="pin", round="x", question=1).status_code == 400
    assert post(organizer_client, code, action="nonsense", round=1).status_code == 400
    assert organizer_client.get("/contests/000000/review").status_code == 404


def test_move_and_pin_and_redraw_keep_pinned_questions(app, contest, organizer_client):
    code = contest["code"]
    first = round_questions(app, code, 0)
    assert post(organizer_client, code, action="down", round=1,
                question=first[0]["id"]).status_code == 303
    moved = round_questions(app, code, 0)
    assert [q["id"] for q in moved] == [first[1]["id"], first[0]["id"], first[2]["id"]]
    assert post(organizer_client, code, action="pin", round=1,
                question=first[0]["id"]).status_code == 303
    assert setup_of(app, code)["review"]["pinned"]["1"] == [first[0]["id"]]
    resp = post(organizer_client, code, action="redraw", round=1)
    assert resp.status_code == 303
    after = round_questions(app, code, 0)
    assert after[1] == moved[1]                         # the pinned one, in its place
    assert after[0]["bank_id"] != moved[0]["bank_id"]
    assert after[2]["bank_id"] != moved[2]["bank_id"]
    assert all(q["type"] == "single" for q in after)
    assert len({q["bank_id"] for q in state_of(app, code)["questions"].values()
                if q["bank_id"]}) == 5
    page = organizer_client.get(f"/contests/{code}/review").get_data(as_text=True)
    assert "重新抽题" in page and "2 道题已替换" in page


def test_redraw_keeps_questions_written_in_the_file(app, contest, organizer_client):
    code = contest["code"]
    before = round_questions(app, code, 2)
    assert post(organizer_client, code, action="redraw", round=3).status_code == 303
    assert round_questions(app, code, 2) == before


def test_spares_are_marked_removed_and_listed_on_the_sheet(app, contest, organizer_client):
    code = contest["code"]
    spare = unused_single(app, code)
    assert post(organizer_client, code, action="spare", round=1,
                bank_question=spare).status_code == 303
    assert setup_of(app, code)["review"]["spares"]["1"] == [spare]
    sheet = organizer_client.get(f"/contests/{code}/sheet").get_data(as_text=True)
    with app.app_context():
        stem = db.session.get(Question, spare).stem
    assert "备用题" in sheet and stem in sheet
    # a spare is in the contest now: the chooser no longer offers it, nor may it be swapped in
    q0 = round_questions(app, code, 0)[0]
    resp = post(organizer_client, code, action="swap", round=1, question=q0["id"],
                bank_question=spare)
    assert resp.status_code == 409
    assert post(organizer_client, code, action="spare", round=1,
                bank_question=spare).status_code == 303
    assert setup_of(app, code)["review"]["spares"]["1"] == []


def test_the_sheet_lists_questions_answers_and_explanations_in_order(app, contest,
                                                                       organizer_client):
    code = contest["code"]
    sheet = organizer_client.get(f"/contests/{code}/sheet").get_data(as_text=True)
    assert "测试竞赛" in sheet and code in sheet
    stems = [q["stem"] for i in range(3) for q in round_questions(app, code, i)]
    at = [sheet.index(s) for s in stems]
    assert at == sorted(at)
    for q in round_questions(app, code, 1):          # true/false: 对 / 错, and the explanation
        answer = "对" if q["answer"] == ["true"] else "错"
        block = sheet[sheet.index(q["stem"]):][:600]
        assert f"答案：</b>{answer}" in block
        if q["explanation"]:
            assert q["explanation"][:10] in block
    english = organizer_client.get(f"/contests/{code}/sheet?lang=en").get_data(as_text=True)
    assert "Question sheet for the host" in english and "Answer" in english


def test_only_the_organizer_or_this_host_sees_the_sheet(app, contest, client, make_contest):
    code = contest["code"]
    resp = client.get(f"/contests/{code}/sheet")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    other = make_contest(contest_spec(name="另一场"))
    client.post(f"/host/{other['code']}", data={"key": other["host_key"]})
    resp = client.get(f"/contests/{code}/sheet")              # a host of another contest
    assert resp.status_code == 403 and "只有" in resp.get_data(as_text=True)
    client.post(f"/host/{code}", data={"key": contest["host_key"]})
    resp = client.get(f"/contests/{code}/sheet")
    assert resp.status_code == 200 and "答案" in resp.get_data(as_text=True)
    assert client.get(f"/contests/{code}/review").status_code == 302   # review: organizer only


def test_every_change_is_refused_once_the_contest_has_started(app, contest, organizer_client,
                                                              make_socket):
    code = contest["code"]
    host = make_socket(contest=code, role="host", key=contest["host_key"])
    assert host.emit("host", {"action": "next"}, callback=True)["ok"]
    before = state_of(app, code)["rounds"]
    q = before[0]["question_ids"]
    spare = unused_single(app, code)
    for form in ({"action": "swap", "round": 1, "question": q[0], "bank_question": spare},
                 {"action": "down", "round": 1, "question": q[0]},
                 {"action": "pin", "round": 1, "question": q[0]},
                 {"action": "redraw", "round": 1},
                 {"action": "spare", "round": 1, "bank_question": spare}):
        resp = post(organizer_client, code, **form)
        assert resp.status_code == 409, form
        assert "比赛已经开始" in resp.get_data(as_text=True)
    english = organizer_client.post(f"/contests/{code}/review?lang=en",
                                    data={"action": "redraw", "round": 1})
    assert english.status_code == 409 and "The contest has started" in english.get_data(
        as_text=True)
    assert state_of(app, code)["rounds"] == before
    assert "review" not in setup_of(app, code)
    page = organizer_client.get(f"/contests/{code}/review").get_data(as_text=True)
    assert 'id="review-locked"' in page and re.search(r"<button[^>]*disabled", page)


def test_the_host_swap_takes_the_marked_spares_first(app, contest, organizer_client,
                                                     make_socket):
    code = contest["code"]
    with app.app_context():
        b = service.find_bank("演示题库")
        held = {q["bank_id"] for q in runtime.fresh(code).state["questions"].values()}
        spares = [q.id for q in Question.query.filter_by(bank_id=b.id, type="single")
                  .order_by(Question.id.desc()) if q.id not in held][:2]
    for s in spares:
        assert post(organizer_client, code, action="spare", round=1,
                    bank_question=s).status_code == 303
    host = make_socket(contest=code, role="host", key=contest["host_key"])
    host.emit("host", {"action": "next"}, callback=True)
    host.emit("host", {"action": "show_question"}, callback=True)
    last = [m["args"][0] for m in host.get_received() if m["name"] == "state"][-1]
    taken = []
    for _ in range(3):
        ack = host.emit("host", {"action": "swap_question",
                                 "question": last["question"]["id"]}, callback=True)
        assert ack["ok"], (ack, taken, spares)
        last = [m["args"][0] for m in host.get_received() if m["name"] == "state"][-1]
        taken.append(last["question"]["bank_id"])
    assert taken[:2] == spares                 # the spares, in the order they were marked
    assert taken[2] not in spares              # then the bank
    with app.app_context():
        contest_id = Contest.query.filter_by(code=code).one().id
        uses = {u.bank_question_id for u in QuestionUse.query.filter_by(contest_id=contest_id)}
    assert set(spares) <= uses


def test_review_changes_need_the_csrf_token(csrf_app):  # noqa: F811 (the fixture)
    from tests.conftest import ADMIN_PASSWORD

    browser = csrf_app.test_client()
    token = csrf_token(browser.get("/login").data)
    assert browser.post("/login", data={"password": ADMIN_PASSWORD,
                                        "csrf_token": token}).status_code == 302
    with csrf_app.app_context():
        from quiz.setup.contests import create_contest
        code = create_contest(contest_spec()).code
    before = state_of(csrf_app, code)["rounds"]
    first = before[0]["question_ids"][0]
    refused = browser.post(f"/contests/{code}/review",
                           data={"action": "down", "round": 1, "question": first})
    assert refused.status_code == 400
    assert state_of(csrf_app, code)["rounds"] == before
    token = csrf_token(browser.get(f"/contests/{code}/review").data)   # the page's own forms
    done = browser.post(f"/contests/{code}/review", data={
        "action": "down", "round": 1, "question": first, "csrf_token": token})
    assert done.status_code == 303
    assert state_of(csrf_app, code)["rounds"][0]["question_ids"][1] == first


def test_the_record_replays_a_reviewed_contest_exactly(app, contest, organizer_client,
                                                       make_socket):
    from quiz.record import results

    code = contest["code"]
    first = round_questions(app, code, 0)
    post(organizer_client, code, action="down", round=1, question=first[0]["id"])
    post(organizer_client, code, action="redraw", round=2)
    host = make_socket(contest=code, role="host", key=contest["host_key"])
    for action in ("next", "show_question"):
        assert host.emit("host", {"action": action}, callback=True)["ok"]
    shown = [m["args"][0] for m in host.get_received() if m["name"] == "state"][-1]
    assert shown["question"]["stem"] == first[1]["stem"]      # the moved order is played
    with app.app_context():
        record = results.load_record(Contest.query.filter_by(code=code).one())
    assert record["checks"]["replay_matches_state"] is True


def test_a_wager_round_keeps_each_place_s_value_through_swap_and_redraw(app, make_contest,
                                                                        organizer_client):
    with app.app_context():
        service.import_files([os.path.join(startup.DEMO_DIR, "demo_bank.csv")], bank="演示题库")
    code = make_contest(contest_spec(bank="演示题库", rounds=[
        {"kind": "wager", "title": "风险题", "draw": [
            {"type": "single", "count": 2, "level": 10},
            {"type": "single", "count": 1, "level": 30}]}]))["code"]
    before = round_questions(app, code, 0)
    assert [q["level"] for q in before] == [10, 10, 30]
    spare = unused_single(app, code)
    assert post(organizer_client, code, action="swap", round=1, question=before[2]["id"],
                bank_question=spare).status_code == 303
    assert post(organizer_client, code, action="redraw", round=1).status_code == 303
    after = round_questions(app, code, 0)
    assert [q["level"] for q in after] == [10, 10, 30]
    # the redraw replaced what the round held (the swapped-out question may come back)
    assert not {q["bank_id"] for q in after} & ({q["bank_id"] for q in before[:2]} | {spare})
    page = organizer_client.get(f"/contests/{code}/sheet").get_data(as_text=True)
    assert "30 分" in page and "10 分" in page
