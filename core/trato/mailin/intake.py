"""One way in for every received message, whichever door it came through (IMAP, the MTA pipe, HTTP).

`take` stores a message once (its Message-ID is unique: the same message
taken twice, or by two workers at once, is stored once), keeps the raw bytes
under `upload_dir`, finds the records it belongs to (matching.py), logs it on
their timelines as a note with its attachments, offers it to plugins through
the `mail_received` hook, and deals with a sender nobody knows as its
mailbox says: a new lead, or the inbox where an admin decides. All of that
commits together, or not at all (then the door reports a temporary failure
and the message comes again).
"""
from __future__ import annotations

import contextvars
import io
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import db, extras, records
from ..activity import storage
from ..activity.models import Attachment
from ..entities.errors import UnknownEntity
from ..errors import TratoError
from ..i18n import _
from ..models import utcnow
from . import matching
from .matching import Target
from .models import UNKNOWN_LEAD, MailLink, Mailbox, ReceivedMail
from .parse import Parsed, parse

log = logging.getLogger("trato.mailin")
# A header our outbox may set on what it sends; a message carrying it is our own come back.
LOOP_HEADERS = ("x-trato-outbox", "x-trato-message")


@dataclass(frozen=True)
class MailInfo:
    """A received message as the `mail_received` hook sees it."""

    id: int
    message_id: str
    subject: str
    sender: str
    sender_name: str
    recipients: tuple[str, ...]
    body: str
    source: str
    mailbox: str | None
    matches: tuple[Target, ...]  # (entity, record id) it was logged on before plugins were asked
    auto_submitted: bool


@dataclass(frozen=True)
class Taken:
    """What became of a message: its row, its status and where it was logged; `duplicate` when it was
    taken in before (nothing was done again)."""

    mail_id: int
    status: str
    targets: tuple[Target, ...]
    duplicate: bool = False


_STORED: contextvars.ContextVar[list[Path] | None] = contextvars.ContextVar("mailin_stored", default=None)


@contextmanager
def files_undone_on_failure() -> Iterator[None]:
    """Around a transaction that logs mail: the attachment files it stored go again if it fails (their rows
    were rolled back, so nothing would ever name them)."""
    stored: list[Path] = []
    token = _STORED.set(stored)
    try:
        yield
    except BaseException:
        for path in stored:
            path.unlink(missing_ok=True)
        raise
    finally:
        _STORED.reset(token)


def raw_path(key: str) -> Path:
    return current_app.extensions["trato"].settings.upload_path / "mail" / key[:2] / f"{key}.eml"


def _keep_raw(raw: bytes) -> str:
    key = secrets.token_hex(16)
    path = raw_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return key


def _existing(message_id: str) -> Taken | None:
    row = db.session().execute(select(ReceivedMail.id, ReceivedMail.status)
                               .where(ReceivedMail.message_id == message_id)).first()
    if row is None:
        return None
    links = db.session().execute(select(MailLink.entity, MailLink.record_id).where(MailLink.mail_id == row.id))
    return Taken(row.id, row.status, tuple((e, r) for e, r in links), duplicate=True)


def own_addresses(mailbox: Mailbox | None) -> set[str]:
    """Addresses that are ours: the sender address of mail out and the mailbox's login when it is one."""
    ours = {current_app.extensions["trato"].settings.smtp_from.lower()}
    if mailbox is not None and "@" in mailbox.username:
        ours.add(mailbox.username.lower())
    return ours


def is_loop(session: Any, mail: Parsed, ours: set[str]) -> bool:
    """Whether `mail` is one we sent, come back (bounced to ourselves, forwarded back, a mailing loop)."""
    if any(h in mail.headers for h in LOOP_HEADERS) or matching.sent_by_us(session, mail.message_id):
        return True
    domains = {a.rpartition("@")[2] for a in ours if "@" in a}
    return mail.sender in ours and mail.message_id.rpartition("@")[2].lower() in domains


def _attachments(mail: Parsed) -> tuple[list[Any], list[str]]:
    """The attachments within the mail-in limit, and a line for each one refused for its size."""
    limit_mb = current_app.extensions["trato"].settings.mail_attachment_max_mb
    kept, refused = [], []
    for part in mail.attachments:
        if len(part.data) > limit_mb * 1024 * 1024:
            refused.append(_("Attachment %(name)s refused: %(size)s MB is over the limit of %(mb)s MB.",
                             name=part.name, size=round(len(part.data) / 1048576, 1), mb=limit_mb))
        else:
            kept.append(part)
    return kept, refused


def log_on(mail_row: ReceivedMail, mail: Parsed, target: Target) -> bool:
    """Log the message on one record's timeline (its "Emails") with its attachments kept as the record's files;
    False when the record is gone (deleted or purged since)."""
    entity, record_id = target
    session = db.session()
    if session.scalar(select(MailLink.id).where(MailLink.mail_id == mail_row.id, MailLink.entity == entity,
                                                MailLink.record_id == record_id)) is not None:
        return True
    try:
        records.get(entity, record_id, user=None)
    except (records.RecordNotFound, UnknownEntity):
        return False
    kept, refusals = _attachments(mail)
    for part in kept:
        try:
            kept_file = extras.attach(entity, record_id, part.name, io.BytesIO(part.data), None)
        except extras.ExtraRefused as exc:
            refusals.append(_("Attachment %(name)s refused: %(reason)s", name=part.name, reason=str(exc)))
            continue
        stored = _STORED.get()
        if stored is not None:
            stored.append(storage.path_of(session.get(Attachment, kept_file.id)))  # type: ignore[arg-type]
    session.add(MailLink(mail_id=mail_row.id, entity=entity, record_id=record_id))
    for line in refusals:
        if line not in mail_row.notes:
            mail_row.notes = (mail_row.notes + "\n" + line).strip()
    return True


