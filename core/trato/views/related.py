"""What a detail page shows beside the record's fields: records pointing at it, and its timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import ngettext
from sqlalchemy import select

from .. import access, db, records
from ..activity.changes import readable
from ..activity.timeline import FILTERS, Entry, Timeline, build
from ..entities import Entity
from ..fields import Field, localize
from ..models import User
from ..records import RecordData
from ..records.audit import AuditEntry
from ..records.count import Count, count
from ..records.query import COUNT_THRESHOLD
from ..roles import shares
from ..presentation import entities, visible_fields

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
    hidden: str = ""  # "3 more deals you cannot see": how many point here outside the user's access, never which


def _hidden(other: Entity, f: Field, record: RecordData, visible: int | None, query: records.RecordQuery) -> str:
    """How many live records of `other` point at `record` through `f` that `query` (the user's) leaves out.

    Counted exactly up to the count threshold on both sides, else not said.
    """
    table = other.table
    everyone = count(db.session(), select(table.c.id).where(table.c[f.name] == record.id, table.c.deleted_at.is_(None)),
                     table.c.id, COUNT_THRESHOLD)
    seen = Count(visible, "exact") if visible is not None else query.count()
    missing = everyone.value - seen.value
    if not (everyone.exact and seen.exact) or missing <= 0:
        return ""
    return ngettext("%(num)d more %(record)s you cannot see", "%(num)d more %(records)s you cannot see", missing,
                    record=other.text.lower(), records=other.plural_text.lower())


def related_lists(entity: Entity, record: RecordData, user: Any) -> list[Related]:
    """Every relation, in every entity the user may view, that points at `entity`, with its first records."""
    found = []
    for other in entities().all():
        pointing = [f for f in visible_fields(other, user)  # a line's parent_id aside: lines have their own table
                    if f.type.cell == "relation" and f.type.target(f) == entity.name and not f.system]
        if not pointing:
            continue
        try:
            access.check(user, other, "view")
        except access.PermissionRefused:
            continue
        for f in pointing:
            query = records.query(other, user=user).where({f.name: record.id})
            page = query.order_by("-id").page(limit=RELATED_LIMIT)
            title = other.plural_text if len(pointing) == 1 else f"{other.plural_text} · {localize(f.label)}"
            found.append(Related(other, f, title, [(r.id, other.title_of(r)) for r in page.items],
                                 page.next_cursor is not None, _may(user, other, "create"),
                                 _hidden(other, f, record, len(page.items) if page.complete else None, query)))
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
    """The record's audit history, newest first, each value as people read it (activity.changes), leaving out the
    fields the user's role hides."""
    rows = db.session().execute(
        select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.entity == entity.name, AuditEntry.record_id == record.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(TIMELINE_LIMIT)
    ).all()
    fields = [(entry.changes or {}) if entry.action not in shares.HISTORY else {} for entry, _name in rows]
    texts = readable(entity, fields, user)
    return [Event(entry.at, entry.action, name or "",
                  shares.history_lines(entry.changes) if entry.action in shares.HISTORY else list(shown.values()))
            for (entry, name), shown in zip(rows, texts)]


