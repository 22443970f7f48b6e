"""Export a bank, or a filtered part of it, to .xlsx in the template layout.

Importing the export reproduces the same questions (same fingerprints), so an export is also a
backup and a way to move questions between banks.
"""

from __future__ import annotations

from quiz.extensions import db

from . import service, template
from .models import Question


def export_bytes(bank=None, category=None, type=None, difficulty=None, search=None) -> bytes:
    """The matching questions as an .xlsx in the template layout (ordered as imported)."""
    stmt = service.query(bank, category, type, difficulty, search).order_by(
        Question.bank_id,
        Question.source_file,
        Question.source_sheet,
        Question.source_row,
        Question.id,
    )
    rows = [service.question_to_dict(q) for q in db.session.scalars(stmt)]
    return template.save(template.new_workbook(rows))
