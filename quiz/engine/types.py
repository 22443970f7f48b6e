"""The shapes of the engine's JSON-safe data as TypedDicts (docs/rules.md describes them).

They type the engine's signatures for the type checker (``make test`` runs mypy on
quiz/engine); at run time they are plain dicts, so states stored as JSON load unchanged.
"""
from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Actor(TypedDict):
    """Who sent a command (cleaned by core.parse_command)."""
    role: str
    team: int | None
    player: int | None
    name: str


class Command(TypedDict, total=False):
    """A command: its type, its actor and the fields of that type."""
    type: str
    actor: Actor
    question: int
    team: int
    round: int
    attempt: int
    correct: bool
    answer: Any
    value: int
    delta: int
    reason: str
    teams: list[int]
    replacement: dict
    questions: list[dict]


class Question(TypedDict):
    """A question as the engine keeps it (checks.validate_question)."""
    id: int
    bank_id: int | None
    type: str
    stem: str
    options: list[str]
    answer: list[str]
    points: int | None
    explanation: str
    time_limit: int | None
    level: int | None
    category: str
    media: list


class Team(TypedDict):
    """A team and its counters."""
    id: int
    name: str
    color: str
    seat: int
    score: int
    right: int
    wrong: int
    fouls: int
    passes: int
    tiebreak_wins: int


class Round(TypedDict):
    """A round of the contest: its format's kind, settings and questions in order."""
    id: int
    kind: str
    title: str
    settings: dict
    question_ids: list[int]


class Progress(TypedDict):
    """How far a round has been played."""
    started: bool
    used: list[int]
    shown: int
    order: list[int]
    turns: dict[str, int]
    chooser: int | None


class Buzz(TypedDict, total=False):
    """One buzz (or early foul) on a question; the buzz log adds question and round."""
    team: int
    attempt: int
    rank: int | None
    at: int
    ms_after_open: int | None
    ms_behind_first: int | None
    foul: bool
    question: int
    round: int | None
    # fair order's evidence (quiz/engine/fairness.py, docs/rules.md "Fair buzz order")
    received: int
    claimed: int | None
    corrected: int
    rtt: int | None
    uncertainty: int | None
    bound: str | None
    fallback: str | None
    near_tie: bool
    margin_ms: int | None
    decided_by: str | None


class Press(TypedDict, total=False):
    """A press held in the collection window: the team, receipt and the phone's claim."""
    team: int
    received: int
    at: int
    rtt: int
    uncertainty: int


class Tie(TypedDict):
    """A near-tie for first waiting for the host (phase ``deciding``): teams and ranked rows."""
    teams: list[int]
    rows: list[dict]


class Judgement(TypedDict):
    """The last ruling on the question on stage (for re-judging)."""
    team: int
    correct: bool
    timeout: bool
    undo_id: int
    by: str


class LiveQuestion(TypedDict):
    """The question on stage: its format's kind and what happened to it so far."""
    id: int
    kind: str
    index: int
    count: int
    shown_at: int
    turn: int | None
    attempt: int
    opened_at: int | None
    first_buzz_at: int | None
    buzzes: list[Buzz]
    locked_out: list[int]
    fouled: list[int]
    answers: dict[str, Any]
    submissions: dict[str, Any]
    value: int | None
    duration_ms: int | None
    revealed: bool
    outcome: str | None
    last_judgement: Judgement | None
    distribution: dict | None
    presses: list[dict]           # fair order: presses held until the race is ranked
    tie: Tie | None               # fair order: a near-tie for the host to decide
    opens_at: int | None          # fair order: the scheduled opening (server time)


# The tie-break being played ('from' is a keyword, hence the functional form).
Tiebreak = TypedDict("Tiebreak", {"teams": list[int], "question": int, "winner": int | None,
                                  "from": str, "number": int})


class LogEntry(TypedDict, total=False):
    """A score change (or the undo of one)."""
    id: int
    team: int
    delta: int
    kind: str
    reason: str
    actor: dict
    at: int
    round: int | None
    question: int | None
    undone: bool
    undoes: int


class PlayerScore(TypedDict):
    """One player's personal points (per-player all-answer rounds); each question's credit
    is kept with the player's answer (q.answers[team][player].credit)."""
    team: int
    name: str
    points: int
    right: int
    answered: int


class UndoRecord(TypedDict, total=False):
    """What an undo puts back."""
    id: int
    label: str
    at: int
    actor: dict
    entries: list[int]
    snapshot: dict
    rejudged: dict


class State(TypedDict):
    """The whole contest state (state.new_state builds it)."""
    version: int
    name: str
    seed: int
    settings: dict
    lobby_locked: bool
    phase: str
    round_index: int | None
    q: LiveQuestion | None
    deadline: int | None
    deadline_kind: str | None
    paused: bool
    paused_remaining_ms: int | None
    teams: list[Team]
    rounds: list[Round]
    questions: dict[str, Question]
    progress: dict[str, Progress]
    tiebreak: Tiebreak | None
    log: list[LogEntry]
    undo: list[UndoRecord]
    buzz_log: list[Buzz]
    next_log_id: int
    next_undo_id: int
    last_event: dict | None
    finished_at: int | None
    players: NotRequired[dict[str, PlayerScore]]   # absent in states stored before it


# An event: {"type": ..., fields of that type}; events are built once and only read.
Event = dict[str, Any]
