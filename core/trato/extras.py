"""What every record has beside its fields, for plugins: notes, activities, attachments, tags, followers and the
audit history, read and written with the user's access (docs/extras.md).

    from trato import extras
    extras.add_note("sales_deal", deal.id, "Called the buyer.", user=current_user)
    for entry in extras.history("contacts_contact", contact.id, user=current_user): ...

Every call first finds the record as `user` may see it: a record outside
their scope, or in the recycle bin, raises `RecordNotFound` (never
"forbidden"), and so does everything hanging on it. Viewing a record is
enough to read what hangs on it, add notes, activities and files and follow
it; tags need the edit permission (`PermissionRefused`), and nothing that
hangs on a blocked record changes. Bad input raises `ExtraRefused` naming
the field. `user=None` is the system (jobs, demo data): it sees everything.

Writes commit with the caller's `records.atomic()`, or at once outside one.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.orm import Session

from . import access, db, records
from .activity import activities as _activities
from .activity import followers as _followers
from .activity import notes as _notes
from .activity import storage as _storage
from .activity import tags as _tags
from .activity.errors import ActivityError as ExtraRefused
from .activity.errors import NotAllowed
from .activity.models import Activity as _Activity
from .activity.models import Attachment as _Attachment
from .activity.models import Follower as _Follower
from .activity.models import Note as _Note
from .activity.models import Tag as _Tag
from .activity.targets import visible
from .records.audit import AuditEntry

__all__ = [
    "ActivityInfo", "AttachmentInfo", "ExtraRefused", "HistoryEntry", "KINDS", "NoteInfo", "activities",
    "add_activity", "add_note", "add_notes", "add_tag", "attach", "attachments", "copy_tags", "delete_activity",
    "delete_attachment", "delete_note", "edit_note", "follow", "followers", "history", "move", "notes",
    "remove_tag", "set_done", "tags", "unfollow",
]

KINDS = _activities.KINDS
BATCH = 500  # the query builder's page limit


@dataclass(frozen=True)
class NoteInfo:
    """A note; `body` is HTML already cleaned to a small safe set of tags."""

    id: int
    author_id: int | None
    body: str
    created_at: datetime
    edited_at: datetime | None


@dataclass(frozen=True)
class ActivityInfo:
    """A task, call or meeting about the record; moments are UTC."""

    id: int
    kind: str
    subject: str
    description: str
    due_at: datetime | None
    assignee_id: int | None
    reminder_minutes: int | None
    done_at: datetime | None
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True)
class AttachmentInfo:
    """A file's description (its bytes are served by the record's page to those who may view the record)."""

    id: int
    file_name: str
    content_type: str
    size: int
    uploader_id: int | None
    created_at: datetime
    kept: bool = False  # kept for good (an issued document's PDF): it cannot be deleted


@dataclass(frozen=True)
class HistoryEntry:
    """One entry of the audit history: `changes` maps each field the user may see to its (old, new) JSON values."""

    id: int
    at: datetime
    action: str
    user_id: int | None
    changes: dict[str, tuple[Any, Any]]


def _record(entity: str, record_id: int, user: Any, change: bool = False) -> None:
    """RecordNotFound unless `user` sees the record; for a `change`, PermissionRefused when it is blocked."""
    if user is None:
        return
    found = visible(entity, record_id, user)
    if change:
        access.check_not_blocked(user, *found)


def _rows(model: Any, entity: str, record_id: int) -> list[Any]:
    return list(db.session().scalars(select(model).where(model.entity == entity, model.record_id == record_id)
                                     .order_by(model.id)))


def _note(n: _Note) -> NoteInfo:
    return NoteInfo(n.id, n.author_id, n.body, n.created_at, n.edited_at)


def _activity(a: _Activity) -> ActivityInfo:
    return ActivityInfo(a.id, a.kind, a.subject, a.description, a.due_at, a.assignee_id, a.reminder_minutes,
                        a.done_at, a.created_by, a.created_at)


def _attachment(a: _Attachment) -> AttachmentInfo:
    return AttachmentInfo(a.id, a.file_name, a.content_type, a.size, a.uploader_id, a.created_at, a.kept)


def notes(entity: str, record_id: int, user: Any) -> list[NoteInfo]:
    """The record's notes, oldest first."""
    _record(entity, record_id, user)
    return [_note(n) for n in _rows(_Note, entity, record_id)]


def add_note(entity: str, record_id: int, text: str, user: Any, session: Session | None = None) -> NoteInfo:
    """Add a note: HTML is cleaned, plain text becomes paragraphs. `session` is for `demo_data` (added to it,
    not committed; `user` is then None or the author)."""
    if session is None:
        _record(entity, record_id, user, change=True)
    note = _notes.add(entity, record_id, text, user, session=session)
    (session or db.session()).flush()
    return _note(note)


