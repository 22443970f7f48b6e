"""Simulated buzzers on delayed links, for tests and bench/fairness.py against the real server.

A buzzer (a phone, or the buzzer desk) sleeps its one-way delay before each message it sends
and after each reply it receives (a symmetric link with jitter), keeps a clock that is off the
server's by ``skew_ms`` and drifts by ``drift_ppm``, and syncs it the way static/js/clock.js
does: samples that echo the server's last ``now``, the median offset of the fastest three.
"""
import random
import threading
import time

from tests.integration.live_clients import Client, join


class Buzzer:
    """One buzzer on a delayed link with its own drifting clock."""

    def __init__(self, client: Client, delay_ms: float, jitter_ms: float = 0.0,
                 skew_ms: float = 0.0, drift_ppm: float = 0.0, seed: int = 0,
                 desk_teams=None):
        self.client, self.delay_ms, self.jitter_ms = client, delay_ms, jitter_ms
        self.skew_ms, self.drift_ppm = skew_ms, drift_ppm
        self.desk_teams = desk_teams
        self.rng = random.Random(seed)
        self.born = time.time()
        self.samples, self.echo = [], None
        self.offset = self.rtt = self.uncertainty = None

    def local(self) -> float:
        """This buzzer's clock (ms): the true time, skewed and drifting."""
        now = time.time()
        return now * 1000 + self.skew_ms + (now - self.born) * self.drift_ppm / 1000

    def one_way(self) -> None:
        time.sleep(max(0.0, self.delay_ms + self.rng.uniform(-1, 1) * self.jitter_ms) / 1000)

    def sync(self, n: int = 6) -> None:
        """n samples back to back (each echoing the last server time), then the estimate."""
        self.echo = None
        for _ in range(n):
            t0 = self.local()
            self.one_way()
            payload = {"echo": self.echo, "offset": self.offset, "rtt": self.rtt,
                       "uncertainty": self.uncertainty}
            if self.desk_teams:
                payload["desk_teams"] = self.desk_teams
            ack = self.client.call("time", payload)
            self.one_way()
            t1 = self.local()
            self.echo = ack["now"]
            self.samples = (self.samples + [(t1 - t0, ack["now"] - (t0 + t1) / 2)])[-12:]
            self.estimate()

    def estimate(self) -> None:
        """The median offset of the three fastest samples; half their spread + 1 ms."""
        best = sorted(self.samples)[:3]
        offs = sorted(o for _, o in best)
        self.offset, self.rtt = offs[len(offs) // 2], best[0][0]
        self.uncertainty = int((offs[-1] - offs[0]) / 2 + 1)

    def press(self, question: int, forge_ms: float = 0.0, team=None) -> dict:
        """Press now: stamp the touch on this clock, then send it down the link; the ack."""
        self.pressed = time.time()  # the true moment of the touch (for the bench's referee)
        pressed_at = int(self.local() + self.offset - forge_ms)
        self.one_way()
        if self.desk_teams:
            return self.client.call("desk_buzz", {"question": question, "team": team,
                                                  "pressed_at": pressed_at})
        return self.client.call("buzz", {"question": question, "pressed_at": pressed_at})


def phone(url: str, code: str, team: int, name: str, **link) -> Buzzer:
    """A phone that joined ``team``, on a delayed link, synced."""
    b = Buzzer(join(url, code, team, name), **link)
    b.sync()
    return b


def press_at(buzzers_and_times, question: int) -> list:
    """Each (buzzer, true epoch seconds[, kwargs]) presses at its time, in its own thread."""
    acks = [None] * len(buzzers_and_times)

    def run(i, buzzer, when, kwargs):
        time.sleep(max(0.0, when - time.time()))
        acks[i] = buzzer.press(question, **kwargs)

    threads = [threading.Thread(target=run, args=(i, b, w, (k[0] if k else {})), daemon=True)
               for i, (b, w, *k) in enumerate(buzzers_and_times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return acks
