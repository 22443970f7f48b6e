"""The contest's optional word filter for players' names (the setup's ``name_filter``).

A name is refused when it contains a listed word, compared case-insensitively after NFKC
(full-width → ASCII) and with every space, punctuation mark and symbol removed, so "B a-d"
is caught by "bad". Plain Python: no Flask, no database.
"""
from __future__ import annotations

import unicodedata

MAX_WORDS = 500
MAX_WORD = 40


def fold(text: str) -> str:
    """The text as compared: NFKC, case-folded, letters and digits only."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def words_of(value: object) -> list[str]:
    """The listed words (a list, or text with one word a line), stripped, blanks dropped."""
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list):
        return []
    return [w.strip() for w in value if isinstance(w, str) and w.strip()]


def blocked(name: str, words: list[str]) -> bool:
    """Whether ``name`` contains one of ``words`` (after folding both)."""
    folded = fold(name)
    return any(f and f in folded for f in (fold(w) for w in words))
