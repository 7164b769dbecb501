"""The audit history of records: who changed which field from what to what, and when.

The record service and `trato.privacy` (erasure, blocking) write it, in the
same transaction as the change each entry describes; nothing in the
application deletes a row. The one
change ever made to a row is a redaction (`redact`, for the erasure of a
person's data): the values become `REDACTED` while the entry, its time, its
author and the names of the fields changed stay.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, bindparam, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base
from ..fields.sqltypes import UTCDateTime

CREATE, UPDATE, DELETE, RESTORE, PURGE = "create", "update", "delete", "restore", "purge"
# Personal data (trato.privacy): a person's values erased from the history; a record blocked or unblocked.
ERASE, BLOCK, UNBLOCK = "erase", "block", "unblock"
# What an erased value reads as in `changes` (shown translated by the audit pages).
REDACTED = "[erased]"
# What a block or unblock entry changes: the reason (a name no field can have).
BLOCK_REASON = "@reason"


class AuditEntry(Base):
    __tablename__ = "core_audit"
    __table_args__ = (Index("ix_core_audit_entity_record_id", "entity", "record_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    # {field: [old, new]} in the fields' JSON form
    changes: Mapped[Any] = mapped_column(JSON)
    # The address the change came from: the request's, empty for jobs and the command line.
    ip: Mapped[str | None] = mapped_column(String(45))


def write(session: Session, entries: list[dict[str, Any]]) -> None:
    """Add audit rows (dicts of AuditEntry's columns) in one statement.

    A Core insert, so that the driver gets one executemany; the ORM's bulk
    insert sent a statement per row here.
    """
    if entries:
        where = request.remote_addr[:45] if has_request_context() and request.remote_addr else None
        session.execute(AuditEntry.__table__.insert(), [{"ip": where} | entry for entry in entries])


def _redacted(value: Any) -> Any:
    """An empty value stays empty (nothing to hide, and "from empty" still reads right); any other is erased."""
    return value if value is None or value == "" or value == [] else REDACTED


def redact(session: Session, entity: str, record_ids: Collection[int], fields: Collection[str] | None = None
           ) -> int:
    """Erase the old and new values of `fields` (every field when None) from the history of these records.

    Each entry keeps its action, time, author, address and the names of the
    fields it changed. Returns how many entries were rewritten.
    """
    a = AuditEntry.__table__
    rows = session.execute(select(a.c.id, a.c.changes).where(a.c.entity == entity, a.c.record_id.in_(record_ids)))
    rewritten = []
    for entry_id, changes in rows:
        if not changes:
            continue
        new = {name: ([_redacted(v) for v in pair] if fields is None or name in fields else pair)
               for name, pair in changes.items()}
        if new != changes:
            rewritten.append({"entry_id": entry_id, "redacted": new})
    if rewritten:
        session.execute(update(a).where(a.c.id == bindparam("entry_id")).values(changes=bindparam("redacted")),
                        rewritten)
    return len(rewritten)
