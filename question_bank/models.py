"""The bank's tables: named banks and their questions.

A question's ``fingerprint`` (normalized stem, options and points, see ``answers.fingerprint``) is
unique within its bank: that constraint is what makes a re-import add nothing, even when two
imports race.
"""

from datetime import datetime, timezone

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz.base.extensions import db


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Bank(db.Model):
    __tablename__ = "bank"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    # an import's hidden bank while its rows are written (question_bank/staging.py): NULL for
    # every bank the organizer sees, else 'filling' or 'moving' (into bank ``staging_for``)
    staging: Mapped[str | None] = mapped_column(String(16), nullable=True)
    staging_for: Mapped[int | None] = mapped_column(Integer, nullable=True)
    questions: Mapped[list["Question"]] = relationship(
        back_populates="bank", cascade="all, delete-orphan", passive_deletes=True
    )


class Question(db.Model):
    __tablename__ = "bank_question"
    __table_args__ = (
        UniqueConstraint("bank_id", "fingerprint", name="uq_bank_fingerprint"),
        Index("ix_bank_question_filter", "bank_id", "type", "category"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON, default=list)
    answer: Mapped[list] = mapped_column(JSON, default=list)
    points: Mapped[int | None] = mapped_column(Integer, nullable=True)
    difficulty: Mapped[str | None] = mapped_column(String(16), nullable=True)
    category: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    explanation: Mapped[str | None] = mapped_column(Text, nullable=True)
    time_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(32))
    source_file: Mapped[str | None] = mapped_column(String(255), nullable=True)
    source_sheet: Mapped[str | None] = mapped_column(String(120), nullable=True)
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    bank: Mapped[Bank] = relationship(back_populates="questions")
    media_links: Mapped[list["QuestionMedia"]] = relationship(
        lazy="selectin",
        order_by="QuestionMedia.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.type} {self.stem[:20]!r}>"


class Media(db.Model):
    """A picture, sound or video, stored once by content (question_bank/media.py): the file is
    instance/media/<sha256[:2]>/<sha256>.<ext>."""

    __tablename__ = "bank_media"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    ext: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8))  # image, audio, video
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)


class QuestionMedia(db.Model):
    """A question's media, in order (a new table: bank_question itself is unchanged)."""

    __tablename__ = "bank_question_media"
    __table_args__ = (UniqueConstraint("question_id", "sha256", name="uq_question_media"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("bank_question.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(ForeignKey("bank_media.sha256"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(255), default="")
    media: Mapped[Media] = relationship(lazy="joined")


class ColumnMapMemory(db.Model):
    """A column map the organizer chose, remembered for sheets with the same header
    (``headers.header_signature``); ``columns`` is the map's text form (``A=stem,B=A,…``)."""

    __tablename__ = "bank_column_map"
    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(500), unique=True)
    columns: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=_utcnow, onupdate=_utcnow)
