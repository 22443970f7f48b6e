"""Snapshots of a contest's state are stored by the timer loop, off the command path, and a
restart loads from them the state the contest had."""
from quiz.base.extensions import db
from quiz.live import runtime, timers
from quiz.record import store
from quiz.record.models import ContestCommand, ContestSnapshot


def snapshot_seqs(contest_id):
    return [s.seq for s in ContestSnapshot.query.filter_by(contest_id=contest_id)
            .order_by(ContestSnapshot.seq)]


def test_snapshots_come_from_the_timer_loop_and_a_reload_starts_from_them(
        app, make_contest, make_socket, monkeypatch):
    monkeypatch.setattr(store, "SNAPSHOT_EVERY", 5)
    c = make_contest()
    host = make_socket(contest=c["code"], role="host", key=c["host_key"])
    for i in range(12):
        ack = host.emit("host", {"action": "adjust_score", "team": c["teams"][i % 2],
                                 "delta": 1, "reason": f"correction {i}"}, callback=True)
        assert ack["ok"], ack
    with app.app_context():
        rt = runtime.get(c["code"])
        assert rt.seq == 12
        assert snapshot_seqs(rt.contest_id) == [0]    # none written while commands ran
        assert timers.save_snapshots() == 1
        assert timers.save_snapshots() == 0           # not due again until 5 more commands
        assert snapshot_seqs(rt.contest_id) == [0, 12]
        # The reload starts from the snapshot: without the commands it covers, the state
        # after a restart is still the live one.
        ContestCommand.query.filter(ContestCommand.contest_id == rt.contest_id,
                                    ContestCommand.seq <= 12).delete()
        db.session.commit()
        assert store.load(rt.contest_id) == (rt.state, 12)
        # A snapshot another process stored first is kept, not an error.
        assert store.save_snapshot(rt.contest_id, 12, "{}") is False
        assert store.load(rt.contest_id) == (rt.state, 12)
