"""Blocked records (LOPDGDD art. 32): kept in their table, hidden from use, readable only by an authorised role.

A row in `core_blocked_record` says that a record is blocked, since when, by
whom and why. `trato.access.scope` leaves blocked records out of every read
for a user without the `view_blocked` permission (lists, search, pickers,
related lists, exports, the API: they all go through it), and
`trato.access.check` refuses every change to one, whoever asks. Blocking and
unblocking (`trato.privacy`) move the `blocked` counter, so that a worker
knows which entities have blocked records at all and adds the condition only
to their queries: an entity without any costs nothing.

This module knows nothing of access or records (both build on it).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context
from sqlalchemy import ForeignKey, Integer, Select, String, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import counters, db
from .db import Base
from .fields.sqltypes import UTCDateTime

if TYPE_CHECKING:
    from .entities import Entity

COUNTER = "blocked"
VIEW_BLOCKED = "view_blocked"  # the permission to see blocked records (read only)
REASON_LENGTH = 500
_KNOWN = "trato.blocked"  # where the app keeps which entities have blocked records


class BlockedRecord(Base):
    __tablename__ = "core_blocked_record"

    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    blocked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH))


@dataclass(frozen=True)
class _Known:
    version: int | None
    entities: frozenset[str]


def _read() -> frozenset[str]:
    return frozenset(db.session().scalars(select(BlockedRecord.entity).distinct()))


def entities_with_blocks() -> frozenset[str]:
    """The names of the entities that have blocked records.

    In a request, kept by the worker while the `blocked` counter it read at
    the start of the request stands still; read afresh outside one (jobs,
    the command line).
    """
    if not has_request_context():
        return _read()
    version = current_app.extensions["trato"].seen.get(COUNTER)
    known: _Known | None = current_app.extensions.get(_KNOWN)
    if known is None or known.version != version:
        known = current_app.extensions[_KNOWN] = _Known(version, _read())
    return known.entities


def changed(session: Session) -> None:
    """Say that blocks changed: the counter moves with the caller's transaction, this worker forgets what it knew."""
    counters.bump(session, COUNTER)
    current_app.extensions.pop(_KNOWN, None)


def hide(query: Select[Any], entity: Entity) -> Select[Any]:
    """`query` (selecting from `entity.table`) without the blocked records."""
    if entity.name not in entities_with_blocks():
        return query
    b = BlockedRecord
    return query.where(~exists().where(b.entity == entity.name, b.record_id == entity.table.c.id))


def is_blocked(entity: str, record_id: int) -> bool:
    if entity not in entities_with_blocks():
        return False
    b = BlockedRecord
    return bool(db.session().scalar(select(exists().where(b.entity == entity, b.record_id == record_id))))


def blocked_among(entity: str, record_ids: Collection[int]) -> frozenset[int]:
    """Which of `record_ids` are blocked, in one query (none when the entity has no blocks)."""
    if entity not in entities_with_blocks() or not record_ids:
        return frozenset()
    b = BlockedRecord
    return frozenset(db.session().scalars(select(b.record_id).where(b.entity == entity,
                                                                     b.record_id.in_(list(record_ids)))))


def block_of(session: Session, entity: str, record_id: int) -> BlockedRecord | None:
    """The record's block, read from the database."""
    b = BlockedRecord
    return session.scalar(select(b).where(b.entity == entity, b.record_id == record_id))
