"""quiz/record/processes.py decide(): when a start must stop because another release serves
the database."""
import pytest

from quiz.record.processes import TwoReleases, decide


def row(schema="0003", release="r1", pid=4242):
    return {"host": "hall-laptop", "pid": pid, "release": release, "schema": schema}


def test_alone_or_with_the_same_release_starts_quietly():
    assert decide("current", "0003", "r1", []) == []
    assert decide("behind", "0003", "r1", []) == []
    assert decide("current", "0003", "r1", [row(), row(pid=7)]) == []


def test_an_upgrade_under_a_running_process_is_refused():
    with pytest.raises(TwoReleases, match="needs an upgrade but another process serves it: "
                                          "pid 4242 @ hall-laptop"):
        decide("behind", "0004", "r2", [row()])


def test_a_process_expecting_another_schema_is_refused():
    with pytest.raises(TwoReleases, match="schema 0002.*this code is at schema 0003"):
        decide("current", "0003", "r2", [row(schema="0002")])


def test_another_release_with_the_same_schema_is_a_warning():
    (warning,) = decide("current", "0003", "r2", [row(release="r1")])
    assert "another release (same schema)" in warning and "警告" in warning