def add_notes(entity: str, texts: Mapping[int, str], user: Any) -> int:
    """Add one note to each of many records (`{record_id: text}`, an import's), with one scope read per 500
    records; how many were added. Empty texts are skipped; a record the user cannot see refuses them all."""
    wanted = {record_id: text for record_id, text in texts.items() if text and text.strip()}
    ids = sorted(wanted)
    if user is not None:
        e = records.entity(entity)
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            found = records.query(e, user=user).where({"id__in": chunk}).page(limit=len(chunk)).items
            if len(found) < len(chunk):
                raise records.RecordNotFound(entity, set(chunk) - {r.id for r in found})
            for record in found:
                access.check_not_blocked(user, e, record)
    with records.atomic() as session:
        for record_id in ids:
            _notes.add(entity, record_id, wanted[record_id], user, session=session)
    return len(ids)


def _own(change: Any) -> Any:
    """Run a change only its author (or assignee) or an administrator may make: else PermissionRefused."""
    try:
        return change()
    except NotAllowed as exc:
        raise access.PermissionRefused(str(exc), "edit") from None


def _found(item: Any, entity: str, item_id: int) -> Any:
    """`item`, or RecordNotFound when there is none such on the record (a 404, as for the record)."""
    if item is None:
        raise records.RecordNotFound(entity, {item_id})
    return item


def edit_note(entity: str, record_id: int, note_id: int, text: str, user: Any) -> NoteInfo:
    """Change a note (its author or an administrator may); RecordNotFound for a note not on this record."""
    _record(entity, record_id, user, change=True)
    note = _found(_notes.find(entity, record_id, note_id), entity, note_id)
    return _note(_own(lambda: _notes.edit(note, text, user)))


def delete_note(entity: str, record_id: int, note_id: int, user: Any) -> None:
    _record(entity, record_id, user, change=True)
    note = _found(_notes.find(entity, record_id, note_id), entity, note_id)
    _own(lambda: _notes.delete(note, user))


def _activity_of(entity: str, record_id: int, activity_id: int) -> _Activity:
    found = _activities.find(activity_id)
    if found is None or found.entity != entity or found.record_id != record_id:
        raise records.RecordNotFound(entity, {activity_id})
    return found


def set_done(entity: str, record_id: int, activity_id: int, done: bool, user: Any) -> ActivityInfo:
    """Mark an activity done, or open again (its assignee, its author or an administrator may)."""
    _record(entity, record_id, user, change=True)
    activity = _activity_of(entity, record_id, activity_id)
    return _activity(_own(lambda: _activities.set_done(activity, done, user)))


def delete_activity(entity: str, record_id: int, activity_id: int, user: Any) -> None:
    _record(entity, record_id, user, change=True)
    activity = _activity_of(entity, record_id, activity_id)
    _own(lambda: _activities.delete(activity, user))


def delete_attachment(entity: str, record_id: int, attachment_id: int, user: Any) -> None:
    """Delete a file (its uploader or an administrator may); its bytes go once the deletion commits."""
    _record(entity, record_id, user, change=True)
    attachment = _found(_storage.find(entity, record_id, attachment_id), entity, attachment_id)
    _own(lambda: _storage.delete(attachment, user))


def activities(entity: str, record_id: int, user: Any) -> list[ActivityInfo]:
    """The record's activities, oldest first."""
    _record(entity, record_id, user)
    return [_activity(a) for a in _rows(_Activity, entity, record_id)]


def add_activity(entity: str, record_id: int, user: Any, *, kind: str, subject: str, description: str = "",
                 due_at: datetime | None = None, assignee_id: int | None = None,
                 reminder_minutes: int | None = None, session: Session | None = None) -> ActivityInfo:
    """Add a task, call or meeting (`KINDS`), assigned to `assignee_id` or else to `user`; `due_at` is an aware
    moment. `session` as for `add_note`."""
    if session is None:
        _record(entity, record_id, user, change=True)
    values = _activities.checked(kind, subject, description, due_at, assignee_id, reminder_minutes)
    added = _activities.add(entity, record_id, values, user, session=session)
    (session or db.session()).flush()
    return _activity(added)


def attachments(entity: str, record_id: int, user: Any) -> list[AttachmentInfo]:
    """The record's files, oldest first."""
    _record(entity, record_id, user)
    return [_attachment(a) for a in _rows(_Attachment, entity, record_id)]


def attach(entity: str, record_id: int, file_name: str, stream: IO[bytes], user: Any, *, kept: bool = False
           ) -> AttachmentInfo:
    """Store a file on the record (refused when empty or beyond the `max_upload_mb` setting); a `kept` file (an
    issued document) can never be deleted, and goes only when the record is purged."""
    _record(entity, record_id, user, change=True)
    return _attachment(_storage.save(entity, record_id, file_name, stream, user, kept=kept))


