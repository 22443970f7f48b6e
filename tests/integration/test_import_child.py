"""Big imports are read in a child process (quiz/base/offloop.py ``run_in_process``): a thread
shares the interpreter with the live loop, a child does not. Here the child is really started
(``python -m quiz.base.child``) with the app the factory makes from this app's config: what it
imports is in the bank this app reads, its refusal comes back as the organizer's report, and
an exception in it is raised here."""
import os

import pytest
from flask import current_app
from sqlalchemy import func, select

from question_bank import service
from question_bank.models import Question
from quiz.base import offloop
from quiz.base.extensions import db
from quiz.factory import create_app
from tests.unit.test_bank_sheets import xlsx_bytes


def where_am_i():
    return os.getpid(), current_app.config["SQLALCHEMY_DATABASE_URI"]


def explode():
    raise ValueError("boom in the child")


@pytest.fixture
def children(monkeypatch):
    monkeypatch.setattr(offloop, "CHILD_MIN_BYTES", 0)
    offloop.use_processes(create_app)
    yield
    offloop.use_processes(None)


def test_the_work_runs_in_another_process_on_the_same_database(app, children):
    with app.app_context():
        pid, url = offloop.run_in_process(where_am_i, weight=1)
        assert pid != os.getpid() and url == app.config["SQLALCHEMY_DATABASE_URI"]
        with pytest.raises(ValueError, match="boom in the child"):
            offloop.run_in_process(explode, weight=1)


def test_an_import_read_in_a_child_lands_in_the_bank_and_a_refusal_comes_back(app, children):
    rows = [["题型", "题目", "A", "B", "答案"], ["单选", "1+1=?", "1", "2", "B"],
            ["判断", "地球是圆的", "", "", "对"]]
    with app.app_context():
        report = service.import_files([("a.xlsx", xlsx_bytes(rows))], bank="子进程")
        assert report.ok and report.imported == 2
        assert db.session.scalar(select(func.count(Question.id))) == 2
        assert service.find_bank("子进程") is not None
        broken = service.import_files([("b.xlsx", b"not a workbook at all")], bank="子进程")
        assert not broken.ok and broken.error("zh") and broken.error("en")
        assert db.session.scalar(select(func.count(Question.id))) == 2