def make_lead(entity_name: str, mail: Parsed) -> Target:
    """A new record of `entity_name` (the mailbox's lead entity, whichever plugin defines it) for the sender:
    the address in its first email field, the sender's name in its title fields."""
    entity = records.entity(entity_name)
    emails = matching.email_fields(entity)
    if not emails:
        raise TratoError(_("The entity %(name)s has no email field to hold the sender.", name=entity_name))
    values: dict[str, Any] = {emails[0]: mail.sender}
    name = mail.sender_name.strip() or mail.sender.partition("@")[0]
    parts = [p for p in (entity.title_parts or ((entity.title_field,) if entity.title_field else ()))
             if p in entity.fields and entity.fields[p].type.name == "text"]
    if len(parts) >= 2:
        first, _sep, rest = name.partition(" ")
        values[parts[0]], values[parts[1]] = (first, rest) if rest else ("", first)
    elif parts:
        values[parts[0]] = name
    values = {k: v for k, v in values.items() if v}
    return entity.name, records.create(entity, values, user=None).id


def _offer(info: MailInfo) -> Target | None:
    """Ask plugins whether one claims the message (email to case); its answer, or None."""
    answer = current_app.extensions["trato"].plugins.hook.mail_received(mail=info)
    if answer is None:
        return None
    entity, record_id = answer
    return str(entity), int(record_id)


def _decide(session: Any, row: ReceivedMail, mail: Parsed, mailbox: Mailbox | None, found: list[Target]
            ) -> list[Target]:
    """Offer the message to plugins, then deal with an unknown sender; where it is to be logged."""
    info = MailInfo(row.id, mail.message_id, mail.subject, mail.sender, mail.sender_name, tuple(mail.recipients),
                    mail.body, row.source, mailbox.name if mailbox else None, tuple(found), mail.auto_submitted)
    try:
        with session.begin_nested():
            claim = _offer(info)
    except Exception as exc:  # noqa: BLE001  (a failing plugin must not block the mailbox)
        log.exception("mail_received failed for %s", mail.message_id)
        row.notes = (row.notes + "\n" + _("A plugin failed on this message: %(error)s", error=str(exc))).strip()
        claim = None
    if claim is not None:
        row.status, row.claimed_by = "claimed", claim[0]
        return list(dict.fromkeys([*found, claim]))
    if found:
        row.status = "logged"
        return found
    row.status = "inbox"
    if mailbox is not None and mailbox.unknown_senders == UNKNOWN_LEAD and mailbox.lead_entity \
            and mail.sender and not mail.auto_submitted:
        try:
            with session.begin_nested():
                lead = make_lead(mailbox.lead_entity, mail)
        except (TratoError, records.ValidationFailed) as exc:
            row.notes = (row.notes + "\n" + _("No lead could be made: %(error)s", error=str(exc))).strip()
            return []
        row.status = "lead"
        return [lead]
    return []


def take(raw: bytes, source: str, mailbox: Mailbox | None = None) -> Taken:
    """Take one RFC 822 message in (NotAMessage when it is not one); what became of it."""
    mail = parse(raw)
    known = _existing(mail.message_id)
    if known is not None:
        return known
    key = _keep_raw(raw)
    ours = own_addresses(mailbox)
    try:
        with files_undone_on_failure(), records.atomic() as session:
            row = ReceivedMail(
                message_id=mail.message_id, in_reply_to=" ".join(mail.in_reply_to),
                references=" ".join(mail.references), sender=mail.sender[:320], sender_name=mail.sender_name[:255],
                recipients=" ".join(mail.recipients), subject=mail.subject, sent_at=mail.sent_at,
                received_at=utcnow(), source=source, mailbox_id=mailbox.id if mailbox else None, status="inbox",
                body=mail.body, notes="\n".join(mail.problems), size=len(raw), raw_key=key, claimed_by="")
            session.add(row)
            session.flush()  # a second taker of the same message stops here (unique message id)
            if is_loop(session, mail, ours):
                row.status = "loop"
                return Taken(row.id, row.status, ())
            found = matching.by_thread(session, mail.thread_ids)
            found += matching.by_address(session, {mail.sender, *mail.recipients} - ours)
            targets = _decide(session, row, mail, mailbox, list(dict.fromkeys(found)))
            logged = tuple(t for t in targets if log_on(row, mail, t))
            if targets and not logged and row.status == "logged":
                row.status = "inbox"
            return Taken(row.id, row.status, logged)
    except IntegrityError:
        raw_path(key).unlink(missing_ok=True)
        known = _existing(mail.message_id)
        if known is None:
            raise
        return known
    except BaseException:
        raw_path(key).unlink(missing_ok=True)
        raise


def raw_of(row: ReceivedMail) -> bytes:
    """The message as it was received."""
    return raw_path(row.raw_key).read_bytes()
