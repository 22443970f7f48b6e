"""What a sheet is read into: ``ParsedQuestion`` records, the ``ParseResult`` of an import. Pure."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from .messages import Problem, SkippedSheet

_SEP = "\x1f"  # between the packed texts of a question


class ParsedQuestion:
    """One question read from a row.

    Compact, because a whole import's questions are held at once (parse and check everything,
    then one short write transaction): the stem, options, category, explanation and answer live
    in one string (``_text``), split again when read. As a str per text and two lists, they
    took ~0.65 KB a question more (object headers, not text): 100,000 questions held 67 MB
    more (docs/performance.md). A text holding the separator keeps the parts as they are.
    """

    __slots__ = (
        "type",
        "_text",  # "\x1f".join([stem, *options, category, explanation, *answer]), or a tuple
        "_n",  # number of options
        "points",
        "difficulty",
        "time_limit",
        "file",
        "sheet",
        "row",
        "fingerprint",
        "media_ref",  # [(column letter, cell text)] of the media columns
        "media",  # checked media (question_bank/media.py Blob), set by the importer
    )

    def __init__(
        self,
        type: str,
        stem: str,
        options: list[str],
        answer: list[str],
        points: int | None,
        difficulty: str | None,
        category: str | None,
        explanation: str | None,
        time_limit: int | None,
        file: str,
        sheet: str,
        row: int,
        fingerprint: str = "",
        media_ref: list | None = None,
        media: list | None = None,
    ):
        self.type = type
        parts = [stem, *options, category or "", explanation or "", *answer]
        self._n = len(options)
        try:  # _pack(), inlined: this runs for every row
            text = _SEP.join(parts)
        except TypeError:
            text = ""
        self._text = text if text.count(_SEP) == len(parts) - 1 else tuple(parts)
        self.points = points
        self.difficulty = difficulty
        self.time_limit = time_limit
        self.file = file
        self.sheet = sheet
        self.row = row
        self.fingerprint = fingerprint
        self.media_ref = media_ref
        self.media = media

    def _pack(self, stem, options, category, explanation, answer) -> None:
        parts = [stem, *options, category or "", explanation or "", *answer]
        self._n = len(options)
        try:
            text = _SEP.join(parts)
        except TypeError:
            text = ""
        # every part a text, none holding the separator: else the parts as they are
        self._text = text if text.count(_SEP) == len(parts) - 1 else tuple(parts)

    def texts(self) -> tuple[str, list[str], str | None, str | None, list[str]]:
        """(stem, options, category, explanation, answer) in one go."""
        parts = self._text.split(_SEP) if type(self._text) is str else list(self._text)
        n = self._n
        stem, options, answer = parts[0], parts[1 : n + 1], parts[n + 3 :]
        return stem, options, parts[n + 1] or None, parts[n + 2] or None, answer

    def _set(self, index: int, value) -> None:
        fields = list(self.texts())
        fields[index] = value
        self._pack(*fields)

    stem = property(lambda self: self.texts()[0], lambda self, v: self._set(0, v))
    options = property(lambda self: self.texts()[1], lambda self, v: self._set(1, list(v)))
    category = property(lambda self: self.texts()[2], lambda self, v: self._set(2, v))
    explanation = property(lambda self: self.texts()[3], lambda self, v: self._set(3, v))
    answer = property(lambda self: self.texts()[4], lambda self, v: self._set(4, list(v)))

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in zip(self._FIELDS, self._values(), strict=True))
        return f"ParsedQuestion({inner})"


# the fields, in the constructor's order (for ==, repr)
ParsedQuestion._FIELDS = tuple(inspect.signature(ParsedQuestion.__init__).parameters)[1:]


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[SkippedSheet] = field(default_factory=list)
    sheets: dict[str, int] = field(default_factory=dict)  # "file / sheet" -> questions read
    media: object = None  # the import's media_collect.Collector
    # rows that are notes among the data ('以下为新题'), not questions: code 'skipped_note',
    # the row's place and its text as the value (layouts.is_note)
    notes: list[Problem] = field(default_factory=list)
    layouts: list = field(default_factory=list)  # headers.Layout: how each sheet was read
