"""A contest command's commit waits for SQLite's write lock cooperatively (quiz/record/store.py):
while another connection holds the lock, the rest of the loop runs (a ticker greenlet ticks, the
greenlet holding the lock releases it), and the command is committed once the lock is free. In
SQLite's own busy handler the loop's one thread would sleep instead: nothing else would run, the
lock held by a greenlet of the same loop would never be released, and the command would fail
with "database is locked" after the busy timeout.

A child process patched like ``python app.py`` (gevent) runs it; the assertions count ticks and
check what was committed, never time.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = r"""
from gevent import monkey; monkey.patch_all()
import json, os, sqlite3, sys, tempfile
import gevent
sys.path.insert(0, ROOT)
tmp = tempfile.mkdtemp()
os.environ["QUIZ_INSTANCE_PATH"] = os.path.join(tmp, "instance")
path = os.path.join(tmp, "quiz.sqlite3")
from quiz.factory import create_app
from quiz.record import store
from quiz.setup.contests import create_contest
from tests.helpers import contest_spec
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                  "QUIZ_DEMO": False, "QUIZ_NO_TIMER": True})
ticks, out = [0], {}
def ticker():
    while True:
        gevent.sleep(0.01)
        ticks[0] += 1
gevent.spawn(ticker)
with app.app_context():
    contest = create_contest(contest_spec()).id
    seq = store.last_seq(contest)
    for case, hold in (("released", 20), ("held", None)):
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, as an import's chunk takes it
        released = []
        before = ticks[0]
        if hold is not None:
            def release():
                while ticks[0] < before + hold:  # 20 ticks of the loop later
                    gevent.sleep(0.005)
                holder.execute("COMMIT")
                released.append(ticks[0])
            gevent.spawn(release)
        else:
            store.LOOP_BUSY_TIMEOUT_S = 0.3
        try:
            store.append(contest, seq + 1, {"type": "noop"}, 0)
            result = "committed"
        except Exception as exc:
            result = str(exc)
        out[case] = {"result": result, "ticks": ticks[0] - before,
                     "released_before_return": bool(released), "last": store.last_seq(contest)}
        if hold is None:
            holder.execute("ROLLBACK")
        holder.close()
        seq = store.last_seq(contest)
print(json.dumps(out))
"""


def run_child() -> dict:
    code = CHILD.replace("ROOT", repr(ROOT))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_command_waits_for_the_write_lock_while_the_loop_runs_then_commits():
    out = run_child()
    released = out["released"]
    assert released["result"] == "committed"
    assert released["released_before_return"]  # the lock's holder, a greenlet, ran meanwhile
    assert released["ticks"] >= 20  # and so did the ticker, 20 ticks before the release
    assert released["last"] == 1  # the command is in the log
    held = out["held"]  # a lock never released: the same error as before, the loop running
    assert "locked" in held["result"] and held["ticks"] >= 10 and held["last"] == 1
