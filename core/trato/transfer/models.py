"""The tables of imports: their history, the records each one wrote, and the remembered column mappings."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..models import utcnow

MODES = ("create", "update", "upsert")
STATUSES = ("queued", "running", "done", "failed", "undone")
CREATED, UPDATED = "created", "updated"


class Import(Base):
    """One import of a CSV file into an entity, from upload to (perhaps) undo.

    `rows_done` counts the data rows whose batch is committed: an import
    that stopped half way is resumed from there.
    """

    __tablename__ = "core_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_path: Mapped[str] = mapped_column(String(1024))  # the uploaded file, kept in the instance folder
    mode: Mapped[str] = mapped_column(String(8))  # one of MODES
    key: Mapped[str | None] = mapped_column(String(64))  # the field that finds records to update
    mapping: Mapped[Any] = mapped_column(JSON)  # {column header: field name}
    dry_run: Mapped[bool] = mapped_column(default=False)
    # How to read a file that is not UTF-8 throughout, as the person chose (reading.CHOICES); None: it is.
    encoding: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8), default="queued")  # one of STATUSES
    message: Mapped[str] = mapped_column(String(2000), default="")
    total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # What a row to create does when it looks like an existing record (duplicates.ON_MATCH), and how many skipped.
    on_match: Mapped[str] = mapped_column(String(8), default="create", server_default="create")
    skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error_path: Mapped[str | None] = mapped_column(String(1024))
    job_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ImportRecord(Base):
    """A record an import created or updated: what undo takes back.

    `version` is the record's version right after the import; undo refuses
    a record whose version has moved since. `previous` holds the values an
    update replaced, as JSON.
    """

    __tablename__ = "core_import_record"

    import_id: Mapped[int] = mapped_column(ForeignKey("core_import.id", ondelete="CASCADE"), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(8))  # CREATED or UPDATED
    version: Mapped[int] = mapped_column(Integer)
    previous: Mapped[Any] = mapped_column(JSON, nullable=True)


class ImportMapping(Base):
    """The column mapping a user last chose for an entity, offered again on the next import."""

    __tablename__ = "core_import_mapping"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    mapping: Mapped[Any] = mapped_column(JSON)  # {normalised column header: field name or ""}
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
