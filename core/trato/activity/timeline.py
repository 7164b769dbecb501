"""A record's timeline: its notes, activities, attachments and field changes, newest first, filterable by kind."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from .. import access, db
from ..mail.logged import sent_mail
from ..mailin.logged import received_mail
from ..entities import Entity
from ..i18n import _l
from ..models import User
from ..records import RecordData
from . import followers, tags
from .activities import KIND_LABELS
from .models import Activity, Attachment, Note
from .targets import may_change

LIMIT = 50
FILTERS = {"notes": _l("Notes"), "activities": _l("Activities"), "files": _l("Files"), "emails": _l("Emails"),
           "changes": _l("Changes")}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline; `item` is a Note, Activity, Attachment or audit event, by `kind`."""

    at: datetime
    kind: str  # one of FILTERS
    item: Any
    who: str = ""
    mine: bool = False  # the viewer may edit or delete it


@dataclass(frozen=True)
class Timeline:
    """What the detail page's activity section shows: the entries and the record's tags and followers."""

    entity: Entity
    record: RecordData
    entries: list[Entry]
    kind: str | None
    tags: list[str]
    can_tag: bool
    following: bool
    followers: int
    users: list[tuple[int, str]]
    filters: dict[str, Any]
    kind_labels: dict[str, Any]


def _names(ids: set[int]) -> dict[int, str]:
    ids.discard(None)  # type: ignore[arg-type]
    if not ids:
        return {}
    return dict(db.session().execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _rows(model: Any, entity: str, record_id: int, order: Any) -> list[Any]:
    return list(db.session().scalars(select(model).where(model.entity == entity, model.record_id == record_id)
                                     .order_by(order.desc(), model.id.desc()).limit(LIMIT)))


def entries(entity: Entity, record: RecordData, user: Any, kind: str | None,
            changes: Sequence[Entry]) -> list[Entry]:
    """The timeline's entries of `kind` (all when None), newest first; `changes` are the audit entries."""

    def wanted(k: str) -> bool:
        return kind in (None, k)

    notes = _rows(Note, entity.name, record.id, Note.created_at) if wanted("notes") else []
    acts = _rows(Activity, entity.name, record.id, Activity.created_at) if wanted("activities") else []
    files = _rows(Attachment, entity.name, record.id, Attachment.created_at) if wanted("files") else []
    mails = sent_mail(entity.name, record.id, LIMIT) if wanted("emails") else []
    received = received_mail(entity.name, record.id, LIMIT) if wanted("emails") else []
    names = _names({n.author_id for n in notes} | {a.created_by for a in acts} | {a.assignee_id for a in acts}
                   | {f.uploader_id for f in files} | {m.created_by for m in mails})
    found = [Entry(n.created_at, "notes", n, names.get(n.author_id, ""), may_change(user, n.author_id))
             for n in notes]
    found += [Entry(a.created_at, "activities", a, names.get(a.assignee_id or 0, ""),
                    a.assignee_id == user.id or may_change(user, a.created_by)) for a in acts]
    found += [Entry(f.created_at, "files", f, names.get(f.uploader_id, ""), may_change(user, f.uploader_id))
              for f in files]
    found += [Entry(m.created_at, "emails", m, names.get(m.created_by, "")) for m in mails]
    found += [Entry(m.received_at, "emails", m, m.sender_name or m.sender) for m in received]
    found += [c for c in changes if wanted("changes")]
    found.sort(key=lambda e: e.at, reverse=True)
    return found[:LIMIT * 2]


def assignable() -> list[tuple[int, str]]:
    return [(i, n) for i, n in db.session().execute(select(User.id, User.name).where(User.active.is_(True))
                                                    .order_by(User.name).limit(500)).all()]


def build(entity: Entity, record: RecordData, user: Any, kind: str | None, changes: Sequence[Entry]) -> Timeline:
    kind = kind if kind in FILTERS else None
    return Timeline(entity, record, entries(entity, record, user, kind, changes), kind,
                    tags.of(entity.name, record.id), access.allowed(user, entity, "edit", record),
                    followers.following(user, entity.name, record.id), followers.count(entity.name, record.id),
                    assignable(), FILTERS, KIND_LABELS)
