"""Run the real server (`python app.py`) as a child process on 127.0.0.1, for tests."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """The server in its own process, with its own instance folder (database, secrets)."""

    def __init__(self, instance_path, port=None, demo=False, extra_env=None):
        self.instance_path = str(instance_path)
        self.port = port or free_port()
        self.env = dict(os.environ)
        self.env.update({
            "QUIZ_INSTANCE_PATH": self.instance_path, "HOST": "127.0.0.1",
            "PORT": str(self.port), "QUIZ_ADMIN_PASSWORD": "server-test-pw",
            "QUIZ_DEMO": "1" if demo else "0",
            "QUIZ_PUBLIC_URL": f"http://127.0.0.1:{self.port}", "PYTHONUNBUFFERED": "1",
        })
        self.env.update(extra_env or {})
        self.proc = None
        self.preexec = None     # run in the child before exec (e.g. a descriptor limit)
        self.log_path = os.path.join(self.instance_path, f"server-{self.port}.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def flask(self, *args) -> subprocess.CompletedProcess:
        """Run a `flask --app app ...` command against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=60,
        )

    def create_contest(self, spec: dict, tmp_path) -> dict:
        path = os.path.join(str(tmp_path), f"contest-{time.monotonic_ns()}.json")
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(spec, fh, ensure_ascii=False)
        done = self.flask("contest", "create", path)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def start(self, timeout=30.0) -> "ServerProcess":
        os.makedirs(self.instance_path, exist_ok=True)
        self._log = open(self.log_path, "a", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=self._log,
            stderr=subprocess.STDOUT, preexec_fn=self.preexec,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + self.output())
            try:
                urllib.request.urlopen(self.url + "/join", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.output())

    def output(self) -> str:
        try:
            with open(self.log_path, encoding="utf-8") as fh:
                return fh.read()
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when the laptop's process dies."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None
        if getattr(self, "_log", None):
            self._log.close()
