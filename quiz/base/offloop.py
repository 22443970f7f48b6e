"""Long work off the live loop (issue 19, point 6): shared plumbing, like quiz.base.extensions.

Under gevent (``python app.py``) every request and every socket event shares one OS thread;
a 100,000-row dry run read on it froze the loop and delayed a host's ack by 1.7 s. ``run``
hands such work to gevent's pool of real OS threads and parks only the calling greenlet:
the loop keeps serving acks, buzzes and snapshots, and the interpreter switches between the
worker and the loop every few milliseconds (``sys.getswitchinterval``, 5 ms). Work given to
``run`` must not touch the database session or the request (read a file, build bytes);
work given to ``run_in_app`` may use the database: it runs inside an application context of
its own, so with a session and a connection of its own (the pool's, thread-safe), which the
context's end gives back. Neither may use the request. Work started from a worker runs there
directly. Without gevent (tests, the threading server) both just call ``fn``.
"""

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


def _in_worker(fn, args, kwargs):
    _local.worker = True
    try:
        return fn(*args, **kwargs)
    finally:
        _local.worker = False


def run(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a worker OS thread when serving under gevent; its result
    or its exception, as if called here."""
    pool = _gevent_pool()
    if pool is None:
        return fn(*args, **kwargs)
    return pool.apply(_in_worker, (fn, args, kwargs))


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
