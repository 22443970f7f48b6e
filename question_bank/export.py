"""Export a bank, or a filtered part of it, to .xlsx in the template layout — or, when questions
carry pictures or sound, to a .zip: the sheet (with a 媒体文件 media column) and a media/ folder.

Importing the export reproduces the same questions (same fingerprints, same media), so an export
is also a backup and a way to move questions between banks.
"""

from __future__ import annotations

import io
import zipfile

from flask import current_app
from openpyxl.styles import Font

from quiz.base import offloop
from quiz.base.extensions import db

from . import service, template
from .media_store import path_for
from .media_types import display_name
from .models import Question

MEDIA_HEADER = ("媒体文件", "media")


def _questions(bank=None, category=None, type=None, difficulty=None, search=None):
    stmt = service.query(bank, category, type, difficulty, search).order_by(
        Question.bank_id,
        Question.source_file,
        Question.source_sheet,
        Question.source_row,
        Question.id,
    )
    return list(db.session.scalars(stmt))


def export_bytes(bank=None, category=None, type=None, difficulty=None, search=None) -> bytes:
    """The matching questions as an .xlsx in the template layout (ordered as imported)."""
    rows = [
        service.question_to_dict(q) for q in _questions(bank, category, type, difficulty, search)
    ]
    # writing the workbook is the long part (seconds for a big bank): off the live loop
    return offloop.run(lambda: template.save(template.new_workbook(rows)))


def has_media(bank=None, category=None, type=None, difficulty=None, search=None) -> bool:
    return any(q.media_links for q in _questions(bank, category, type, difficulty, search))


def export_zip(bank=None, category=None, type=None, difficulty=None, search=None) -> bytes:
    """The matching questions as a .zip: 题库.xlsx (template layout + a media column naming
    the files) and media/ with each file once."""
    questions = _questions(bank, category, type, difficulty, search)
    rows = [service.question_to_dict(q) for q in questions]
    wb = template.new_workbook(rows)
    ws = wb[template.SHEET_TITLE]
    col = len(template.COLUMNS) + 1
    ws.cell(1, col, MEDIA_HEADER[0]).font = Font(bold=True)
    ws.cell(2, col, MEDIA_HEADER[1])
    ws.column_dimensions[ws.cell(1, col).column_letter].width = 30
    names: dict[str, str] = {}  # sha256 -> file name in media/
    used: set[str] = set()
    for n, q in enumerate(questions):
        files = []
        for link in q.media_links:
            if link.sha256 not in names:
                name = display_name(link.name or link.sha256, link.media.ext)
                if name.casefold() in used:
                    name = f"{link.sha256[:16]}.{link.media.ext}"
                used.add(name.casefold())
                names[link.sha256] = name
            files.append(names[link.sha256])
        if files:
            template.put(ws, 3 + n, col, "|".join(files))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("题库 questions.xlsx", template.save(wb))
        exts = {ln.sha256: ln.media.ext for q in questions for ln in q.media_links}
        for sha, name in names.items():
            path = path_for(current_app.instance_path, sha, exts[sha])
            zf.write(path, f"media/{name}", compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()
