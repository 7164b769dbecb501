"""The outbox: every message is a row, sent by a background job, never twice.

How a message is never sent twice (docs/mail.md says the same for admins):

1. A worker claims a queued message with one conditional UPDATE (state
   queued -> sending, a fresh `claim_token`), committed before it talks to
   the server: of two workers, one wins.
2. When the server says to go ahead with the content (DATA's 354), the
   worker commits `data_at`, still under its token, then sends the content.
   If the token no longer matches (the message was taken back as stale),
   nothing is sent.
3. A worker killed before step 2 leaves a `sending` row without `data_at`:
   the server never got the whole message, so `recover` queues it again.
   Killed after step 2, the server may or may not have taken it: `recover`
   marks it `unknown` and it is never sent again by itself. An admin sees it
   in the outbox and decides (send again, or mark it sent). Waiting for a
   human once in a long while beats a customer receiving an invoice twice.

A refusal for now (4xx, a connection lost before the content was complete)
queues the message again after a back-off that doubles from a minute up to
six hours, up to `mail_max_attempts` tries; a 5xx fails it with the
server's reason. `mail_per_hour` caps what all workers send together,
counted by the core's shared counters (trato.throttle).
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import db, throttle
from ..activity import storage
from ..activity.models import Attachment
from ..i18n import _
from ..models import utcnow
from ..throttle import Limit
from .models import CANCELLED, FAILED, QUEUED, SENDING, SENT, UNKNOWN, OutLink, OutboxMessage
from .smtp import Connection, Refused, Unknown, new_message_id

log = logging.getLogger("trato.mail")
TASK = "core.mail_deliver"
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)
UNREACHED = "unreached"
BATCH = 500  # messages one run of the job sends at most before it leaves the rest to the next run


def queue(session: Session, *, sender: str, to: Sequence[str], subject: str, text: str, html: str | None = None,
          cc: Sequence[str] = (), bcc: Sequence[str] = (), reply_to: str | None = None,
          attachments: Sequence[int] = (), entity: str | None = None, record_id: int | None = None,
          links: Iterable[tuple[str, int]] = (), created_by: int | None = None, kind: str = "message"
          ) -> OutboxMessage:
    """Add a message to the outbox in `session`'s transaction; call `wake()` once the caller has committed.

    `entity` and `record_id` name the record it is sent from (a reply finds
    it by its Message-ID); `links` are other records whose timeline shows it
    (the related contacts); `attachments` are ids of the record's files.
    """
    settings = current_app.extensions["trato"].settings
    message = OutboxMessage(kind=kind, sender=sender, reply_to=reply_to, to_addrs=list(to), cc_addrs=list(cc),
                            bcc_addrs=list(bcc), subject=subject[:500], text_body=text, html_body=html,
                            attachments=list(attachments), state=QUEUED, attempts=0, next_attempt_at=utcnow(),
                            last_error="", message_id=new_message_id(settings), entity=entity,
                            record_id=record_id, created_by=created_by, created_at=utcnow())
    session.add(message)
    session.flush()
    shown = dict.fromkeys(([(entity, record_id)] if entity and record_id else []) + list(links))
    for e, r in shown:
        session.add(OutLink(outbox_id=message.id, entity=e, record_id=r))
    return message


def wake() -> None:
    """Ask a worker to send what is due now (in tests and `jobs_immediate`, this sends it at once)."""
    current_app.extensions["trato"].tasks[TASK]()


def system_sender() -> str:
    settings = current_app.extensions["trato"].settings
    return formataddr(("Trato", settings.smtp_from))


def _writer(app: Flask) -> Session:
    """A session of its own (every step commits by itself), writing even on a read-replica install."""
    return app.extensions["trato"].sessionmaker()  # type: ignore[no-any-return]


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th try was refused for now."""
    return min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), LONGEST_DELAY)


def _due(app: Flask) -> int | None:
    with db.reading(False), _writer(app) as s:
        return s.scalar(select(OutboxMessage.id).where(OutboxMessage.state == QUEUED,
                                                       OutboxMessage.next_attempt_at <= utcnow())
                        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))


