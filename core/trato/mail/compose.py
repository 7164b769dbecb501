"""Mail from a record: what the compose form holds, checked, turned into an outbox message logged on the
record's timeline and on those of the related records (contacts) it goes to."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import formataddr, getaddresses, parseaddr
from typing import IO, Any

from sqlalchemy import select

from .. import db, extras, records
from ..activity.models import Attachment
from ..activity.notes import as_html, clean
from ..entities import Entity
from ..errors import TratoError
from ..i18n import _
from ..users import EMAIL_RE
from . import identity, outbox
from .models import OutboxMessage
from .recipients import candidates

MAX_RECIPIENTS = 50


class ComposeError(TratoError):
    """Bad input on the compose form; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Upload:
    name: str
    stream: IO[bytes]


@dataclass
class Draft:
    """What the person wrote: addresses as typed (comma-separated), the text, files to attach."""

    to: str
    subject: str
    body: str
    cc: str = ""
    bcc: str = ""
    attachment_ids: Sequence[int] = ()
    uploads: list[Upload] = field(default_factory=list)


def addresses(raw: str, name: str) -> list[str]:
    """The addresses typed in field `name` ("Ann <ann@example.com>, bob@example.com"), or ComposeError naming
    the piece that is not one."""
    found = []
    for piece in raw.replace(";", ",").split(","):
        if not piece.strip():
            continue
        display, address = parseaddr(piece)
        if not EMAIL_RE.match(address or "") or (not display and address != piece.strip().strip("<>")):
            raise ComposeError(_("“%(text)s” is not an email address.", text=piece.strip()), name)
        found.append(formataddr((display, address)) if display else address)
    return found


def _attachments(entity: Entity, record_id: int, ids: Sequence[int]) -> list[int]:
    """The chosen files, each of which must be one of the record's own."""
    if not ids:
        return []
    own = set(db.session().scalars(select(Attachment.id).where(
        Attachment.entity == entity.name, Attachment.record_id == record_id, Attachment.id.in_(list(ids)))))
    if own != set(ids):
        raise ComposeError(_("Attach only this record's files."), "attachments")
    return list(ids)


def send_from_record(entity: Entity, record_id: int, user: Any, draft: Draft) -> OutboxMessage:
    """Check the draft and queue it from the record (committed, a worker woken); ComposeError says what is wrong.

    The record must be visible to the user; uploaded files become the record's files first."""
    record = records.get(entity, record_id, user=user)
    to, cc, bcc = addresses(draft.to, "to"), addresses(draft.cc, "cc"), addresses(draft.bcc, "bcc")
    if not to:
        raise ComposeError(_("Write to at least one address."), "to")
    if len(to) + len(cc) + len(bcc) > MAX_RECIPIENTS:
        raise ComposeError(_("Write to %(num)d addresses at most.", num=MAX_RECIPIENTS), "to")
    subject, body = draft.subject.strip(), draft.body.strip()
    if not subject:
        raise ComposeError(_("Write a subject."), "subject")
    if not body:
        raise ComposeError(_("Write the message."), "body")
    chosen = _attachments(entity, record_id, draft.attachment_ids)
    for upload in draft.uploads:
        chosen.append(extras.attach(entity.name, record_id, upload.name, upload.stream, user).id)
    going = {getaddresses([a])[0][1].lower() for a in [*to, *cc, *bcc]}
    links = [(c.entity, c.record_id) for c in candidates(entity, record, user) if c.address.lower() in going]
    session = db.session()
    sender, reply_to = identity.sender(session, user)
    message = outbox.queue(session, sender=sender, reply_to=reply_to, to=to, cc=cc, bcc=bcc, subject=subject,
                           text=body + "\n", html=clean(as_html(body)), attachments=chosen, entity=entity.name,
                           record_id=record_id, links=links, created_by=user.id, kind="record")
    session.commit()
    outbox.wake()
    return message
