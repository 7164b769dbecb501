"""The outbox's jobs: `core.mail_deliver`, queued by `outbox.wake()` when a message is added, and a periodic
run every minute that takes back what dead workers left and sends what became due (retries)."""
from __future__ import annotations

from typing import Any

from ..jobs import JobContext, TaskRegistry, crontab
from . import outbox


def deliver(ctx: JobContext) -> dict[str, int]:
    return outbox.deliver(ctx.app)


def recover_and_deliver(ctx: JobContext) -> dict[str, Any]:
    """What dead workers left (queued again or unknown), then the due messages."""
    return {"recovered": outbox.recover(ctx.app), "sent": outbox.deliver(ctx.app)}


def register(tasks: TaskRegistry) -> None:
    tasks.task("mail_deliver", deliver)
    tasks.periodic("mail_outbox", recover_and_deliver, crontab(minute="*"))
