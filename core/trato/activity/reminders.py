"""Reminders: a periodic job turns each due reminder into one in-app notification, exactly once.

Each reminder is claimed with `UPDATE ... WHERE reminded_at IS NULL`: when
two workers run the job at the same moment, the database lets only one of
them change the row, and only that one writes the notification, in the same
transaction as its claim.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select, update

from .. import db
from ..jobs import JobContext, TaskRegistry, crontab
from ..models import utcnow
from . import notifications
from .models import Activity
from .targets import titles

BATCH = 200


def due_now() -> list[Row[Any]]:
    """The reminders whose time has come and that nobody has claimed yet."""
    return list(db.session().execute(
        select(Activity.id, Activity.entity, Activity.record_id, Activity.assignee_id, Activity.created_by,
               Activity.subject, Activity.due_at)
        .where(Activity.remind_at <= utcnow(), Activity.reminded_at.is_(None), Activity.done_at.is_(None))
        .order_by(Activity.remind_at).limit(BATCH)))


def deliver(due: list[Row[Any]]) -> int:
    """Claim each reminder and notify the assignee (or the author) of those this worker won; how many."""
    session = db.session()
    live = titles([(a.entity, a.record_id) for a in due], None)
    session.commit()  # each claim starts a fresh transaction: SQLite refuses to write from a stale snapshot
    now, sent = utcnow(), 0
    for a in due:
        claimed = session.execute(update(Activity).where(Activity.id == a.id, Activity.reminded_at.is_(None))
                                  .values(reminded_at=now)).rowcount
        who = a.assignee_id or a.created_by
        if claimed == 1 and who is not None and (a.entity, a.record_id) in live:
            notifications.send(session, [who], notifications.REMINDER, a.entity, a.record_id,
                               live[(a.entity, a.record_id)][1], a.created_by, activity_id=a.id, subject=a.subject,
                               due_at=a.due_at.isoformat() if a.due_at else None)
            sent += 1
        session.commit()  # the claim and its notification together, one reminder at a time
    return sent


def deliver_due() -> int:
    """Send every reminder whose time has come; how many this call sent."""
    return deliver(due_now())


def send_reminders(ctx: JobContext) -> int:
    return deliver_due()


def register(tasks: TaskRegistry) -> None:
    tasks.periodic("send_reminders", send_reminders, crontab(minute="*"))