def tags(entity: str, record_id: int, user: Any) -> list[str]:
    """The record's tags, in alphabetical order."""
    _record(entity, record_id, user)
    return _tags.of(entity, record_id)


def _may_tag(entity: str, record_id: int, user: Any) -> None:
    _record(entity, record_id, user, change=True)
    if user is not None:
        access.check(user, entity, "edit", records.get(entity, record_id, user=user))


def add_tag(entity: str, record_id: int, tag: str, user: Any) -> str:
    """Tag the record (needs the edit permission); the tag as stored: trimmed, lower case."""
    _may_tag(entity, record_id, user)
    return _tags.add(entity, record_id, tag)


def remove_tag(entity: str, record_id: int, tag: str, user: Any) -> None:
    """Take a tag off the record (needs the edit permission); a tag it lacks is no change."""
    _may_tag(entity, record_id, user)
    _tags.remove(entity, record_id, _tags.normalise(tag))


def followers(entity: str, record_id: int, user: Any) -> list[int]:
    """The ids of the users following the record, in id order."""
    _record(entity, record_id, user)
    return sorted(db.session().scalars(select(_Follower.user_id).where(_Follower.entity == entity,
                                                                       _Follower.record_id == record_id)))


def follow(entity: str, record_id: int, user: Any) -> None:
    """`user` follows the record: they hear in their notifications when someone else changes or deletes it."""
    _record(entity, record_id, user)
    _followers.follow(user, entity, record_id)


def unfollow(entity: str, record_id: int, user: Any) -> None:
    _record(entity, record_id, user)
    _followers.unfollow(user, entity, record_id)


def history(entity: str, record_id: int, user: Any) -> list[HistoryEntry]:
    """The record's audit history, oldest first, without the fields the user's role hides (an entry that changed
    only hidden fields is left out; one that changes no field, such as a delete, stays)."""
    _record(entity, record_id, user)
    hidden = access.hidden_fields(user, entity) if user is not None else frozenset()
    rows = db.session().scalars(select(AuditEntry).where(AuditEntry.entity == entity,
                                                         AuditEntry.record_id == record_id)
                                .order_by(AuditEntry.at, AuditEntry.id))
    found = []
    for row in rows:
        changes = {name: (pair[0], pair[1]) for name, pair in (row.changes or {}).items() if name not in hidden}
        if changes or not row.changes:
            found.append(HistoryEntry(row.id, row.at, row.action, row.user_id, changes))
    return found


# What hangs on a record by (entity, record_id), with the column unique per record (None: no such rule).
_HANGING = ((_Note, None), (_Activity, None), (_Attachment, None), (_Tag, "tag"), (_Follower, "user_id"))


def move(source: str, source_id: int, target: str, target_id: int, user: Any, tags: bool = True
         ) -> dict[str, int]:
    """Move the notes, activities, files, tags and followers of one record to another (a merge, a lead becoming a
    contact); how many, by kind ("notes", "activities", "attachments", "tags", "followers").

    `user` must see both records and neither may be blocked. A tag or
    follower the target already has is not doubled. With `tags=False` the
    source keeps its tags (give the target a copy with `copy_tags`).
    """
    _record(source, source_id, user, change=True)
    _record(target, target_id, user, change=True)
    moved = {}
    with records.atomic() as session:
        for model, unique in _HANGING:
            if model is _Tag and not tags:
                continue
            table = model.__table__
            of_source = and_(table.c.entity == source, table.c.record_id == source_id)
            if unique is not None:
                kept = select(table.c[unique]).where(table.c.entity == target, table.c.record_id == target_id)
                session.execute(delete(table).where(of_source, table.c[unique].in_(kept)))
            result = session.execute(update(table).where(of_source).values(entity=target, record_id=target_id))
            if result.rowcount:
                moved[_KIND_NAMES[model]] = result.rowcount
    return moved


_KIND_NAMES: Mapping[Any, str] = {_Note: "notes", _Activity: "activities", _Attachment: "attachments",
                                  _Tag: "tags", _Follower: "followers"}


def copy_tags(source: str, source_id: int, target: str, target_id: int, user: Any) -> int:
    """Give the target record the source's tags that it lacks; how many it got."""
    _record(source, source_id, user)
    _record(target, target_id, user, change=True)
    had = set(_tags.of(target, target_id))
    new = [tag for tag in _tags.of(source, source_id) if tag not in had]
    if new:
        with records.atomic() as session:
            session.execute(insert(_Tag.__table__), [{"entity": target, "record_id": target_id, "tag": tag}
                                                     for tag in new])
    return len(new)
