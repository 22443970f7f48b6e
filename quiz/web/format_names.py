"""The pages' names of the round formats: the catalogue's wording where it has one, else the
format's own labels (a format added later needs no entry here)."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from quiz.engine import formats

# msgids already in the catalogue (quiz/translations), keyed by kind
CATALOGUE = {"compulsory": _l("Compulsory (必答)"), "buzz": _l("Buzz-in (抢答)"),
             "wager": _l("Wager (风险)"), "all_answer": _l("All answer on phones (全员答题)")}


def kind_name(kind: str) -> str:
    """The name of a round format in the page's language."""
    if kind in CATALOGUE:
        return str(CATALOGUE[kind])
    labels = formats.get(kind).labels
    zh = str(get_locale() or "zh").startswith("zh")
    return labels["zh"] if zh else f"{labels['en']} ({labels['zh']})"


def staked_kinds() -> list[str]:
    """Kinds whose teams stake a value (风险): their questions are listed with it."""
    return [k for k in formats.round_kinds() if formats.get(k).capabilities["wager"]]


def kind_names() -> dict[str, str]:
    """{kind: name} of every format a round may have, in registry order."""
    return {k: kind_name(k) for k in formats.round_kinds()}
