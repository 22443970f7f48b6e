"""First start: the demo bank and the demo contest are loaded into an empty database."""
import json

from quiz import startup
from quiz.record import store
from quiz.record.models import Contest


def test_demo_loads_once_into_an_empty_database(app):
    with app.app_context():
        contest = startup.load_demo()
        assert contest is not None
        assert [t.name for t in contest.teams] == ["红星队", "先锋队", "奋进队", "求是队"]
        state, _seq = store.load(contest.id)
        kinds = [r["kind"] for r in state["rounds"]]
        assert kinds == ["compulsory", "buzz", "wager", "all_answer"]
        # the drawn questions are real bank questions, none twice
        bank_ids = [q["bank_id"] for q in state["questions"].values()]
        assert all(bank_ids) and len(bank_ids) == len(set(bank_ids)) == 24
        assert startup.load_demo() is None  # not again
        assert Contest.query.count() == 1


def test_demo_contest_file_is_a_documented_contest_file():
    with open(startup.DEMO_DIR + "/contest.json", encoding="utf-8") as fh:
        spec = json.load(fh)
    assert {"name", "teams", "rounds"} <= set(spec)
