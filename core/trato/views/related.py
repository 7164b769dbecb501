"""What a detail page shows beside the record's fields: records pointing at it, and its timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from .. import access, db, records
from ..activity.timeline import FILTERS, Entry, Timeline, build
from ..entities import Entity
from ..fields import Field, localize
from ..i18n import _
from ..models import User
from ..records import RecordData
from ..records.audit import AuditEntry
from .present import entities, visible_fields

RELATED_LIMIT = 10
TIMELINE_LIMIT = 50


@dataclass(frozen=True)
class Related:
    """Records of another entity whose relation field points at this record (an account's contacts)."""

    entity: Entity
    field: Field
    title: str
    items: list[tuple[int, str]]
    more: bool
    can_create: bool


def related_lists(entity: Entity, record: RecordData, user: Any) -> list[Related]:
    """Every relation, in every entity the user may view, that points at `entity`, with its first records."""
    found = []
    for other in entities().all():
        pointing = [f for f in visible_fields(other, user)
                    if f.type.cell == "relation" and f.type.target(f) == entity.name]
        if not pointing:
            continue
        try:
            access.check(user, other, "view")
        except access.PermissionRefused:
            continue
        for f in pointing:
            page = records.query(other, user=user).where({f.name: record.id}).order_by("-id") \
                .page(limit=RELATED_LIMIT)
            title = other.plural_text if len(pointing) == 1 else f"{other.plural_text} · {localize(f.label)}"
            found.append(Related(other, f, title, [(r.id, other.title_of(r)) for r in page.items],
                                 page.next_cursor is not None, _may(user, other, "create")))
    return found


def _may(user: Any, entity: Entity, action: str) -> bool:
    try:
        access.check(user, entity, action)
    except access.PermissionRefused:
        return False
    return True


@dataclass(frozen=True)
class Event:
    """One entry of a record's timeline: who did what, when, and which fields changed from what to what."""

    at: datetime
    action: str
    who: str
    changes: list[tuple[str, Any, Any]]


def timeline(entity: Entity, record: RecordData, user: Any, kind: str | None = None) -> Timeline:
    """The record's timeline (notes, activities, files and, from the audit history, field changes), newest first.

    `kind` keeps one of them ("notes", "activities", "files", "changes").
    Changes leave out the fields the user's role hides.
    """
    changes = [Entry(e.at, "changes", e, e.who) for e in _changes(entity, record, user)] \
        if kind in (None, "changes") or kind not in FILTERS else []
    return build(entity, record, user, kind, changes)


def _changes(entity: Entity, record: RecordData, user: Any) -> list[Event]:
    """The record's audit history, newest first, leaving out the fields the user's role hides."""
    shown = {f.name: localize(f.label) for f in visible_fields(entity, user)}
    rows = db.session().execute(
        select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.entity == entity.name, AuditEntry.record_id == record.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(TIMELINE_LIMIT)
    ).all()
    return [Event(entry.at, entry.action, name or "",
                  [(shown[n], _as_text(old), _as_text(new)) for n, (old, new) in (entry.changes or {}).items()
                   if n in shown])
            for entry, name in rows]


def _as_text(value: Any) -> str | None:
    """A value as the audit history keeps it (the API's JSON form), as short text."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, dict) and "amount" in value:
        return f"{value['amount']} {value.get('currency') or ''}".strip()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)