def _claim(app: Flask, message_id: int) -> str | None:
    """Take the message for this worker (committed), or None when another took it first."""
    token = secrets.token_hex(16)
    with db.reading(False), _writer(app) as s, s.begin():
        won = s.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == QUEUED)
                        .values(state=SENDING, claim_token=token, claimed_at=utcnow(), data_at=None,
                                attempts=OutboxMessage.attempts + 1)).rowcount
    return token if won == 1 else None


def _finish(app: Flask, message_id: int, token: str, **values: Any) -> bool:
    """Change the message if this worker's claim still holds it."""
    with db.reading(False), _writer(app) as s, s.begin():
        return s.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                     OutboxMessage.claim_token == token)
                         .values(**values)).rowcount == 1  # type: ignore[attr-defined, no-any-return]


def _limit(app: Flask) -> Limit | None:
    per_hour = app.extensions["trato"].settings.mail_per_hour
    return Limit("mail.out", per_hour, 3600) if per_hour else None


def _over_limit(app: Flask) -> timedelta | None:
    """Count one message against the hourly limit; how long to wait when it is spent."""
    limit = _limit(app)
    return throttle.hit([(limit, "all")]) if limit is not None else None


def _content(app: Flask, message: OutboxMessage) -> EmailMessage:
    """The message as it goes out: text, HTML alternative, the attached files read from storage."""
    mail = EmailMessage()
    mail["From"] = message.sender
    if message.to_addrs:
        mail["To"] = ", ".join(message.to_addrs)
    if message.cc_addrs:
        mail["Cc"] = ", ".join(message.cc_addrs)
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    mail["Subject"] = message.subject
    mail["Message-ID"] = f"<{message.message_id}>"
    mail["Date"] = message.created_at.strftime("%a, %d %b %Y %H:%M:%S +0000")
    mail["Auto-Submitted"] = "auto-generated" if message.kind in ("reset", "notification") else "no"
    mail["X-Trato-Outbox"] = str(message.id)  # mail in knows our own message come back (a loop) by it
    mail.set_content(message.text_body)
    if message.html_body:
        mail.add_alternative(message.html_body, subtype="html")
    ids = list(message.attachments or [])
    if ids:
        with _writer(app) as s:
            files = {a.id: a for a in s.scalars(select(Attachment).where(Attachment.id.in_(ids)))}
        for attachment_id in ids:
            found = files.get(attachment_id)
            if found is None:
                raise Refused(_("An attached file was deleted before the message was sent."), permanent=True)
            kind, _slash, sub = found.content_type.partition("/")
            mail.add_attachment(storage.path_of(found).read_bytes(), maintype=kind, subtype=sub or "octet-stream",
                                filename=found.file_name)
    return mail


def _recipients(message: OutboxMessage) -> list[str]:
    return [parseaddr(a)[1] for a in [*message.to_addrs, *message.cc_addrs, *message.bcc_addrs] if parseaddr(a)[1]]


def _send(app: Flask, connection: Connection, message_id: int, token: str) -> str:
    """Send one claimed message and record the outcome; the state it ended in ("unreached" when no session
    with the server could be opened: the message is queued again, and the batch stops)."""
    settings = app.extensions["trato"].settings
    with _writer(app) as s:
        message = s.get(OutboxMessage, message_id)
        assert message is not None
        s.expunge(message)

    def content_goes() -> bool:
        return _finish(app, message_id, token, data_at=utcnow())

    try:
        content = _content(app, message).as_bytes()
        answer = connection.deliver(settings.smtp_from, _recipients(message), content, content_goes)
    except Refused as exc:
        tries_left = message.attempts < settings.mail_max_attempts
        if exc.permanent or not tries_left:
            _finish(app, message_id, token, state=FAILED, last_error=exc.reason[:2000], claim_token=None)
            log.warning("mail %s failed: %s", message.message_id, exc.reason)
            return FAILED
        _finish(app, message_id, token, state=QUEUED, last_error=exc.reason[:2000], claim_token=None,
                next_attempt_at=utcnow() + backoff(message.attempts))
        log.info("mail %s refused for now (try %d): %s", message.message_id, message.attempts, exc.reason)
        return QUEUED if exc.reached else UNREACHED
    except Unknown as exc:
        _finish(app, message_id, token, state=UNKNOWN, last_error=_unknown_reason(str(exc)), claim_token=None)
        log.warning("mail %s: outcome unknown: %s", message.message_id, exc)
        return UNKNOWN
    _finish(app, message_id, token, state=SENT, sent_at=utcnow(), last_error=answer[:2000], claim_token=None)
    return SENT


