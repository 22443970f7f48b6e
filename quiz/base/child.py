"""``python -m quiz.base.child``: runs one job of ``offloop.run_in_process``.

Reads the pickled (factory, config, fn, args, kwargs) from standard input, makes the app with
``factory(config)``, calls ``fn`` inside its application context and writes the pickled
(True, result) or (False, exception) to standard output. Whatever else the job prints goes
to standard error.
"""
import pickle
import sys


def main() -> int:
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # the job's own prints must not mix with the answer
    factory, config, fn, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    app = factory(config)
    try:
        with app.app_context():
            answer = (True, fn(*args, **kwargs))
    except Exception as exc:  # handed to the parent, raised there
        answer = (False, exc)
    try:
        data = pickle.dumps(answer)
    except Exception:  # an exception or result that does not pickle: its text
        data = pickle.dumps((False, RuntimeError(repr(answer[1])[:2000])))
    out.write(data)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
