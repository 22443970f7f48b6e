"""Small checks that every edge shares: where `next` may lead, and text a spreadsheet must not run.

Plain Python, no Flask: both packages (quiz and question_bank) import it, like quiz.base.extensions.
"""
from __future__ import annotations

import re

# A same-site path: one "/", then anything but a second "/" or "\" (browsers read "/\x" as
# "//x", another host); no scheme, no control or white-space characters anywhere (browsers
# strip tab/CR/LF inside URLs, so "/\t/evil" would become "//evil").
_SAFE_PATH = re.compile(r"^/(?![/\\])[^\x00-\x20\x7f\\]*$")


def safe_next(value, fallback: str) -> str:
    """``value`` when it is a relative path on this site (``/bank?page=2``), else ``fallback``.

    Refused: empty or non-text values, ``//host`` and ``/\\host`` (other hosts), any scheme
    (``javascript:``, ``https:``...), backslashes, control characters, spaces, and more than
    2000 characters. The result is safe to put in an ``href`` and in a ``Location`` header.
    """
    if not isinstance(value, str) or len(value) > 2000 or not _SAFE_PATH.match(value):
        return fallback
    return value


# A cell a spreadsheet could evaluate (OWASP "CSV injection"): a formula (=), a sign or an
# at-sign that Excel/WPS also read as a formula start (+ - @), or a leading tab/CR/LF that some
# readers strip before looking for one. DDE payloads ("cmd|' /C calc'!A0") start with one of
# these too; a cell whose text merely contains "|" is harmless without them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return isinstance(text, str) and text.startswith(FORMULA_PREFIXES)


def write_text_cell(cell, text: str):
    """Put ``text`` into an openpyxl ``cell`` as a plain string (type ``s``), never a formula.

    openpyxl turns any string starting with "=" into a formula cell; this undoes that, and a
    formula-like text also gets Excel's quote-prefix style (the ``'`` shown in the formula bar),
    so editing the cell in Excel or WPS does not turn it into a formula either. The value read
    back is exactly ``text``.
    """
    cell.value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell
