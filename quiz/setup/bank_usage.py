"""Tells the bank which of its questions contests drew (``question_bank.service.register_usage``).

The dependency stays one way: the contest side knows the bank's question ids (QuestionUse);
the bank only calls the lookup registered here.
"""

from sqlalchemy import func, select

from quiz.base.extensions import db
from quiz.record.models import Contest, QuestionUse


class ContestUsage:
    def used_ids(self):
        """Ids of bank questions drawn into any contest."""
        return select(QuestionUse.bank_question_id).distinct()

    def contests(self, question_ids) -> list[tuple[str, int]]:
        """(contest name, how many of ``question_ids`` it drew), by name."""
        stmt = (
            select(Contest.name, func.count(QuestionUse.id))
            .join(QuestionUse, QuestionUse.contest_id == Contest.id)
            .where(QuestionUse.bank_question_id.in_(question_ids))
            .group_by(Contest.id, Contest.name)
            .order_by(Contest.name)
        )
        return [(name, n) for name, n in db.session.execute(stmt)]


def init_app(app) -> None:
    from question_bank import service

    service.register_usage(app, ContestUsage())
