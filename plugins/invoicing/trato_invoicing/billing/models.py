"""Billing's tables: payments (an entity), the instalments an issued invoice falls due in, the dunning steps
(an admin entity: how many days after the due date a reminder goes) and the log of reminders sent.

Instalments and the reminder log are plain tables: they are written by billing's own code, never by people.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trato import Base, EntityInfo, Money, Record, field, migration

METHODS = [("transfer", _l("Bank transfer")), ("card", _l("Card")), ("cash", _l("Cash")),
           ("direct_debit", _l("Direct debit")), ("cheque", _l("Cheque")), ("other", _l("Other"))]


class Payment(Record, Base):
    """Money received for an issued invoice (negative: a refund on a rectifying invoice)."""
    __tablename__ = "invoicing_payment"
    __entity__ = EntityInfo(_l("Payment"), _l("Payments"), title="reference", search=("reference",),
                            title_pattern="{invoice_id} — {payment_date}",
                            list_columns=("payment_date", "invoice_id", "amount", "method", "reference"))

    invoice_id: Mapped[int] = field("relation", label=_l("Invoice"), target="invoicing_invoice", required=True)
    # the invoice's customer, set from it (an issued invoice's account never changes): statements read by it
    account_id: Mapped[int | None] = field("relation", label=_l("Account"), target="contacts_account",
                                           system_set=True)
    payment_date: Mapped[date] = field("date", label=_l("Date"), required=True, filterable=True)
    amount: Mapped[Money] = field("money", label=_l("Amount"), required=True)
    method: Mapped[str] = field("select", label=_l("Method"), required=True, default="transfer", options=METHODS,
                                filterable=True)
    reference: Mapped[str | None] = field("text", label=_l("Reference"), length=120)
    note: Mapped[str | None] = field("long_text", label=_l("Note"))


class DunningStep(Record, Base):
    """One reminder of the dunning schedule: sent this many days after an unpaid invoice's due date."""
    __tablename__ = "invoicing_dunning_step"
    __entity__ = EntityInfo(_l("Reminder step"), _l("Reminder steps"), title="name",
                            list_columns=("name", "days_after_due", "active"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120)
    days_after_due: Mapped[int] = field("integer", label=_l("Days after the due date"), required=True,
                                        unique=True)
    active: Mapped[bool] = field("boolean", label=_l("Active"), default=True)


class Instalment(Base):
    """What an issued invoice owes by a date: computed at issue from its payment term."""
    __tablename__ = "invoicing_instalment"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoicing_invoice.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(migration.ExactDecimal(2))
    currency: Mapped[str] = mapped_column(String(3))


class ReminderSent(Base):
    """A reminder queued for an invoice at a step: the unique key is what makes it never go twice."""
    __tablename__ = "invoicing_reminder_sent"
    __table_args__ = (UniqueConstraint("invoice_id", "days_after_due",
                                       name="uq_invoicing_reminder_sent_invoice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoicing_invoice.id", ondelete="CASCADE"), index=True)
    days_after_due: Mapped[int] = mapped_column(Integer)
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(migration.UTCDateTime())
    recipient: Mapped[str] = mapped_column(String(320))


ENTITIES: tuple[type, ...] = (Payment, DunningStep)
