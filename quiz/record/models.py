"""Contest tables. The live state is an append-only command log plus periodic snapshots.

A contest's state is rebuilt by replaying its commands on top of the latest snapshot
(``quiz.record.store``). The unique ``(contest_id, seq)`` key is the arbiter between
processes: two writers that both read version N can never both append command N+1,
so two buzzes can never both be first.
"""
from datetime import datetime, timezone

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz.base.extensions import db


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Contest(db.Model):
    __tablename__ = "contest"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    host_key: Mapped[str] = mapped_column(String(64))
    setup: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    teams: Mapped[list["Team"]] = relationship(
        back_populates="contest", order_by="Team.seat", cascade="all, delete-orphan"
    )


class Team(db.Model):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    color: Mapped[str] = mapped_column(String(9), default="#3366cc")
    seat: Mapped[int] = mapped_column(Integer, default=0)
    roster: Mapped[list] = mapped_column(JSON, default=list)
    contest: Mapped[Contest] = relationship(back_populates="teams")


class Player(db.Model):
    """A phone. The token is shown once to the phone; only its SHA-256 is kept."""

    __tablename__ = "player"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    removed: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(default=_utcnow)


class ContestCommand(db.Model):
    """One accepted command, in order. ``at_ms`` is the server clock when it arrived."""

    __tablename__ = "contest_command"
    __table_args__ = (UniqueConstraint("contest_id", "seq", name="uq_command_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    at_ms: Mapped[int] = mapped_column(db.BigInteger)
    command: Mapped[dict] = mapped_column(JSON)


class ContestSnapshot(db.Model):
    """The full engine state after command ``seq`` (seq 0: the initial state)."""

    __tablename__ = "contest_snapshot"
    __table_args__ = (UniqueConstraint("contest_id", "seq", name="uq_snapshot_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)


class QuestionUse(db.Model):
    """Which bank question was drawn into which contest (so later contests can skip it)."""

    __tablename__ = "question_use"
    __table_args__ = (UniqueConstraint("contest_id", "bank_question_id", name="uq_use"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    bank_question_id: Mapped[int] = mapped_column(Integer, index=True)


class ServerProcess(db.Model):
    """A server process serving this database, with its release and schema head and a
    heartbeat (quiz/record/processes.py): two releases never serve one database unseen."""

    __tablename__ = "server_process"
    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    release: Mapped[str] = mapped_column(String(64))
    schema: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column()
    seen_at: Mapped[datetime] = mapped_column(index=True)
