"""An admin's decisions on a message that waits in the inbox: log it on a record, make a lead of its sender, or
discard it. Each works from the raw message kept at intake, so the attachments come along."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .. import db, records
from ..errors import TratoError
from ..i18n import _
from . import matching
from .intake import Target, files_undone_on_failure, log_on, make_lead, raw_of
from .models import ReceivedMail
from .parse import parse

WAITING = ("inbox",)


class DecisionRefused(TratoError):
    """The decision cannot be made (the message was decided already, the record is not there); `field` names
    the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def lead_entities() -> list[Any]:
    """Entities a lead can be made in: those with an email field to hold the sender."""
    return [e for e in records.entities() if matching.email_fields(e) and not e.parent]


def _waiting(mail_id: int) -> ReceivedMail:
    row = db.session().scalar(select(ReceivedMail).where(ReceivedMail.id == mail_id).with_for_update())
    if row is None or row.status not in WAITING:
        raise DecisionRefused(_("This message was dealt with already."))
    return row


def attach(mail_id: int, entity: str, record_id: int) -> Target:
    """Log a waiting message on a record's timeline, with its attachments."""
    with files_undone_on_failure(), records.atomic():
        row = _waiting(mail_id)
        try:
            records.get(entity, record_id, user=None)
        except (records.RecordNotFound, TratoError):
            raise DecisionRefused(_("There is no such record."), "record_id") from None
        log_on(row, parse(raw_of(row)), (entity, record_id))
        row.status = "logged"
    return entity, record_id


def lead(mail_id: int, entity: str) -> Target:
    """Make a lead (a record of `entity`) of a waiting message's sender and log the message on it."""
    with files_undone_on_failure(), records.atomic():
        row = _waiting(mail_id)
        mail = parse(raw_of(row))
        if not mail.sender:
            raise DecisionRefused(_("The message has no sender address."), "entity")
        try:
            made = make_lead(entity, mail)
        except (records.ValidationFailed, TratoError) as exc:
            raise DecisionRefused(_("No lead could be made: %(error)s", error=str(exc)), "entity") from None
        log_on(row, mail, made)
        row.status = "lead"
    return made


def discard(mail_id: int) -> None:
    """Set a waiting message aside; it stays listed as discarded, with its raw message kept."""
    with records.atomic():
        _waiting(mail_id).status = "discarded"
