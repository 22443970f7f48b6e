"""Soak (issue 19, point 2): 20,000 websockets dropped without a close frame leave the
server's memory where it was after warm-up.

Each round opens 1000 projector websockets offering permessage-deflate (as every browser
does), completes the Engine.IO handshake and the Socket.IO connect (the server compresses a
full snapshot to each) and resets them all, as phones that leave the Wi-Fi. Before the fix
the server grew ~92 MB a round and never levelled off. Bounded: 20 rounds on 127.0.0.x,
about four minutes on the 2-core test machine.
"""
import time

from bench.ws_churn import one_round, rss_mb, start_server

ROUNDS, SIZE, WARM_UP = 20, 1000, 2
TRIM_WAIT = 4.0   # quiz.live.allocator.TRIM_DELAY (3 s) after a burst of drops, and some slack


def test_twenty_thousand_dropped_websockets_leave_memory_flat(tmp_path, capsys):
    server, code = start_server(str(tmp_path))
    try:
        pid = server.proc.pid
        figures = []
        for _ in range(ROUNDS):
            assert one_round(server.port, code, SIZE, deflate=True, how="rst") == SIZE
            time.sleep(TRIM_WAIT)
            figures.append(rss_mb(pid))
        warm = figures[WARM_UP - 1]
        with capsys.disabled():
            print(f"\n[ws churn] RSS MB after each round of {SIZE}: "
                  + " ".join(f"{f:.0f}" for f in figures))
        assert max(figures[WARM_UP:]) <= warm + 50, figures
        assert server.proc.poll() is None
    finally:
        server.stop()
