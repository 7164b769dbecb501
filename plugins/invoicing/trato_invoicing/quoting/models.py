"""The quote's public links and the customers' answers given through them (plain tables, not entities).

A link is a row so that it can be revoked and expire on its own; the URL carries only the link's id and
random nonce, signed. An answer keeps the evidence: who (the name typed), when, from which address, and the
SHA-256 of the document shown, so that what was accepted can be proved later.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trato import Base, migration

DECISIONS = ("accepted", "rejected")


class QuoteLink(Base):
    __tablename__ = "invoicing_quote_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("invoicing_quote.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(migration.UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(migration.UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(migration.UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))


class QuoteResponse(Base):
    """One answer per quote (the unique key makes two racing answers one)."""

    __tablename__ = "invoicing_quote_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("invoicing_quote.id", ondelete="CASCADE"), unique=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("invoicing_quote_link.id", ondelete="SET NULL"),
                                                index=True)
    decision: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text())
    ip_address: Mapped[str | None] = mapped_column(String(64))
    document_sha256: Mapped[str] = mapped_column(String(64))
    responded_at: Mapped[datetime] = mapped_column(migration.UTCDateTime())
