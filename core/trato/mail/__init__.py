"""Mail out: an outbox sent by a background job, never twice; templates; mail from records; notifications.

    from trato import mail
    message = mail.queue(session, sender=..., to=["ann@example.com"], subject="...", text="...",
                         entity="contacts_contact", record_id=7)
    session.commit(); mail.wake()

`send` mails one plain message at once, inside the request (invitations,
where the admin must see at once whether it left). docs/mail.md is the
reference.
"""
from __future__ import annotations

from .smtp import MailError, configured, send

__all__ = ["MailError", "configured", "queue", "send", "wake"]


def queue(*args: object, **kwargs: object) -> object:
    """outbox.queue: add a message to the outbox in the caller's transaction."""
    from .outbox import queue as add

    return add(*args, **kwargs)  # type: ignore[arg-type]


def wake() -> None:
    """outbox.wake: ask a worker to send what is due, once the caller has committed."""
    from .outbox import wake as now

    now()
