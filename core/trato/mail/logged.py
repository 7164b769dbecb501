"""The messages sent from a record or to one of its related records, for its timeline."""
from __future__ import annotations

from sqlalchemy import select

from .. import db
from .models import OutboxMessage, OutLink


def sent_mail(entity: str, record_id: int, limit: int) -> list[OutboxMessage]:
    """The outbox messages logged on the record, newest first."""
    return list(db.session().scalars(
        select(OutboxMessage).join(OutLink, OutLink.outbox_id == OutboxMessage.id)
        .where(OutLink.entity == entity, OutLink.record_id == record_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)))
