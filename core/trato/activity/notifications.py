"""In-app notifications: stored as facts, worded when read, in the reader's language."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, url_for
from flask_babel import format_datetime
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from .. import access, db
from ..entities import UnknownEntity
from ..fields import localize
from ..i18n import _
from ..models import User, utcnow
from .models import Notification

PAGE = 100
CHANGE, DELETE, REMINDER, ASSIGNED = "change", "delete", "reminder", "assignment"


def send(session: Session, user_ids: Iterable[int], kind: str, entity: str, record_id: int, title: str,
         actor_id: int | None = None, **data: Any) -> None:
    """Queue a notification for each user in `user_ids`, in `session`'s transaction (committed by the caller);
    those who asked for this kind by email get it by email too (trato.mail.notify)."""
    now = utcnow()
    rows = [dict(user_id=uid, kind=kind, actor_id=actor_id, entity=entity, record_id=record_id,
                 title=title[:200], data=data, created_at=now) for uid in user_ids]
    if rows:
        session.execute(insert(Notification), rows)
        from ..mail.notify import email_notifications  # mail imports this module's wording

        email_notifications(session, [r["user_id"] for r in rows], Notification(**rows[0]))


def unread(user: Any) -> int:
    return db.session().scalar(select(func.count()).select_from(Notification)
                               .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


@dataclass(frozen=True)
class Shown:
    """A notification as the list shows it."""

    id: int
    text: str
    url: str
    at: datetime
    unread: bool


def latest(user: Any) -> list[Shown]:
    rows = db.session().execute(
        select(Notification, User.name).outerjoin(User, User.id == Notification.actor_id)
        .where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(PAGE)).all()
    return [Shown(n.id, wording(n, actor or _("Someone"), user),
                  url_for("records.detail", entity=n.entity, record_id=n.record_id), n.created_at,
                  n.read_at is None) for n, actor in rows]


def _labels(entity: str, names: list[str], reader: Any) -> str:
    """The changed fields' labels, less those the reader's role hides."""
    try:
        e = current_app.extensions["trato"].entities.get(entity)
    except UnknownEntity:
        return ", ".join(names)
    hidden = access.hidden_fields(reader, e)
    shown = [localize(e.fields[n].label) if n in e.fields else n for n in names if n not in hidden]
    return ", ".join(shown) or _("fields you cannot see")


def wording(n: Notification, actor: str, reader: Any) -> str:
    """The sentence for a notification, in the current language."""
    data = n.data or {}
    if n.kind == CHANGE:
        return _("%(who)s changed %(title)s: %(fields)s", who=actor, title=n.title,
                 fields=_labels(n.entity, list(data.get("fields", [])), reader))
    if n.kind == DELETE:
        return _("%(who)s moved %(title)s to the recycle bin", who=actor, title=n.title)
    if n.kind == REMINDER:
        due = data.get("due_at")
        when = format_datetime(datetime.fromisoformat(due), "short") if due else _("no due date")
        return _("Reminder: %(subject)s (%(title)s), due %(when)s", subject=data.get("subject", ""),
                 title=n.title, when=when)
    if n.kind == ASSIGNED:
        return _("%(who)s gave you an activity: %(subject)s (%(title)s)", who=actor, subject=data.get("subject", ""),
                 title=n.title)
    return n.title


def mark_read(user: Any, notification_id: int | None = None) -> None:
    """Mark one of the user's notifications read, or all of them."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    session = db.session()
    session.execute(stmt.values(read_at=utcnow()))
    session.commit()
