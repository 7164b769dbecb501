"""Personal data: erasing a person's values everywhere the core kept a copy, and blocking a record.

Erasure (GDPR art. 17) is the plugin's update that clears the fields, then
`redact` in the same transaction, so that no copy of the old values stays
behind in the core's tables::

    from trato import privacy, records

    with records.atomic():
        records.update("contacts_contact", 7, {"email": None, ...}, user=user, version=3)
        privacy.redact("contacts_contact", 7, user=user, fields=["email", ...])

Blocking (LOPDGDD art. 32) keeps a record but takes it out of use: only a
role with the `view_blocked` permission sees it, read only, and nobody may
change it until it is unblocked (trato.blocking does the hiding)::

    privacy.block("contacts_contact", 7, "Kept for the tax inspection until 2031", user=user)
    privacy.unblock("contacts_contact", 7, user=user)      # needs `view_blocked`
"""
from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, or_, select, text, update
from sqlalchemy.orm import Session

from . import access, blocking, db
from .activity.models import Notification
from .idempotency import IdempotencyKey
from .entities import Entity
from .i18n import _, _l
from .models import utcnow
from .records import RecordData, audit, get
from .records.common import audit_row, entity_of, fetch
from .records.errors import SaveRefused
from .records.work import transaction
from .search.indexes import fts_table, indexed, quote_name
from .transfer.models import Import, ImportRecord
from .ui import Fragment

REDACTED = audit.REDACTED
VIEW_BLOCKED = blocking.VIEW_BLOCKED
REASON_LENGTH = blocking.REASON_LENGTH

__all__ = ["REDACTED", "VIEW_BLOCKED", "Block", "block", "block_of", "block_panel", "may_see_blocked", "redact",
           "unblock"]


@dataclass(frozen=True)
class Block:
    """Since when, by whom (a user id) and why a record is blocked."""

    blocked_at: datetime
    blocked_by: int | None
    reason: str


def may_see_blocked(user: Any) -> bool:
    """Whether `user` may read blocked records (and unblock them)."""
    return access.granted(user, VIEW_BLOCKED)


def _changeable(entity: str | Entity, record_id: int, user: Any) -> tuple[Entity, RecordData]:
    """The entity and record, if `user` may see and edit it (RecordNotFound, PermissionRefused otherwise)."""
    e = entity_of(entity)
    record = get(e, record_id, user=user)
    access.check(user, e, "edit", record)
    return e, record


def _entry(session: Session, action: str, entity: Entity, record: RecordData, user: Any,
           changes: dict[str, list[Any]]) -> None:
    audit.write(session, [audit_row(action, entity, record, user, utcnow(), changes)])


# Erasure ------------------------------------------------------------------------------------------------------------

def redact(entity: str | Entity, record_id: int, *, user: Any, fields: Collection[str] | None = None) -> int:
    """Erase the old values of `fields` (every field when None) of a record from every copy the core keeps.

    - the audit history: each entry of the record keeps its time, author and
      the names of the fields it changed, its values become `REDACTED`;
    - what imports remember to undo an update of it;
    - stored API answers (Idempotency-Key replays) that carry it;
    - the titles of notifications about it (they take its current title);
    - on SQLite, the search index's internal segments (merged anew).

    Then an `erase` entry records who erased and when (not what). Call it
    after the update that clears the fields, in the same `records.atomic()`
    block. `user` must be allowed to edit the record; returns how many audit
    entries were rewritten.
    """
    e, record = _changeable(entity, record_id, user)
    with transaction() as session:
        a = audit.AuditEntry
        history = [c for c in session.scalars(select(a.changes).where(a.entity == e.name, a.record_id == record.id))
                   if c]
        erased = {str(v) for c in history for name, pair in c.items() if fields is None or name in fields
                  for v in pair if isinstance(v, str) and v and v != REDACTED}
        rewritten = audit.redact(session, e.name, [record.id], fields)
        _forget_undo_values(session, e, record.id, fields)
        _scrub_replays(session, record.id, erased)
        session.execute(update(Notification).where(Notification.entity == e.name, Notification.record_id == record.id)
                        .values(title=e.title_of(record)[:200]))
        _merge_search_index(session, e)
        _entry(session, audit.ERASE, e, record, user, {})
    return rewritten


def _forget_undo_values(session: Session, entity: Entity, record_id: int, fields: Collection[str] | None) -> None:
    """Imports keep the values an update replaced, to undo it: forget those of the erased fields."""
    links = session.scalars(select(ImportRecord).join(Import, Import.id == ImportRecord.import_id)
                            .where(Import.entity == entity.name, ImportRecord.record_id == record_id,
                                   ImportRecord.previous.is_not(None)))
    for link in links:
        kept = {k: v for k, v in link.previous.items() if fields is not None and k not in fields}
        link.previous = kept or None
    session.flush()


