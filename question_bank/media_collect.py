"""The media of one import: found from the sheet's pictures and media cells, checked, deduped
and attached to the parsed questions; what cannot be had becomes a row-level problem. Pure."""

from __future__ import annotations

import re

from . import messages as m
from . import sheet_pictures
from .answers import fingerprint as plain_fingerprint
from .bundles import Bundle
from .media_types import Blob, MediaError, MediaLimits, check
from .messages import Problem

_SEPARATORS = re.compile(r"[|\n;；、]+")


def split_refs(text: str) -> list[str]:
    """The file names one media cell holds (several separated by |, ;, 、 or line breaks)."""
    return [t.strip() for t in _SEPARATORS.split(text or "") if t.strip()]


DISPIMG_RE = re.compile(r'DISPIMG\(\s*"([^"]+)"', re.I)


def _is_link(text: str) -> bool:
    return bool(re.match(r"^(https?|ftp)://|^www\.", text.strip(), re.I))


class Collector:
    """The media of one import: reads, checks and dedupes them, attaches them to the parsed
    questions, and counts what the dry run reports (questions with media, missing files)."""

    def __init__(self, limits: MediaLimits = MediaLimits()):
        self.limits = limits
        self.blobs: dict[str, Blob] = {}
        self.total = 0
        self.missing: list[dict] = []  # {"file", "sheet", "row", "name"}

    def add(self, data: bytes, name: str) -> Blob:
        """A checked blob (MediaError for this file; ImportRefused past the import's cap)."""
        blob = check(data, name, self.limits)
        known = self.blobs.get(blob.sha256)
        if known is not None:
            return Blob(
                known.sha256,
                known.ext,
                known.size,
                blob.name,
                known.data,
                known.width,
                known.height,
            )
        self.total += blob.size
        if self.total > self.limits.max_import:
            raise m.ImportRefused(
                "media_total_too_large",
                size=f"> {m.human_size(self.limits.max_import)}",
                limit=m.human_size(self.limits.max_import),
            )
        self.blobs[blob.sha256] = blob
        return blob

    def attach(
        self,
        out,
        start: int,
        book,
        data: bytes | None,
        bundle: Bundle | None = None,
        sheet_key: str = "",
    ) -> None:
        """Give the questions ``out.questions[start:]`` (one workbook) their media; a question
        whose media cannot be had becomes a row-level problem."""
        questions = out.questions[start:]
        pics = sheet_pictures.pictures(data) if data and book.kind == "xlsx" else {}
        if not pics and not any(q.media_ref for q in questions):
            return
        at = {(q.sheet, q.row): q for q in questions}
        bad: dict[int, Problem] = {}
        cap = max(self.limits.max_image, self.limits.max_av)

        def fail(q, code, column, value, **params):
            if id(q) not in bad:
                bad[id(q)] = Problem(code, q.file, q.sheet, q.row, column, value, params)

        def take(q, raw: bytes, name: str, column: str, value: str) -> None:
            try:
                blob = self.add(raw, name)
            except MediaError as err:
                fail(q, err.code, column, value, **err.params)
                return
            q.media = q.media or []
            if all(b.sha256 != blob.sha256 for b in q.media):
                q.media.append(blob)

        for sheet, found in pics.items():
            for pic in found:
                q = at.get((sheet, pic.row)) or next(
                    (at[(sheet, r)] for r in range(pic.row, pic.last_row + 1) if (sheet, r) in at),
                    None,
                )
                if q is None:
                    out.warnings.append(
                        Problem(
                            "media_unplaced",
                            book.filename,
                            sheet,
                            pic.row,
                            "",
                            pic.name,
                            {"row": pic.row},
                        )
                    )
                    continue
                take(q, sheet_pictures.read_part(data, pic.part, cap), pic.name, "", pic.name)
        for q in questions:
            for column, text in q.media_ref or ():
                for ref in split_refs(text):
                    if DISPIMG_RE.search(ref):
                        if not q.media:
                            fail(q, "media_missing", column, ref)
                        continue
                    if _is_link(ref):
                        fail(q, "media_link", column, ref)
                        continue
                    key = bundle.find(ref, sheet_key) if bundle else None
                    if key is None:
                        self.missing.append(
                            {"file": q.file, "sheet": q.sheet, "row": q.row, "name": ref}
                        )
                        fail(q, "media_missing" if bundle else "media_missing_no_zip", column, ref)
                        continue
                    take(q, bundle.read(key, cap), ref, column, ref)
        if bad:
            out.problems.extend(bad.values())
            kept = [q for q in questions if id(q) not in bad]
            for q in questions:
                if id(q) in bad:
                    where = f"{q.file} / {q.sheet}"
                    out.sheets[where] = out.sheets.get(where, 1) - 1
            out.questions[start:] = kept
        for q in out.questions[start:]:
            if q.media:
                q.fingerprint = fingerprint(
                    q.stem, q.options, q.points, [b.sha256 for b in q.media]
                )


def fingerprint(stem, options, points, shas) -> str:
    """A question's fingerprint with its media: the same stem over another picture is another
    question. Without media it is the plain fingerprint (so older rows keep theirs)."""
    if not shas:
        return plain_fingerprint(stem, options, points)
    return plain_fingerprint(f"{stem}\x00media:{','.join(shas)}", options, points)
