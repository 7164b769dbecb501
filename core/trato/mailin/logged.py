"""The messages received and logged on a record, for its timeline (beside the ones sent, under "Emails")."""
from __future__ import annotations

from sqlalchemy import select

from .. import db
from .models import MailLink, ReceivedMail


def received_mail(entity: str, record_id: int, limit: int) -> list[ReceivedMail]:
    """The received messages logged on the record, newest first."""
    return list(db.session().scalars(
        select(ReceivedMail).join(MailLink, MailLink.mail_id == ReceivedMail.id)
        .where(MailLink.entity == entity, MailLink.record_id == record_id)
        .order_by(ReceivedMail.received_at.desc(), ReceivedMail.id.desc()).limit(limit)))
