"""Mail out: an outbox sent by a background job, never twice; templates; mail from records; notifications.

    from trato import mail
    mail.queue(session, sender="Ann <crm@example.com>", to=["bob@example.com"], subject="Your quote",
               text="...", attachments=[pdf.attachment_id], entity="invoicing_quote", record_id=7)
    session.commit()
    mail.wake()

`send` mails one plain message at once, inside the request (invitations,
where the admin must see at once whether it left). docs/mail.md is the
reference.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .smtp import MailError, configured, send

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .models import OutboxMessage

__all__ = ["MailError", "configured", "queue", "send", "sender", "wake"]


def queue(session: Session, **message: Any) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (the keywords of `outbox.queue`: sender, to,
    subject, text, html, cc, bcc, reply_to, attachments, entity, record_id, links, created_by, kind)."""
    from .outbox import queue as add  # the outbox needs the record service, which needs the models: not at import

    return add(session, **message)


def sender(session: Session, user: Any = None) -> tuple[str, str | None]:
    """The From and Reply-To of mail sent by `user` (their Profile → Mail identity, as mail from a record uses),
    or, for None (a job), the install's own: "Trato" at `smtp_from`, with no Reply-To."""
    if user is None:
        from .outbox import system_sender

        return system_sender(), None
    from .identity import sender as of_user

    return of_user(session, user)


def wake() -> None:
    """Ask a worker to send what is due, once the caller has committed."""
    from .outbox import wake as now

    now()
