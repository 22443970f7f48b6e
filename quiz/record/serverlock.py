"""Whether a server is running on this instance folder: a lock file the server holds.

``python app.py`` and ``flask run`` (through app.py) hold a shared lock on
instance/server.lock for as long as they live; the kernel drops it when the process ends,
even on SIGKILL, so a crashed server never leaves a stale "running". ``flask backup
restore`` takes the lock exclusively, which fails while any server holds it. Where fcntl is
missing (Windows) there is no lock and restore cannot tell: docs/README say to stop the server.
"""
import os

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

NAME = "server.lock"
_held: dict[str, int] = {}


def _path(instance_path: str) -> str:
    return os.path.join(instance_path, NAME)


def hold(instance_path: str) -> None:
    """For the server process: hold the shared lock until the process ends."""
    if fcntl is None or instance_path in _held:
        return
    fd = os.open(_path(instance_path), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    _held[instance_path] = fd


class ServerRunning(Exception):
    """A server holds the instance folder."""


class exclusive:
    """``with exclusive(path):`` no server can start meanwhile; raises ServerRunning at once."""

    def __init__(self, instance_path: str):
        self.path = _path(instance_path)
        self.fd = None

    def __enter__(self):
        if fcntl is None:
            return self
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise ServerRunning(self.path) from None
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
        return False
