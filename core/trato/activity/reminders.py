"""Reminders: a periodic job turns each due reminder into one in-app notification, exactly once.

Each reminder is claimed with `UPDATE ... WHERE reminded_at IS NULL`: when
two workers run the job at the same moment, the database lets only one of
them change the row, and only that one writes the notification, in the same
transaction as its claim.
"""
from __future__ import annotations

from sqlalchemy import select, update

from .. import db
from ..jobs import JobContext, TaskRegistry, crontab
from ..models import utcnow
from . import notifications
from .models import Activity
from .targets import titles

BATCH = 200


def deliver_due() -> int:
    """Notify the assignee (or the author) of every reminder whose time has come; how many were sent."""
    session = db.session()
    now = utcnow()
    due = list(session.scalars(select(Activity).where(
        Activity.remind_at <= now, Activity.reminded_at.is_(None), Activity.done_at.is_(None)
    ).order_by(Activity.remind_at).limit(BATCH)))
    live = titles([(a.entity, a.record_id) for a in due], None)
    sent = 0
    for activity in due:
        claimed = session.execute(update(Activity).where(Activity.id == activity.id, Activity.reminded_at.is_(None))
                                  .values(reminded_at=now)).rowcount
        who = activity.assignee_id or activity.created_by
        if claimed != 1 or who is None or (activity.entity, activity.record_id) not in live:
            continue  # another worker has it, nobody to tell, or the record is in the recycle bin
        notifications.send(session, [who], notifications.REMINDER, activity.entity, activity.record_id,
                           live[(activity.entity, activity.record_id)][1], activity.created_by,
                           activity_id=activity.id, subject=activity.subject,
                           due_at=activity.due_at.isoformat() if activity.due_at else None)
        sent += 1
    session.commit()
    return sent


def send_reminders(ctx: JobContext) -> int:
    return deliver_due()


def register(tasks: TaskRegistry) -> None:
    tasks.periodic("send_reminders", send_reminders, crontab(minute="*"))
