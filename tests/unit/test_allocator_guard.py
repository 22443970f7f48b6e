"""quiz.live.allocator's trimmer and quiz.live.guard's per-address cap on waiting connections."""
from quiz.live import allocator, guard


def test_a_burst_of_closed_connections_gets_one_trim_after_it():
    scheduled = []
    t = allocator.Trimmer(later=lambda delay, fn: scheduled.append((delay, fn)))
    if t.libc is None:
        return  # not glibc: nothing to trim
    for _ in range(allocator.TRIM_AFTER * 3):
        t.note_closed()
    assert [d for d, _ in scheduled] == [allocator.TRIM_DELAY]   # one trim for the burst
    scheduled[0][1]()
    assert t.trims == 1 and t.closed == 0
    for _ in range(allocator.TRIM_AFTER):
        t.note_closed()
    assert len(scheduled) == 2


class Conn:
    def __init__(self):
        self.evicted = False

    def evict(self):
        self.evicted = True


def test_the_oldest_waiting_connection_of_an_address_makes_room_for_a_new_one():
    w = guard.Waiting(3)
    conns = [Conn() for _ in range(5)]
    for c in conns:
        w.enter("10.0.0.9", c)
    other = Conn()
    w.enter("10.0.0.8", other)
    assert [c.evicted for c in conns] == [True, True, False, False, False]
    assert w.count("10.0.0.9") == 3 and not other.evicted
    w.leave("10.0.0.9", conns[4])      # its request was read: no longer waiting
    w.enter("10.0.0.9", Conn())
    assert not conns[2].evicted and w.count("10.0.0.9") == 3
