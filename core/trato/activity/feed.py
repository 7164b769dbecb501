"""A user's activities as an iCalendar feed (RFC 5545) at a secret URL that calendar programs subscribe to.

The token is shown once when made; only its SHA-256 is stored, so a leaked
database does not leak feeds, and making a new one ends the old URL.
Tasks are VTODOs (DUE), calls and meetings VEVENTs (DTSTART, DTEND half an
hour later); every time is written in UTC.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, select

from .. import db
from ..models import User, utcnow
from .activities import Listed, assigned
from .models import FeedToken

EVENT_LENGTH = timedelta(minutes=30)
FEED_DAYS = 90  # done activities older than this leave the feed
LINE_OCTETS = 75


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(user: Any) -> str:
    """Make the user's feed token (ending any previous one); the only time it is seen in clear."""
    token = secrets.token_urlsafe(32)
    session = db.session()
    session.execute(delete(FeedToken).where(FeedToken.user_id == user.id))
    session.add(FeedToken(user_id=user.id, token_hash=_hash(token), created_at=utcnow()))
    session.commit()
    return token


def has_token(user: Any) -> bool:
    return db.session().get(FeedToken, user.id) is not None


def owner(token: str) -> User | None:
    """The active user whose feed `token` opens, or None."""
    user = db.session().scalar(select(User).join(FeedToken, FeedToken.user_id == User.id)
                               .where(FeedToken.token_hash == _hash(token)))
    return user if user is not None and user.active else None


def escape(text: str) -> str:
    """A TEXT value escaped as RFC 5545 3.3.11 asks."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """One content line folded into chunks of at most 75 octets, never splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode())
        limit = LINE_OCTETS if not out else LINE_OCTETS - 1  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _component(item: Listed, host: str, url: str, stamp: datetime) -> list[str]:
    a = item.activity
    is_task = a.kind == "task"
    name = "VTODO" if is_task else "VEVENT"
    lines = [f"BEGIN:{name}", f"UID:activity-{a.id}@{host}", f"DTSTAMP:{_utc(stamp)}",
             f"SUMMARY:{escape(a.subject)}",
             "DESCRIPTION:" + escape("\n\n".join(p for p in (a.description, f"{item.title} {url}") if p)),
             f"LAST-MODIFIED:{_utc(a.updated_at)}", f"URL:{url}", f"CATEGORIES:{a.kind.upper()}"]
    if a.due_at is not None:
        if is_task:
            lines.append(f"DUE:{_utc(a.due_at)}")
        else:
            lines += [f"DTSTART:{_utc(a.due_at)}", f"DTEND:{_utc(a.due_at + EVENT_LENGTH)}"]
    elif not is_task:
        lines.append(f"DTSTART:{_utc(a.created_at)}")  # a VEVENT must start somewhere
    if is_task:
        lines.append("STATUS:COMPLETED" if a.done_at else "STATUS:NEEDS-ACTION")
        if a.done_at:
            lines.append(f"COMPLETED:{_utc(a.done_at)}")
    if a.reminder_minutes is not None and a.due_at is not None and not a.done_at:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape(a.subject)}",
                  f"TRIGGER:-PT{a.reminder_minutes}M", "END:VALARM"]
    lines.append(f"END:{name}")
    return lines


def render(items: Iterable[tuple[Listed, str]], host: str, name: str) -> str:
    """The calendar text: `items` are activities with the URL of their record's page."""
    stamp = utcnow()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Trato//Trato CRM//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for item, url in items:
        lines += _component(item, host, url, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def feed_items(user: Any) -> list[Listed]:
    """What the user's feed holds: their activities on records they may see, done ones for 90 days."""
    return assigned(user, since=utcnow() - timedelta(days=FEED_DAYS))
