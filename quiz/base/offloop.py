"""Long work off the live loop (issue 19, point 6): shared plumbing, like quiz.base.extensions.

Under gevent (``python app.py``) every request and every socket event shares one OS thread;
a 100,000-row dry run read on it froze the loop and delayed a host's ack by 1.7 s. ``run``
hands such work to gevent's pool of real OS threads and parks only the calling greenlet:
the loop keeps serving acks, buzzes and snapshots, and the interpreter switches between the
worker and the loop every few milliseconds (``sys.getswitchinterval``, 5 ms). The work must
not touch the database session or the request (read a file, build bytes); its caller does
that before and after. Without gevent (tests, the threading server) it just calls ``fn``.
"""


def _gevent_pool():
    try:
        from gevent import get_hub, monkey
    except ImportError:  # pragma: no cover - gevent is a pinned dependency
        return None
    if not monkey.is_module_patched("socket"):
        return None
    return get_hub().threadpool


def run(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a worker OS thread when serving under gevent; its result
    or its exception, as if called here."""
    pool = _gevent_pool()
    if pool is None:
        return fn(*args, **kwargs)
    return pool.apply(fn, args, kwargs)
