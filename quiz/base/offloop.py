"""Long work off the live loop (issue 19, point 6): shared plumbing, like quiz.base.extensions.

Under gevent (``python app.py``) every request and every socket event shares one OS thread;
a 100,000-row dry run read on it froze the loop and delayed a host's ack by 1.7 s. ``run``
hands such work to gevent's pool of real OS threads and parks only the calling greenlet:
the loop keeps serving acks, buzzes and snapshots, and the interpreter switches between the
worker and the loop every millisecond while such work runs (``SWITCH_S``; 5 ms, Python's
``sys.getswitchinterval``, otherwise). Work given to
``run`` must not touch the database session or the request (read a file, build bytes);
work given to ``run_in_app`` may use the database: it runs inside an application context of
its own, so with a session and a connection of its own (the pool's, thread-safe), which the
context's end gives back. Neither may use the request. Work started from a worker runs there
directly. Without gevent (tests, the threading server) both just call ``fn``.
"""

import sys

_local = None  # a native thread-local: set inside a worker


def _gevent_pool():
    try:
        from gevent import get_hub, monkey
    except ImportError:  # pragma: no cover - gevent is a pinned dependency
        return None
    if not monkey.is_module_patched("socket"):
        return None
    global _local
    if _local is None:
        _local = monkey.get_original("threading", "local")()
    if getattr(_local, "worker", False):
        return None  # already off the loop
    return get_hub().threadpool


SWITCH_S = 0.001  # the interpreter's switch interval while work runs off the loop
_running = [0, None]  # jobs off the loop, the switch interval before the first


def _in_worker(fn, args, kwargs):
    _local.worker = True
    try:
        return fn(*args, **kwargs)
    finally:
        _local.worker = False


def _switching(on: bool) -> None:
    """While work runs off the loop, the worker hands the interpreter back to the loop every
    1 ms instead of 5: a host's ack needs it several times (its socket, its commit), and
    waited up to 5 ms each time (docs/performance.md)."""
    if on:
        _running[0] += 1
        if _running[0] == 1:
            _running[1] = sys.getswitchinterval()
            sys.setswitchinterval(min(SWITCH_S, _running[1]))
    else:
        _running[0] -= 1
        if _running[0] == 0:
            sys.setswitchinterval(_running[1])


def run(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a worker OS thread when serving under gevent; its result
    or its exception, as if called here."""
    pool = _gevent_pool()
    if pool is None:
        return fn(*args, **kwargs)
    _switching(True)
    try:
        return pool.apply(_in_worker, (fn, args, kwargs))
    finally:
        _switching(False)


def run_in_app(fn, *args, **kwargs):
    """``run``, with ``fn`` inside an application context of the current app (its own
    database session, removed at the end)."""
    if _gevent_pool() is None:
        return fn(*args, **kwargs)
    from flask import current_app

    app = current_app._get_current_object()

    def in_app():
        with app.app_context():
            return fn(*args, **kwargs)

    return run(in_app)
