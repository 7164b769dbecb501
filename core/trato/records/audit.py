"""The audit history of records: who changed which field from what to what, and when.

The record service is its only writer, in the same transaction as the
change it describes; nothing in the application updates or deletes a row.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base
from ..fields.sqltypes import UTCDateTime

CREATE, UPDATE, DELETE, RESTORE, PURGE = "create", "update", "delete", "restore", "purge"


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
