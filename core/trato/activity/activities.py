"""Activities (task, call, meeting) on records: add, mark done, delete, and each user's list by when they are due."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any

from flask_babel import get_timezone
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db, records
from ..i18n import _, _l
from ..models import User, utcnow
from . import notifications
from .errors import ActivityError, NotAllowed
from .models import KINDS, Activity
from .targets import may_change, titles

KIND_LABELS = {"task": _l("Task"), "call": _l("Call"), "meeting": _l("Meeting")}
MAX_REMINDER_MINUTES = 60 * 24 * 30
RECENT_DAYS = 7
LIST_LIMIT = 200


def local_to_utc(text: str) -> datetime:
    """A `datetime-local` input's text, read in the user's time zone, as a UTC moment."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ActivityError(_("Give the date and time as YYYY-MM-DD HH:MM."), "due_at") from None
    if moment.tzinfo is None:
        zone = get_timezone()  # pytz: `localize` finds the offset in force on that day
        moment = zone.localize(moment) if hasattr(zone, "localize") else moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def read_form(form: Mapping[str, str]) -> dict[str, Any]:
    """An activity's values from a submitted form, or ActivityError naming the field."""
    due = form.get("due_at", "").strip()
    reminder = form.get("reminder_minutes", "").strip()
    if reminder and (not reminder.isdigit() or int(reminder) > MAX_REMINDER_MINUTES):
        raise ActivityError(_("The reminder is a number of minutes between 0 and %(max)s.",
                              max=MAX_REMINDER_MINUTES), "reminder_minutes")
    assignee = form.get("assignee_id", "").strip()
    if assignee and not assignee.isdigit():
        raise ActivityError(_("Choose a user from the list."), "assignee_id")
    return checked(kind=form.get("kind", "task"), subject=form.get("subject", ""),
                   description=form.get("description", ""), due_at=local_to_utc(due) if due else None,
                   assignee_id=int(assignee) if assignee else None,
                   reminder_minutes=int(reminder) if reminder else None)


def checked(kind: str, subject: str, description: str = "", due_at: datetime | None = None,
            assignee_id: int | None = None, reminder_minutes: int | None = None) -> dict[str, Any]:
    """An activity's values as given by code or the API, checked: ActivityError names the field at fault."""
    if kind not in KINDS:
        raise ActivityError(_("Choose a task, a call or a meeting."), "kind")
    subject = " ".join((subject or "").split())
    if not subject:
        raise ActivityError(_("Give the activity a subject."), "subject")
    if len(subject) > 200:
        raise ActivityError(_("The subject has at most 200 characters."), "subject")
    if due_at is not None and due_at.tzinfo is None:
        raise ActivityError(_("Give the date and time as YYYY-MM-DD HH:MM."), "due_at")
    if reminder_minutes is not None:
        if isinstance(reminder_minutes, bool) or not 0 <= reminder_minutes <= MAX_REMINDER_MINUTES:
            raise ActivityError(_("The reminder is a number of minutes between 0 and %(max)s.",
                                  max=MAX_REMINDER_MINUTES), "reminder_minutes")
        if due_at is None:
            raise ActivityError(_("A reminder needs a due date."), "reminder_minutes")
    if assignee_id is not None and db.session().scalar(
            select(User.id).where(User.id == assignee_id, User.active.is_(True))) is None:
        raise ActivityError(_("Choose a user from the list."), "assignee_id")
    return dict(kind=kind, subject=subject, description=(description or "").strip()[:10_000],
                due_at=due_at.astimezone(timezone.utc) if due_at else None, assignee_id=assignee_id,
                reminder_minutes=reminder_minutes)


def _remind_at(due_at: datetime | None, minutes: int | None) -> datetime | None:
    return due_at - timedelta(minutes=minutes) if due_at is not None and minutes is not None else None


