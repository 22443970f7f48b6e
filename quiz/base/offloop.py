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


# ---------------------------------------------------------------- work in a child process
# A worker thread still shares the interpreter with the loop: a 100,000-row sheet read in one
# kept a host's ack waiting for the interpreter (p99 60-85 ms, max 115-160 ms, even at a 1 ms
# switch interval, docs/performance.md). Work big enough for that runs in a child process of
# its own, with an app made by the factory the composition root hands over (``use_processes``),
# so the loop's process only waits on a pipe.
_factory = None
CHILD_MIN_BYTES = 1_000_000  # below this (~8,000 questions) a thread is quicker than a start


class ChildFailed(RuntimeError):
    """The child process died or answered something that could not be read."""


def use_processes(factory) -> None:
    """Run ``run_in_process`` work in child processes whose app ``factory(config)`` makes
    (called by the composition root when it serves; None turns it off)."""
    global _factory
    _factory = factory


def run_in_process(fn, *args, weight: int = 0, **kwargs):
    """``run_in_app(fn, ...)``, in a child process when processes are on and the work is big
    (``weight``, its input's bytes, at least ``CHILD_MIN_BYTES``). ``fn``, its arguments and
    its result are pickled, so ``fn`` is a module-level function; its exception is raised here.
    """
    if _factory is None or weight < CHILD_MIN_BYTES or getattr(_local, "worker", False):
        return run_in_app(fn, *args, **kwargs)
    import pickle

    from flask import current_app

    config = {}
    for key, value in current_app.config.items():
        try:
            pickle.dumps(value)
        except Exception:  # noqa: S112 - a value a child cannot be given is left to its default
            continue
        config[key] = value
    config.update(SOCKETIO_ASYNC_MODE="threading", QUIZ_NO_TIMER=True, QUIZ_DEMO=False)
    return _in_child(pickle.dumps((_factory, config, fn, args, kwargs)))


def _in_child(job: bytes):
    """The job in ``python -m quiz.base.child``; under gevent ``subprocess`` is gevent's, so
    only this greenlet waits for it."""
    import os
    import pickle
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run([sys.executable, "-m", "quiz.base.child"], input=job, env=env,
                          capture_output=True, timeout=1800, check=False)
    try:
        ok, value = pickle.loads(done.stdout)
    except Exception as exc:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise ChildFailed(f"child process exited {done.returncode}: {tail[0]}") from exc
    if ok:
        return value
    raise value
