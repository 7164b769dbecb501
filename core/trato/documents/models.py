"""The tables of the document renderer: admins' templates, and the PDFs kept for issued documents.

Both point at entities by name (custom entities come and go at run time),
and the kept document at its record by id, as notes and attachments do.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..fields.sqltypes import UTCDateTime
from ..models import utcnow


class DocumentTemplate(Base):
    """An admin's template for the documents of one entity in one language (Jinja source, sandboxed)."""

    __tablename__ = "core_document_template"
    __table_args__ = (UniqueConstraint("entity", "language", name="uq_core_document_template_entity_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class KeptDocument(Base):
    """The PDF issued for a record, stored as its attachment: from then on served as it is, never rendered again.

    `sha256` is the digest of the bytes issued, so that a file changed on
    disk is noticed rather than served.
    """

    __tablename__ = "core_document"
    __table_args__ = (UniqueConstraint("entity", "record_id", name="uq_core_document_entity_record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("core_attachment.id", ondelete="SET NULL"))
    template: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))


@dataclass(frozen=True)
class KeptInfo:
    """What was issued for a record: the attachment holding the PDF, the template and language it was made with,
    the SHA-256 of its bytes, and who issued it when."""

    entity: str
    record_id: int
    attachment_id: int | None
    template: str
    language: str
    sha256: str
    created_at: datetime
    created_by: int | None
