"""The C allocator under a server whose connections come and go (issue 19, point 2).

A websocket allocates C memory that Python's collector neither sees nor counts: wsproto's
zlib streams (blocks of 64 KiB), read buffers, greenlet stack copies. glibc's malloc serves
blocks below its mmap threshold from heaps that only shrink from the top, so the memory of
1000 phones that dropped off the Wi-Fi stays resident as free holes between blocks still in
use. bench/ws_churn.py, 1000 projector websockets with permessage-deflate dropped per round
(after the wsproto cycle fix of quiz/live/transport.py, 5.): 4 rounds took the server from 90 to
315 MB, of which ``malloc_trim(0)`` gave 165 MB back at once. Two measures, glibc only
(elsewhere they do nothing):

- ``tune_malloc``: blocks of 64 KiB and more are mapped on their own, so a zlib stream goes
  back to the system when it is freed (one mmap per block, a few per connection; the value is
  fixed, so glibc's threshold no longer rises with the largest block freed).
  ``MALLOC_MMAP_THRESHOLD_`` in the environment wins (glibc reads it itself).
- ``Trimmer``: ``TRIM_DELAY`` seconds after ``TRIM_AFTER`` websockets have closed,
  ``malloc_trim(0)`` returns the free pages inside the heaps. It runs in gevent's thread pool:
  ctypes releases the GIL, so the event loop goes on serving while the heaps are walked.
"""
import os

MMAP_THRESHOLD = 64 * 1024
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
TRIM_AFTER = 100        # closed websockets before a trim
TRIM_DELAY = 3.0        # seconds from the TRIM_AFTER-th to the trim


def _libc():
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim"):  # glibc; not musl/macOS
            return libc
        return None
    except (OSError, AttributeError):
        return None


def tune_malloc() -> bool:
    """Blocks of 64 KiB and more mapped on their own; True when glibc took the setting."""
    libc = _libc()
    if libc is None or os.environ.get("MALLOC_MMAP_THRESHOLD_"):
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


class Trimmer:
    """Counts closed connections and has the free pages returned after a burst of them."""

    def __init__(self, later=None):
        self.libc = _libc()
        self.closed = 0
        self.trims = 0
        self.pending = False
        self.later = later or _later_in_thread_pool

    def note_closed(self) -> None:
        """One connection more has ended: once TRIM_AFTER have, a trim follows TRIM_DELAY
        seconds later (a hall that loses its Wi-Fi drops hundreds within a second or two:
        one trim after them all)."""
        self.closed += 1
        if self.libc is None or self.pending or self.closed < TRIM_AFTER:
            return
        self.pending = True
        self.later(TRIM_DELAY, self.trim)

    def trim(self) -> None:
        self.closed, self.pending = 0, False
        self.libc.malloc_trim(0)
        self.trims += 1


def _later_in_thread_pool(delay: float, fn) -> None:
    """``fn`` in gevent's thread pool, ``delay`` seconds from now."""
    from gevent import get_hub, spawn_later

    spawn_later(delay, lambda: get_hub().threadpool.spawn(fn))


_trimmer: Trimmer | None = None


def trimmer() -> Trimmer:
    """The process's one Trimmer."""
    global _trimmer
    if _trimmer is None:
        _trimmer = Trimmer()
    return _trimmer
