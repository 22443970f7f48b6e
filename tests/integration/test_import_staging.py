"""An import writes its rows in short transactions into a hidden staging bank and shows them
all in one tiny commit (question_bank/staging.py): mid-import nothing of it is seen (the bank
page, the lists, a contest's draw); a failure leaves nothing; a move into an existing bank cut
short by a crash is completed at the next start; a staging bank whose process died goes."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from question_bank import service, staging
from question_bank.models import Bank, Question
from quiz.base.extensions import db
from tests.unit.test_bank_sheets import xlsx_bytes

HEADER = ["题型", "题目", "A", "B", "C", "D", "答案", "分类"]


def sheet(first: int, count: int, category: str = "历史") -> bytes:
    rows = [["单选", f"第{n}题：{n}+1=?", str(n), str(n + 1), "x", "y", "B", category]
            for n in range(first, first + count)]
    return xlsx_bytes([HEADER] + rows)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(staging, "CHUNK", 2)
    monkeypatch.setattr(staging, "PAUSE_S", 0)


def all_rows() -> int:
    return db.session.scalar(select(func.count(Question.id)))


def test_mid_import_the_rows_are_in_no_list_count_draw_or_page(app, organizer_client,
                                                                small_chunks, monkeypatch):
    with app.app_context():
        assert service.import_files([("old.xlsx", sheet(0, 3, "旧"))], bank="old").ok
    seen = []
    real = service._insert_chunk

    def watched(values, questions, staging_id):
        real(values, questions, staging_id)
        db.session.commit()  # as staging.write does after each chunk
        if len(seen) == 1:  # the second chunk is in: four rows written, hidden
            page = organizer_client.get("/bank/").get_data(as_text=True)
            seen.append({
                "page": page,
                "banks": [(b.name, n) for b, n in service.banks()],
                "summary": [(b["name"], b["count"]) for b in service.bank_summary()],
                "draw": len(service.draw(count=100)),
                "found": len(service.find_questions()),
                "categories": service.categories(),
                "by_name": service.find_bank("new"),
                "by_id": service.find_bank(staging_id),
                "question": service.get_question(
                    db.session.scalar(select(func.max(Question.id)))),
                "stored": all_rows(),
                "edit": organizer_client.get(
                    f"/bank/question/{db.session.scalar(select(func.max(Question.id)))}"
                ).status_code,
            })
        else:
            seen.append(None)

    monkeypatch.setattr(service, "_insert_chunk", watched)
    with app.app_context():
        report = service.import_files([("new.xlsx", sheet(10, 5, "隐藏分类"))], bank="new")
        assert report.ok and report.imported == 5
        mid = seen[1]
        assert mid["stored"] == 3 + 4  # written already, and yet:
        assert mid["banks"] == [("old", 3)] and mid["summary"] == [("old", 3)]
        assert mid["draw"] == 3 and mid["found"] == 3 and mid["categories"] == ["旧"]
        assert mid["by_name"] is None and mid["by_id"] is None and mid["question"] is None
        assert mid["edit"] == 404
        assert "隐藏分类" not in mid["page"] and "10+1=?" not in mid["page"]
        assert "import " not in mid["page"]  # the staging bank's own name neither
        # after the last step: all five at once, in a bank of the organizer's name
        assert sorted((b.name, n) for b, n in service.banks()) == [("new", 5), ("old", 3)]
        assert db.session.scalar(select(func.count(Bank.id))) == 2
    page = organizer_client.get("/bank/").get_data(as_text=True)
    assert "14+1=?" in page


def test_a_failure_mid_write_leaves_nothing_anywhere(app, small_chunks, monkeypatch):
    with app.app_context():
        assert service.import_files([("a.xlsx", sheet(0, 2))], bank="kept").ok
    calls = []
    real = service._insert_chunk

    def failing(values, questions, staging_id):
        calls.append(staging_id)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(values, questions, staging_id)

    monkeypatch.setattr(service, "_insert_chunk", failing)
    for bank in ("kept", "fresh"):
        calls.clear()
        with app.app_context():
            report = service.import_files([("b.xlsx", sheet(50, 7))], bank=bank)
            assert not report.ok and "disk full" in report.error("en")
            assert report.imported == 0
            assert all_rows() == 2  # the four rows of the two chunks written are gone
            assert db.session.scalar(select(func.count(Bank.id))) == 1  # no staging bank
            assert service.find_bank("fresh") is None
            assert [(b.name, n) for b, n in service.banks()] == [("kept", 2)]


def test_a_move_cut_short_by_a_crash_is_completed_at_the_next_start(app, small_chunks,
                                                                     monkeypatch):
    with app.app_context():
        assert service.import_files([("a.xlsx", sheet(0, 2))], bank="kept").ok
    real_move, moving = staging.move, []

    def move(staging_id, target_id):
        moving.append(staging_id)
        real_move(staging_id, target_id)

    def sleep(seconds):
        if moving:
            raise KeyboardInterrupt("power cut")  # after the move's first chunk

    monkeypatch.setattr(staging, "move", move)
    monkeypatch.setattr(staging, "_sleep", sleep)
    with app.app_context():
        with pytest.raises(KeyboardInterrupt):
            service.import_files([("b.xlsx", sheet(50, 7))], bank="kept")
        db.session.rollback()
        kept = service.find_bank("kept")
        moved = db.session.scalar(select(func.count(Question.id))
                                  .where(Question.bank_id == kept.id))
        assert 2 < moved < 9  # some of the rows moved, not all
        left = db.session.get(Bank, moving[0])
        assert left.staging == staging.MOVING and left.staging_for == kept.id
    monkeypatch.setattr(staging, "_sleep", lambda s: None)
    with app.app_context():
        assert service.finish_interrupted_imports() == 1
        assert [(b.name, n) for b, n in service.banks()] == [("kept", 9)]
        assert db.session.scalar(select(func.count(Bank.id))) == 1
        stems = db.session.scalars(select(Question.stem).order_by(Question.id)).all()
        assert stems[-1] == "56+1=?"  # the sheet's order kept


def test_a_staging_bank_left_filling_by_a_dead_process_goes_after_an_hour(app, small_chunks):
    with app.app_context():
        assert service.import_files([("a.xlsx", sheet(0, 2))], bank="kept").ok
        kept = service.find_bank("kept")
        fresh, stale = staging.create(None), staging.create(kept.id)
        for bank_id in (fresh, stale):
            db.session.add(Question(bank_id=bank_id, type="single", stem=f"s{bank_id}",
                                    options=["a", "b"], answer=["A"], fingerprint=f"f{bank_id}"))
        db.session.get(Bank, stale).created_at = datetime.now(timezone.utc) - timedelta(hours=2)
        db.session.commit()
        assert service.finish_interrupted_imports() == 1
        assert db.session.get(Bank, stale) is None and db.session.get(Bank, fresh) is not None
        assert all_rows() == 3  # the live import's row stays, the dead one's went
        assert [(b.name, n) for b, n in service.banks()] == [("kept", 2)]
