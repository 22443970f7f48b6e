"""Which contests use bank questions, as the contest side tells the bank.

The bank knows nothing of contests: the contest side registers a lookup at app start
(``register(app, lookup)``, done by ``quiz.setup.bank_usage``). Without one, no question counts as
used. A lookup has two methods:

- ``used_ids()``: a SELECT of one column, the ids of bank questions some contest drew;
- ``contests(question_ids)``: ``[(contest name, how many of these questions it drew), ...]``.
"""

from __future__ import annotations

from typing import Protocol

from flask import current_app

_KEY = "bank_usage"


class UsageLookup(Protocol):
    def used_ids(self): ...

    def contests(self, question_ids) -> list[tuple[str, int]]: ...


def register(app, lookup: UsageLookup) -> None:
    """Let the bank ask ``lookup`` which questions contests use."""
    app.extensions[_KEY] = lookup


def _lookup() -> UsageLookup | None:
    return current_app.extensions.get(_KEY)


def used_ids():
    """A SELECT of the used question ids, or None when nothing is registered."""
    lookup = _lookup()
    return lookup.used_ids() if lookup is not None else None


def contests_using(question_ids) -> list[tuple[str, int]]:
    """The contests that drew any of ``question_ids`` (a list or a SELECT of ids)."""
    lookup = _lookup()
    return lookup.contests(question_ids) if lookup is not None else []
