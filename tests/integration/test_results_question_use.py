"""The bank remembers which questions each contest used; `exclude_used` skips them."""
import pytest

from tests.helpers import contest_spec
from tests.integration.test_results_export import host_do

bank_models = pytest.importorskip("question_bank.models")
pytest.importorskip("question_bank.service")

BANK = "决赛题库"
SIZE = 12


@pytest.fixture
def bank(app):
    """A bank of SIZE single-choice questions, built directly from the bank's tables."""
    from quiz.base.extensions import db

    with app.app_context():
        b = bank_models.Bank(name=BANK)
        db.session.add(b)
        db.session.flush()
        for i in range(SIZE):
            db.session.add(bank_models.Question(
                bank_id=b.id, type="single", stem=f"题库题 {i}", options=["1", "2", "3", "4"],
                answer=["B"], points=10, category="数学", fingerprint=f"fp-{i:04d}"))
        db.session.commit()
        return sorted(q.id for q in b.questions)


def drawing(count, **extra):
    return contest_spec(rounds=[{"kind": "buzz", "title": "抢答题",
                                 "draw": {"bank": BANK, "count": count}}], **extra)


def uses(app, code):
    from quiz.record.models import Contest, QuestionUse

    with app.app_context():
        contest = Contest.query.filter_by(code=code).one()
        return {u.bank_question_id for u in QuestionUse.query.filter_by(contest_id=contest.id)}


def drawn(app, code):
    """The bank ids in the contest's engine state."""
    import json

    from quiz.record.models import Contest, ContestSnapshot

    with app.app_context():
        contest = Contest.query.filter_by(code=code).one()
        snap = ContestSnapshot.query.filter_by(contest_id=contest.id, seq=0).one()
        state = json.loads(snap.state)
        return {q["bank_id"] for q in state["questions"].values()}


def test_second_contest_with_exclude_used_draws_none_of_the_first(app, bank, make_contest):
    first = make_contest(drawing(4, seed=1))
    used_first = uses(app, first["code"])
    assert len(used_first) == 4 and used_first == drawn(app, first["code"])
    assert used_first <= set(bank)

    second = make_contest(drawing(SIZE - 4, seed=2, exclude_used=True))
    used_second = uses(app, second["code"])
    assert used_second == drawn(app, second["code"])
    assert not used_first & used_second                      # none of the first's
    assert used_first | used_second == set(bank)             # the rest of the bank

    # the bank is used up: a third contest that excludes used questions cannot be made
    from quiz.setup.contests import SetupError, create_contest

    with app.app_context(), pytest.raises(SetupError, match="0 matching unused"):
        create_contest(drawing(1, exclude_used=True))

    # without exclude_used the bank's questions can be drawn again
    again = make_contest(drawing(SIZE, seed=3))
    assert uses(app, again["code"]) == set(bank)


def test_questions_drawn_during_a_contest_are_remembered(app, bank, make_contest, make_socket):
    first = make_contest(drawing(SIZE - 2, seed=4))
    host = make_socket(contest=first["code"], role="host", key=first["host_key"])
    host_do(host, "next")                                    # round intro
    host_do(host, "start_tiebreak", teams=first["teams"][:2])   # the server draws a question
    used = uses(app, first["code"])
    assert len(used) == SIZE - 1
    later = make_contest(drawing(1, exclude_used=True))
    assert uses(app, later["code"]) == set(bank) - used
