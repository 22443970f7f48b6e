"""Long work off the live loop (issue 19, point 6): a 100,000-row dry run read on the gevent
loop froze it and delayed a host's ack by 1.7 s.

A child process patched like ``python app.py`` reads a generated sheet through the bank's
own ``read_sources`` (via ``quiz.base.offloop.run``, as ``import_files`` does) while a greenlet
ticks every 10 ms. On the loop, the ticker cannot run until the read is over; off it, the
ticker keeps running during the read. The assertion counts ticks *during* the read (ticks
that ran before it returned), not time.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = r"""
from gevent import monkey; monkey.patch_all()
import sys, json, pathlib
import gevent
sys.path.insert(0, ROOT)
from quiz.base import offloop
from question_bank import service
from bench.import_bench import generate
path = generate(ROWS)
ticks, done = [0], [False]
def ticker():
    while not done[0]:
        gevent.sleep(0.01)
        if not done[0]:
            ticks[0] += 1
t = gevent.spawn(ticker)
gevent.sleep(0.05)
ticks[0] = 0
runner = offloop.run if MODE == "off" else (lambda fn, *a: fn(*a))
parsed = runner(service.read_sources, [path])
during = ticks[0]
done[0] = True
t.join()
print(json.dumps({"questions": len(parsed.questions), "ticks_during_read": during}))
"""


def read_while_ticking(mode: str, rows: int = 20000) -> dict:
    code = CHILD.replace("ROOT", repr(ROOT)).replace("ROWS", str(rows)).replace(
        "MODE", repr(mode))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    import json

    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_sheet_read_off_the_loop_lets_the_loop_run_meanwhile():
    off = read_while_ticking("off")
    assert off["questions"] == 20000
    assert off["ticks_during_read"] > 0


def test_the_same_read_on_the_loop_stops_it_which_is_what_the_fix_avoids():
    on = read_while_ticking("on")
    assert on["questions"] == 20000
    assert on["ticks_during_read"] == 0