def _scrub(value: Any, record_id: int, erased: set[str]) -> Any:
    """`value` (parsed JSON) with the erased strings of each object that is the record replaced by REDACTED."""
    if isinstance(value, list):
        return [_scrub(v, record_id, erased) for v in value]
    if not isinstance(value, dict):
        return value
    mine = value.get("id") == record_id
    return {k: REDACTED if mine and isinstance(v, str) and v in erased else _scrub(v, record_id, erased)
            for k, v in value.items()}


def _scrub_replays(session: Session, record_id: int, erased: set[str]) -> None:
    """Answers kept for Idempotency-Key replays (a day) that show the record with the erased values."""
    if not erased:
        return
    k = IdempotencyKey.__table__
    body = cast(k.c.body, Text)
    written = {json.dumps(v, ensure_ascii=ascii)[1:-1] for v in erased for ascii in (True, False)}  # as JSON has it
    candidates = session.execute(select(k.c.id, k.c.body).where(
        or_(*(body.contains(fragment, autoescape=True) for fragment in written))))
    for key_id, stored in candidates:
        try:
            scrubbed = json.dumps(_scrub(json.loads(stored), record_id, erased), separators=(",", ":"))
        except ValueError:
            continue
        session.execute(update(k).where(k.c.id == key_id).values(body=scrubbed))


def _merge_search_index(session: Session, entity: Entity) -> None:
    """SQLite's search index drops erased words from its matches at once but keeps them in its segments until
    they merge: merge them now. (PostgreSQL's trigram index forgets them when the table is vacuumed.)"""
    conn = session.connection()
    if conn.dialect.name == "sqlite" and indexed(conn, entity):
        fts = quote_name(fts_table(entity))
        conn.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('optimize')"))


# Blocking -----------------------------------------------------------------------------------------------------------

def block_of(entity: str | Entity, record_id: int, *, user: Any) -> Block | None:
    """The record's block, if it is blocked and `user` may see it; None otherwise."""
    e = entity_of(entity)
    if e.name not in blocking.entities_with_blocks() or not may_see_blocked(user):
        return None
    found = blocking.block_of(db.session(), e.name, record_id)
    return Block(found.blocked_at, found.blocked_by, found.reason) if found else None


def block(entity: str | Entity, record_id: int, reason: str, *, user: Any) -> Block:
    """Block a record: kept, hidden from every user without `view_blocked`, changed by nobody.

    `user` must be allowed to edit it; `reason` (required, up to 500
    characters) is kept with the date and shown to those who see it. The
    block is audited. SaveRefused when the reason is missing or too long.
    """
    reason = (reason or "").strip()
    if not reason:
        raise SaveRefused(_("Say why the record is blocked (the legal obligation it is kept for)."))
    if len(reason) > REASON_LENGTH:
        raise SaveRefused(_("Keep the reason under %(max)s characters.", max=REASON_LENGTH))
    e, record = _changeable(entity, record_id, user)
    now = utcnow()
    with transaction() as session:
        session.add(blocking.BlockedRecord(entity=e.name, record_id=record.id, blocked_at=now,
                                           blocked_by=getattr(user, "id", None), reason=reason))
        session.flush()
        _entry(session, audit.BLOCK, e, record, user, {audit.BLOCK_REASON: [None, reason]})
        blocking.changed(session)
    return Block(now, getattr(user, "id", None), reason)


def unblock(entity: str | Entity, record_id: int, *, user: Any) -> None:
    """Unblock a record (for a user with `view_blocked` who may edit the entity); audited."""
    e = entity_of(entity)
    if not may_see_blocked(user):
        raise access.PermissionRefused(_("Your role does not allow you to unblock records."), "edit", e.name)
    with transaction() as session:
        record = fetch(session, e, [record_id], user)[record_id]
        access.policy().check(user, e, "edit", record)  # the role's rights on it, the block aside
        b = blocking.BlockedRecord
        found = blocking.block_of(session, e.name, record.id)
        if found is None:
            return
        session.execute(delete(b).where(b.entity == e.name, b.record_id == record.id))
        _entry(session, audit.UNBLOCK, e, record, user, {audit.BLOCK_REASON: [found.reason, None]})
        blocking.changed(session)


def panel_context(entity: str, record: RecordData, user: Any, error: str | None = None, reason: str = ""
                  ) -> dict[str, Any]:
    """What records/_block.html shows: the block and whether `user` may lift it, or whether they may block."""
    block = block_of(entity, record.id, user=user)
    return {"entity_name": entity, "record_id": record.id, "block": block, "error": error, "reason": reason,
            "can_block": block is None and access.allowed(user, entity, "edit", record),
            "can_unblock": block is not None and access.allowed(user, entity, "edit")}


def block_panel(entity: str, record: RecordData, user: Any, priority: int = 85) -> Fragment:
    """A panel for the record's page (return it from `detail_panels`) that blocks it, or shows its block and
    unblocks it."""
    return Fragment(_l("Blocking"), "records/_block.html", panel_context(entity, record, user), priority=priority)
