"""The bank's media in the database: Media rows, the question links, the editor's changes."""

from __future__ import annotations

from sqlalchemy import insert, select

from quiz.base.extensions import db

from .media_collect import fingerprint
from .media_store import save
from .media_types import TYPES, Blob
from .models import Media, Question, QuestionMedia


def fingerprint_clash(question, fp: str) -> int | None:
    """The id of another question of the same bank that already has fingerprint ``fp``."""
    return db.session.scalar(
        select(Question.id).where(
            Question.bank_id == question.bank_id,
            Question.fingerprint == fp,
            Question.id != question.id,
        )
    )


def add_media(questions) -> list[str]:
    """Media rows for the questions' digests not stored yet; the digests added."""
    blobs = {b.sha256: b for q in questions if q.media for b in q.media}
    known = set()
    shas = list(blobs)
    for i in range(0, len(shas), 500):
        known.update(
            db.session.scalars(select(Media.sha256).where(Media.sha256.in_(shas[i : i + 500])))
        )
    new = [
        {
            "sha256": b.sha256,
            "ext": b.ext,
            "kind": b.kind,
            "size": b.size,
            "width": b.width,
            "height": b.height,
        }
        for sha, b in blobs.items()
        if sha not in known
    ]
    if new:
        db.session.execute(insert(Media.__table__), new)
    return [row["sha256"] for row in new]


def link(bank_id: int, questions) -> None:
    """Inside an import's transaction: Media rows for new digests and the question links."""
    with_media = [q for q in questions if q.media]
    if not with_media:
        return
    add_media(with_media)
    ids: dict[str, int] = {}
    fps = [q.fingerprint for q in with_media]
    for i in range(0, len(fps), 500):
        ids.update(
            db.session.execute(
                select(Question.fingerprint, Question.id).where(
                    Question.bank_id == bank_id, Question.fingerprint.in_(fps[i : i + 500])
                )
            ).all()
        )
    rows = [
        {"question_id": ids[q.fingerprint], "sha256": b.sha256, "position": n, "name": b.name}
        for q in with_media
        if q.fingerprint in ids
        for n, b in enumerate(q.media)
    ]
    if rows:
        db.session.execute(insert(QuestionMedia.__table__), rows)


def dicts(question) -> list[dict]:
    """A bank question's media as the contest copies them: kind, url, name."""
    return [
        {
            "kind": TYPES[ln.media.ext][0],
            "url": f"/media/{ln.sha256}.{ln.media.ext}",
            "name": ln.name,
        }
        for ln in (getattr(question, "media_links", None) or [])
    ]


def add_to_question(question, blob: Blob, instance_path: str) -> str | None:
    """Editor upload: store the file and link it; returns a problem code or None. Commits."""
    shas = [ln.sha256 for ln in question.media_links]
    if blob.sha256 in shas:
        return None
    fp = fingerprint(question.stem, question.options or [], question.points, shas + [blob.sha256])
    if fingerprint_clash(question, fp):
        return "duplicate"
    save(instance_path, blob)
    if db.session.get(Media, blob.sha256) is None:
        db.session.add(
            Media(
                sha256=blob.sha256,
                ext=blob.ext,
                kind=blob.kind,
                size=blob.size,
                width=blob.width,
                height=blob.height,
            )
        )
    question.media_links.append(
        QuestionMedia(sha256=blob.sha256, name=blob.name, position=len(shas))
    )
    question.fingerprint = fp
    db.session.commit()
    return None


def remove_from_question(question, sha256: str) -> str | None:
    """Editor: unlink one medium (the file stays: others may use it). Commits."""
    keep = [ln for ln in question.media_links if ln.sha256 != sha256]
    if len(keep) == len(question.media_links):
        return None
    fp = fingerprint(
        question.stem, question.options or [], question.points, [ln.sha256 for ln in keep]
    )
    if fingerprint_clash(question, fp):
        return "duplicate"
    question.media_links[:] = keep
    for n, ln in enumerate(keep):
        ln.position = n
    question.fingerprint = fp
    db.session.commit()
    return None


def shas_of(question_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(QuestionMedia.sha256)
            .where(QuestionMedia.question_id == question_id)
            .order_by(QuestionMedia.position)
        )
    )
