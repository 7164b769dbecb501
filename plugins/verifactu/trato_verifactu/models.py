"""The VeriFactu tables. Plain tables, not entities: nobody edits a billing record, through any page or API.

- `verifactu_chain`: one row per issuer tax id, the head of its chain (last record and its fingerprint,
  length). Appending locks this row (chain.py), so that two issues racing leave a linear chain.
- `verifactu_record`: the billing records, append-only. A database trigger refuses UPDATE and DELETE on both
  SQLite and PostgreSQL (migration v001); `position` is unique per issuer, so a fork cannot be stored.
- `verifactu_submission`: what changes about a record after it is made (its submission to AEAT: state,
  attempts, AEAT's answer), kept apart so that the record itself never changes.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trato import Base, migration

KINDS = ("alta", "anulacion")
STATES = ("pending", "accepted", "rejected", "error")


class Chain(Base):
    __tablename__ = "verifactu_chain"

    issuer_tax_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_record_id: Mapped[int | None] = mapped_column(Integer)
    last_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    length: Mapped[int] = mapped_column(Integer, default=0)
    next_submission_at: Mapped[datetime | None] = mapped_column(migration.UTCDateTime())


class BillingRecord(Base):
    __tablename__ = "verifactu_record"
    __table_args__ = (UniqueConstraint("issuer_tax_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer_tax_id: Mapped[str] = mapped_column(String(20), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoicing_invoice.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    issue_date: Mapped[date] = mapped_column(Date)
    invoice_type: Mapped[str | None] = mapped_column(String(2))
    cuota_total: Mapped[Decimal | None] = mapped_column(migration.ExactDecimal(2))
    importe_total: Mapped[Decimal | None] = mapped_column(migration.ExactDecimal(2))
    previous_id: Mapped[int | None] = mapped_column(Integer)
    previous_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    generated_at: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    xml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(migration.UTCDateTime())


class Submission(Base):
    __tablename__ = "verifactu_submission"

    record_id: Mapped[int] = mapped_column(ForeignKey("verifactu_record.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    answer: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(migration.UTCDateTime())
