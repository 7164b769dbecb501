"""Subscriptions (recurring invoices): a customer, lines, a frequency and the next date to bill.

The billing job turns each due period into an invoice (../issuing.py's `create_invoice` and `issue`); a plan
changed in the middle of a billed period leaves an adjustment, billed with the next period's invoice.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from trato import Base, EntityInfo, Money, Record, field, migration, records

from ..models import LineFields
from ..totals import document_totals

FREQUENCIES = [("monthly", _l("Monthly")), ("quarterly", _l("Quarterly")), ("yearly", _l("Yearly"))]
MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
MODES = [("draft", _l("Draft invoice")), ("issue", _l("Issued and emailed"))]
STATUSES = [("active", _l("Active")), ("paused", _l("Paused")), ("ended", _l("Ended"))]


def subscription_totals(values: Mapping[str, Any], lines: Mapping[str, list[Mapping[str, Any]]]) -> records.Totals:
    """The lines' nets (prices and taxes from the catalog as on documents) and the net billed per period."""
    worked = document_totals(values, lines)
    return records.Totals(lines=worked.lines, document={"net_amount": worked.document["net_amount"]})


class Subscription(Record, Base):
    __tablename__ = "invoicing_subscription"
    __entity__ = EntityInfo(_l("Subscription"), _l("Subscriptions"), title="name", search=("name",),
                            list_columns=("name", "account_id", "frequency", "next_date", "status", "net_amount"),
                            compute=subscription_totals)

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=200)
    account_id: Mapped[int] = field("relation", label=_l("Account"), target="contacts_account", required=True)
    contact_id: Mapped[int | None] = field("relation", label=_l("Contact"), target="contacts_contact",
                                           help=_l("Who gets the invoices by email."))
    fiscal_position_id: Mapped[int | None] = field("relation", label=_l("Fiscal position"),
                                                   target="catalog_fiscal_position")
    frequency: Mapped[str] = field("select", label=_l("Frequency"), options=FREQUENCIES, required=True,
                                   default="monthly")
    interval: Mapped[int] = field("integer", label=_l("Every"), required=True, default=1,
                                  help=_l("Bill every this many months, quarters or years."))
    start_date: Mapped[date] = field("date", label=_l("Start date"), required=True)
    next_date: Mapped[date | None] = field("date", label=_l("Next invoice date"), filterable=True,
                                           help=_l("The start of the next period to bill; the start date at first."))
    end_date: Mapped[date | None] = field("date", label=_l("End date"),
                                          help=_l("No period starting after this day is billed."))
    mode: Mapped[str] = field("select", label=_l("Invoices"), options=MODES, required=True, default="draft")
    status: Mapped[str] = field("select", label=_l("Status"), options=STATUSES, required=True, default="active",
                                filterable=True)
    net_amount: Mapped[Money | None] = field("money", label=_l("Net per period"), system_set=True)


class SubscriptionLine(LineFields, Record, Base):
    """The lines every invoice of the subscription gets (the documents' line fields)."""

    __tablename__ = "invoicing_subscription_line"
    __entity__ = EntityInfo(_l("Subscription line"), _l("Subscription lines"), title="description",
                            parent="invoicing_subscription")


class Adjustment(Base):
    """A plan change's prorated difference for the rest of a billed period, waiting for the next invoice."""

    __tablename__ = "invoicing_subscription_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("invoicing_subscription.id", ondelete="CASCADE"),
                                                 index=True)
    description: Mapped[str] = mapped_column(String(500))
    amount: Mapped[Decimal] = mapped_column(migration.ExactDecimal(2))
    currency: Mapped[str] = mapped_column(String(3))
    tax_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_tax.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(migration.UTCDateTime())
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoicing_invoice.id", ondelete="SET NULL"),
                                                   index=True)
