"""A big import does not hold the live loop (issue 19): neither the dry run behind the preview
(reading, the check against the bank, the report, the page's rows) nor the confirm (read
again, INSERTs, the commit) runs on the loop's thread.

A child process patched like ``python app.py`` (gevent) uploads a 20,000-row sheet through the
bank's own pages (Flask's test client, signed in as the organizer) and confirms the import,
while a greenlet ticks every 10 ms. Each phase is wrapped to count the ticks that ran while it
ran: on the loop a phase lets no tick run; off it, the ticker keeps going. The assertions
count ticks and check what the organizer gets (the preview's count, the bank after the
confirm), never time. Also here: the one transaction of a confirm that fails after its rows
were written leaves the bank as it was.
"""
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from question_bank import service
from question_bank.models import Question
from quiz.base.extensions import db
from tests.unit.test_bank_sheets import xlsx_bytes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = r"""
from gevent import monkey; monkey.patch_all()
import json, os, re, sys, tempfile
import gevent
sys.path.insert(0, ROOT)
from bench.import_bench import generate
path = generate(ROWS)
tmp = tempfile.mkdtemp()
os.environ["QUIZ_INSTANCE_PATH"] = os.path.join(tmp, "instance")
os.environ["QUIZ_ADMIN_PASSWORD"] = "pw"
from quiz.factory import create_app
from question_bank import import_views, service
from question_bank.models import Question
from quiz.base.extensions import db
from sqlalchemy import func, select
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/quiz.sqlite3",
                  "WTF_CSRF_ENABLED": False, "QUIZ_DEMO": False, "QUIZ_NO_TIMER": True,
                  "QUIZ_MAX_UPLOAD_MB": 200})
ticks, during = [0], {}
def ticker():
    while True:
        gevent.sleep(0.01)
        ticks[0] += 1
def counted(module, name):
    fn = getattr(module, name)
    def wrapper(*args, **kwargs):
        before = ticks[0]
        try:
            return fn(*args, **kwargs)
        finally:
            during.setdefault(name, []).append(ticks[0] - before)
    setattr(module, name, wrapper)
for module, name in ((import_views, "_preview_model"), (service, "_import_files"),
                     (service, "_insert_chunk")):
    counted(module, name)
gevent.spawn(ticker)
client = app.test_client()
client.post("/login", data={"password": "pw"})
with open(path, "rb") as fh:
    page = client.post("/bank/upload", data={"bank": "__new__", "new_bank": "big",
                                             "files": (fh, "big.xlsx")}).get_data(as_text=True)
token = re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)
summary = re.search(r'id="import-summary">([^<]*)<', page).group(1)
rows_shown = page.count('<td class="stem">')
done = client.post("/bank/confirm", data={"token": token, "bank": "big"})
with app.app_context():
    stored = db.session.scalar(select(func.count(Question.id)))
print(json.dumps({"summary": summary, "rows_shown": rows_shown, "confirm": done.status_code,
                  "stored": stored, "during": during}))
"""


@pytest.fixture(scope="module")
def big_import():
    code = CHILD.replace("ROOT", repr(ROOT)).replace("ROWS", "20000")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_preview_of_a_big_sheet_is_built_off_the_loop_and_shows_one_page(big_import):
    assert "20000" in big_import["summary"]
    assert big_import["rows_shown"] == 100  # a page, not 20,000 rows in one response
    [preview] = big_import["during"]["_preview_model"]
    assert preview > 0  # the loop ticked while the dry run and the page were computed


def test_the_confirm_of_a_big_sheet_runs_off_the_loop(big_import):
    assert big_import["confirm"] == 302 and big_import["stored"] == 20000
    dry_run, confirm = big_import["during"]["_import_files"]
    assert dry_run > 0 and confirm > 0
    chunks = big_import["during"]["_insert_chunk"]
    assert len(chunks) > 1 and sum(chunks) > 0  # short transactions, the loop ticking meanwhile


GOOD = [
    ["题型", "题目", "A", "B", "C", "D", "答案"],
    ["单选", "1+1=?", "1", "2", "3", "4", "B"],
    ["判断", "地球是圆的", "", "", "", "", "对"],
]


def test_a_confirm_failing_after_its_rows_were_written_leaves_the_bank_as_it_was(
        app, monkeypatch):
    with app.app_context():
        first = service.import_files([("a.xlsx", xlsx_bytes(GOOD[:2]))], bank="kept")
        assert first.ok and first.imported == 1
    written = []

    def explode(layouts):
        written.append(db.session.scalar(select(func.count(Question.id))))
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "_remember_maps", explode)
    with app.app_context():
        report = service.import_files([("b.xlsx", xlsx_bytes(GOOD))], bank="kept")
        assert not report.ok and "disk full" in report.error("en")
        assert written == [2]  # the new row was in the transaction when it failed
        assert db.session.scalar(select(func.count(Question.id))) == 1
        again = service.import_files([("b.xlsx", xlsx_bytes(GOOD))], bank="new one")
        assert not again.ok and service.find_bank("new one") is None
