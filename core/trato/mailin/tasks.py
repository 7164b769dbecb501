"""The mail-in poller as a periodic task: every minute, once across workers (core_periodic_claim)."""
from __future__ import annotations

from ..jobs import JobContext, TaskRegistry, crontab
from . import imap


def poll_mailboxes(ctx: JobContext) -> dict[str, dict[str, object]]:
    """Take in the new mail of every active IMAP mailbox; per mailbox, what was taken and any error."""
    return {p.mailbox: {"taken": p.taken, "duplicates": p.duplicates, "refused": p.refused, "error": p.error}
            for p in imap.poll_all()}


def register(tasks: TaskRegistry) -> None:
    tasks.periodic("poll_mailboxes", poll_mailboxes, crontab(minute="*"))