def _unknown_reason(detail: str) -> str:
    return _("The connection broke after the whole message was sent, before the server answered: it may have "
             "been delivered or not. Ask the recipient, then send it again or mark it sent. (%(detail)s)",
             detail=detail)


def deliver(app: Flask, limit: int = BATCH) -> dict[str, int]:
    """Send the messages that are due, one at a time over one connection; how many ended in each state."""
    done: dict[str, int] = {}
    connection = Connection(app.extensions["trato"].settings)
    try:
        for _n in range(limit):
            message_id = _due(app)
            if message_id is None:
                break
            token = _claim(app, message_id)
            if token is None:
                continue  # another worker took it
            wait = _over_limit(app)
            if wait is not None:
                _finish(app, message_id, token, state=QUEUED, claim_token=None,
                        attempts=OutboxMessage.attempts - 1, next_attempt_at=utcnow() + wait,
                        last_error=_("The hourly limit of messages (mail_per_hour) was reached; it goes later."))
                done["postponed"] = done.get("postponed", 0) + 1
                break
            outcome = _send(app, connection, message_id, token)
            key = QUEUED if outcome == UNREACHED else outcome
            done[key] = done.get(key, 0) + 1
            if outcome == UNREACHED:
                break  # the server (or its settings) is the trouble: the others wait for the next run
    finally:
        connection.close()
    return done


def recover(app: Flask, now: datetime | None = None) -> dict[str, int]:
    """Messages whose worker died while sending (claimed longer ago than `mail_stale_seconds`): queued again
    when their content never went, `unknown` when it may have. Each change still requires the row to be as
    it was read, so two workers recovering at once change it once."""
    stale = (now or utcnow()) - timedelta(seconds=app.extensions["trato"].settings.mail_stale_seconds)
    base = (OutboxMessage.state == SENDING) & (OutboxMessage.claimed_at < stale)
    with db.reading(False), _writer(app) as s, s.begin():
        again = s.execute(update(OutboxMessage).where(base, OutboxMessage.data_at.is_(None)).values(
            state=QUEUED, claim_token=None, next_attempt_at=utcnow(),
            last_error=_("The worker sending it stopped before the server got the message; queued again.")
        )).rowcount
        unknown = s.execute(update(OutboxMessage).where(base, OutboxMessage.data_at.is_not(None)).values(
            state=UNKNOWN, claim_token=None,
            last_error=_unknown_reason(_("the worker sending it stopped")))).rowcount
    return {"queued": again, "unknown": unknown}


def retry(session: Session, message: OutboxMessage) -> bool:
    """An admin sends a failed, cancelled or unknown message again (for unknown: having checked it did not
    arrive)."""
    if message.state not in (FAILED, CANCELLED, UNKNOWN):
        return False
    message.state, message.next_attempt_at, message.claim_token, message.data_at = QUEUED, utcnow(), None, None
    message.attempts = 0
    return True


def cancel(session: Session, message: OutboxMessage) -> bool:
    """An admin stops a message that has not gone yet."""
    changed = session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id,
                                                          OutboxMessage.state == QUEUED)
                              .values(state=CANCELLED)).rowcount
    return changed == 1  # type: ignore[no-any-return]


def mark_sent(session: Session, message: OutboxMessage) -> bool:
    """An admin records that an unknown message did arrive."""
    if message.state != UNKNOWN:
        return False
    message.state, message.sent_at = SENT, message.data_at or utcnow()
    return True


def counts(session: Session) -> dict[str, int]:
    """How many messages are in each state, for the admin page."""
    return dict(session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