def add(entity: str, record_id: int, values: Mapping[str, Any], user: Any, session: Session | None = None
        ) -> Activity:
    """Add an activity (values from `read_form` or `checked`) to a record the caller has checked the user may view.

    It commits with the caller's `records.atomic()` (at once outside one); given a `session` of its own (demo
    data), it is only added to that session.
    """
    now = utcnow()
    values = dict(values)
    if values.get("assignee_id") is None:
        values["assignee_id"] = getattr(user, "id", None)
    activity = Activity(entity=entity, record_id=record_id, created_by=getattr(user, "id", None), created_at=now,
                        updated_at=now, remind_at=_remind_at(values.get("due_at"), values.get("reminder_minutes")),
                        **values)
    if session is not None:
        session.add(activity)
        return activity
    with records.atomic() as current:
        current.add(activity)
        _tell_assignee(current, activity, user)
    return activity


def _tell_assignee(session: Session, activity: Activity, user: Any) -> None:
    """Someone given an activity by another user hears of it (in the app, and by email if they asked)."""
    actor = getattr(user, "id", None)
    if activity.assignee_id is None or activity.assignee_id == actor:
        return
    session.flush()
    title = titles([(activity.entity, activity.record_id)], None).get((activity.entity, activity.record_id))
    notifications.send(session, [activity.assignee_id], notifications.ASSIGNED, activity.entity, activity.record_id,
                       title[1] if title else "", actor, activity_id=activity.id, subject=activity.subject,
                       due_at=activity.due_at.isoformat() if activity.due_at else None)


def find(activity_id: int) -> Activity | None:
    return db.session().get(Activity, activity_id)


def set_done(activity: Activity, done: bool, user: Any) -> Activity:
    """Mark done (or open again): the assignee, the author or an administrator may."""
    if activity.assignee_id != user.id and not may_change(user, activity.created_by):
        raise NotAllowed(_("Only the assignee, the author or an administrator may change this activity."))
    with records.atomic():
        activity.done_at = utcnow() if done else None
        activity.updated_at = utcnow()
    return activity


def delete(activity: Activity, user: Any) -> None:
    if not may_change(user, activity.created_by):
        raise NotAllowed(_("Only the author or an administrator may delete this activity."))
    with records.atomic() as session:
        session.delete(activity)


@dataclass(frozen=True)
class Listed:
    """An activity with the record it is about, for a user's lists."""

    activity: Activity
    entity: Any
    title: str


@dataclass(frozen=True)
class Agenda:
    overdue: list[Listed]
    today: list[Listed]
    upcoming: list[Listed]
    done: list[Listed]

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.today or self.upcoming or self.done)


def assigned(user: Any, since: datetime | None = None) -> list[Listed]:
    """The user's activities on live records they may see (done ones finished after `since`, when given)."""
    stmt = select(Activity).where(Activity.assignee_id == user.id)
    if since is not None:
        stmt = stmt.where((Activity.done_at.is_(None)) | (Activity.done_at >= since))
    found = list(db.session().scalars(stmt.order_by(Activity.due_at, Activity.id).limit(LIST_LIMIT * 4)))
    shown = titles([(a.entity, a.record_id) for a in found], user)
    return [Listed(a, *shown[(a.entity, a.record_id)]) for a in found if (a.entity, a.record_id) in shown]


def agenda(user: Any) -> Agenda:
    """The user's open activities as overdue, due today (in their zone) and upcoming; and those done lately."""
    now = utcnow()
    zone = get_timezone()
    today_local = now.astimezone(zone).date()
    midnight = datetime.combine(today_local + timedelta(days=1), time())
    end_of_today = (zone.localize(midnight) if hasattr(zone, "localize") else midnight.replace(tzinfo=zone))
    items = assigned(user, since=now - timedelta(days=RECENT_DAYS))
    open_ = [i for i in items if i.activity.done_at is None]
    done = sorted((i for i in items if i.activity.done_at is not None), key=lambda i: i.activity.done_at,
                  reverse=True)
    return Agenda(
        overdue=[i for i in open_ if i.activity.due_at is not None and i.activity.due_at < now][:LIST_LIMIT],
        today=[i for i in open_ if i.activity.due_at is not None and now <= i.activity.due_at < end_of_today],
        upcoming=[i for i in open_ if i.activity.due_at is None or i.activity.due_at >= end_of_today][:LIST_LIMIT],
        done=done[:LIST_LIMIT],
    )
