"""The documents' entities: quotes, sales orders and invoices (each with its lines), payment terms, and the
per-rate tax rows of an invoice.

Quotes, orders and invoices are ordinary Trato entities (list, detail and form pages, the REST API, import and
export come from the core); their lines are child entities written with them in one call (docs/lines.md), and
their totals are worked out by `totals.document_totals` on every save. An issued invoice is locked
(docs/locks.md): only the four fields billing keeps up to date may still change.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from trato import Base, EntityInfo, Money, Record, RecordLink, field, migration

from .totals import document_totals

QUOTE_STATUSES = [("draft", _l("Draft")), ("sent", _l("Sent")), ("accepted", _l("Accepted")),
                  ("rejected", _l("Rejected")), ("expired", _l("Expired"))]
ORDER_STATUSES = [("open", _l("Open")), ("partly_invoiced", _l("Partly invoiced")),
                  ("invoiced", _l("Invoiced")), ("cancelled", _l("Cancelled"))]
INVOICE_KINDS = [("invoice", _l("Invoice")), ("simplified", _l("Simplified invoice")),
                 ("rectifying", _l("Rectifying invoice"))]
INVOICE_STATUSES = [("draft", _l("Draft")), ("issued", _l("Issued"))]
PAYMENT_STATUSES = [("unpaid", _l("Unpaid")), ("partly_paid", _l("Partly paid")), ("paid", _l("Paid")),
                    ("overdue", lazy_pgettext("payment status", "Overdue"))]
# AEAT's codes of the reasons for a rectifying invoice (RD 1619/2012 art. 15; SII's TipoRectificativa).
RECTIFICATION_REASONS = [
    ("R1", _l("R1: error founded in law or art. 80 One, Two and Six LIVA")),
    ("R2", _l("R2: art. 80 Three LIVA (insolvency proceedings)")),
    ("R3", _l("R3: art. 80 Four LIVA (bad debts)")),
    ("R4", _l("R4: other reasons")),
    ("R5", _l("R5: rectifying a simplified invoice")),
]
RECTIFICATION_METHODS = [("substitution", _l("By substitution")), ("differences", _l("By differences"))]
TAX_ROW_KINDS = ("vat", "surcharge", "withholding")

# Fields of an issued invoice that billing keeps up to date (payments, instalments); everything else is frozen.
INVOICE_UNLOCKED = ("paid", "balance", "payment_status", "due_date")


def invoice_lock(values: Mapping[str, Any]) -> Any:
    """An invoice is locked once issued: corrections go through a rectifying invoice."""
    return _l("the invoice is issued") if values.get("status") == "issued" else None


def keep_issued(values: Mapping[str, Any]) -> bool:
    """An issued invoice someone binned by mistake is never purged by the retention job."""
    return values.get("status") == "issued"


class PaymentTerm(Record, Base):
    """Payment terms: the instalments (days after the issue date and the percentage due). Billing reads them."""

    __tablename__ = "invoicing_payment_term"
    __entity__ = EntityInfo(_l("Payment term"), _l("Payment terms"), title="name", search=("name",),
                            list_columns=("name", "instalments", "active"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120)
    instalments: Mapped[str | None] = field(
        "text", label=_l("Instalments"), length=200,
        help=_l("Days after the issue date and the percentage due then, such as 30:50 60:50."))
    active: Mapped[bool] = field("boolean", label=_l("Active"), required=True, default=True, filterable=True)


def line_fields() -> dict[str, MappedColumn[Any]]:
    """The fields every document line has (quotes', orders', invoices'; subscriptions' lines copy them)."""
    return {
        "product_id": field("relation", label=_l("Product"), target="catalog_product"),
        "description": field("text", label=_l("Description"), length=500),
        "quantity": field("decimal", label=_l("Quantity"), required=True, scale=3, default=Decimal(1)),
        "unit": field("text", label=_l("Unit"), length=20),
        "unit_price": field("money", label=_l("Unit price")),
        "discount": field("percent", label=_l("Discount")),
        "tax_id": field("relation", label=_l("VAT"), target="catalog_tax"),
        "surcharge_id": field("relation", label=_l("Equivalence surcharge"), target="catalog_tax"),
        "withholding_id": field("relation", label=_l("Withholding"), target="catalog_tax"),
        "exemption": field("text", label=_l("Exemption"), length=300,
                           help=_l("The legal reason printed when the line is exempt or not subject to VAT.")),
        "net": field("money", label=_l("Net"), system_set=True),
    }


def total_fields() -> dict[str, MappedColumn[Any]]:
    """The computed totals every document has."""
    return {
        "net_amount": field("money", label=_l("Net amount"), system_set=True, section="totals"),
        "tax_amount": field("money", label=_l("VAT"), system_set=True, section="totals"),
        "surcharge_amount": field("money", label=_l("Equivalence surcharge"), system_set=True, section="totals"),
        "withholding_amount": field("money", label=_l("Withholding"), system_set=True, section="totals"),
        "total": field("money", label=_l("Total"), system_set=True, section="totals"),
    }


class _Shared:
    """Gives each model the shared fields of `shared()` as its own columns, before the `Record` mixin adds the
    extra columns of multi-column fields (which it finds among the class's own attributes only)."""

    shared: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "shared" not in vars(cls):
            for name, column in cls.shared().items():
                setattr(cls, name, column)
        super().__init_subclass__(**kwargs)


class LineFields(_Shared):
    shared = staticmethod(line_fields)


class DocumentTotals(_Shared):
    shared = staticmethod(total_fields)


SECTIONS = {"totals": _l("Totals")}


class Quote(DocumentTotals, Record, Base):
    __tablename__ = "invoicing_quote"
    __entity__ = EntityInfo(_l("Quote"), _l("Quotes"), title="number", search=("number",),
                            list_columns=("number", "account_id", "issue_date", "valid_until", "status", "total"),
                            sections=SECTIONS, compute=document_totals)

    number: Mapped[str | None] = field("text", label=_l("Number"), length=60, system_set=True)
    revision: Mapped[int] = field("integer", label=_l("Revision"), required=True, default=1, system_set=True)
    revision_of_id: Mapped[int | None] = field("relation", label=_l("Revision of"), target="invoicing_quote",
                                               system_set=True)
    company_id: Mapped[int | None] = field("company", label=_l("Company"))
    account_id: Mapped[int] = field("relation", label=_l("Account"), required=True, target="contacts_account")
    contact_id: Mapped[int | None] = field("relation", label=_l("Contact"), target="contacts_contact")
    deal: Mapped[RecordLink | None] = field("record_link", label=_l("Deal"), entities=("sales_deal",))
    issue_date: Mapped[date | None] = field("date", label=_l("Date"), filterable=True)
    valid_until: Mapped[date | None] = field("date", label=_l("Valid until"), filterable=True)
    status: Mapped[str] = field("select", label=_l("Status"), required=True, options=QUOTE_STATUSES,
                                default="draft", filterable=True)
    fiscal_position_id: Mapped[int | None] = field("relation", label=_l("Fiscal position"),
                                                   target="catalog_fiscal_position")
    currency: Mapped[str | None] = field("text", label=_l("Currency"), length=3)
    global_discount: Mapped[Decimal | None] = field("percent", label=_l("Global discount"))
    terms: Mapped[str | None] = field("long_text", label=_l("Terms"))


class QuoteLine(LineFields, Record, Base):
    __tablename__ = "invoicing_quote_line"
    __entity__ = EntityInfo(_l("Quote line"), _l("Quote lines"), title="description", parent="invoicing_quote",
                            list_columns=("parent_id", "description", "quantity", "unit_price", "net"))


class Order(DocumentTotals, Record, Base):
    __tablename__ = "invoicing_order"
    __entity__ = EntityInfo(_l("Sales order"), _l("Sales orders"), title="number", search=("number",),
                            list_columns=("number", "account_id", "order_date", "status", "total",
                                          "invoiced_amount"),
                            sections=SECTIONS, compute=document_totals)

    number: Mapped[str | None] = field("text", label=_l("Number"), length=60, system_set=True)
    quote_id: Mapped[int | None] = field("relation", label=_l("Quote"), target="invoicing_quote")
    company_id: Mapped[int | None] = field("company", label=_l("Company"))
    account_id: Mapped[int] = field("relation", label=_l("Account"), required=True, target="contacts_account")
    contact_id: Mapped[int | None] = field("relation", label=_l("Contact"), target="contacts_contact")
    deal: Mapped[RecordLink | None] = field("record_link", label=_l("Deal"), entities=("sales_deal",))
    order_date: Mapped[date | None] = field("date", label=_l("Order date"), filterable=True)
    status: Mapped[str] = field("select", label=_l("Status"), required=True, options=ORDER_STATUSES,
                                default="open", filterable=True)
    fiscal_position_id: Mapped[int | None] = field("relation", label=_l("Fiscal position"),
                                                   target="catalog_fiscal_position")
    currency: Mapped[str | None] = field("text", label=_l("Currency"), length=3)
    global_discount: Mapped[Decimal | None] = field("percent", label=_l("Global discount"))
    invoiced_amount: Mapped[Money | None] = field("money", label=_l("Invoiced"), system_set=True,
                                                  section="totals")


class OrderLine(LineFields, Record, Base):
    __tablename__ = "invoicing_order_line"
    __entity__ = EntityInfo(_l("Order line"), _l("Order lines"), title="description", parent="invoicing_order",
                            list_columns=("parent_id", "description", "quantity", "invoiced_quantity", "net"))

    invoiced_quantity: Mapped[Decimal | None] = field("decimal", label=_l("Invoiced quantity"), scale=3,
                                                      system_set=True, position=10_000)


class Invoice(DocumentTotals, Record, Base):
    __tablename__ = "invoicing_invoice"
    __entity__ = EntityInfo(_l("Invoice"), _l("Invoices"), title="number", title_pattern="{number} · {account_id}",
                            search=("number", "customer_name", "customer_tax_id"),
                            list_columns=("number", "kind", "account_id", "issue_date", "status", "total",
                                          "payment_status"),
                            sections={**SECTIONS, "customer": _l("Customer at issue"),
                                      "rectification": _l("Rectification")},
                            compute=document_totals, locked=invoice_lock, unlocked_fields=INVOICE_UNLOCKED,
                            keep=keep_issued)
    __table_args__ = (Index("ix_invoicing_invoice_account_issue", "account_id", "issue_date"),
                      Index("ix_invoicing_invoice_subscription_period", "subscription_id", "period_start",
                            unique=True),)

    kind: Mapped[str] = field("select", label=_l("Type"), required=True, options=INVOICE_KINDS,
                              default="invoice", filterable=True)
    number: Mapped[str | None] = field("text", label=_l("Number"), length=60, system_set=True, filterable=True)
    status: Mapped[str] = field("select", label=_l("Status"), required=True, options=INVOICE_STATUSES,
                                default="draft", filterable=True, system_set=True)
    issue_date: Mapped[date | None] = field("date", label=_l("Issue date"), filterable=True)
    operation_date: Mapped[date | None] = field("date", label=_l("Operation date"))
    company_id: Mapped[int | None] = field("company", label=_l("Company"))
    account_id: Mapped[int] = field("relation", label=_l("Account"), required=True, target="contacts_account")
    contact_id: Mapped[int | None] = field("relation", label=_l("Contact"), target="contacts_contact")
    customer_name: Mapped[str | None] = field("text", label=_l("Name"), length=200, system_set=True,
                                              section="customer")
    customer_tax_id: Mapped[str | None] = field("text", label=_l("Tax ID"), length=40, section="customer")
    customer_address: Mapped[str | None] = field("long_text", label=_l("Address"), system_set=True,
                                                 section="customer")
    fiscal_position_id: Mapped[int | None] = field("relation", label=_l("Fiscal position"),
                                                   target="catalog_fiscal_position")
    currency: Mapped[str | None] = field("text", label=_l("Currency"), length=3)
    global_discount: Mapped[Decimal | None] = field("percent", label=_l("Global discount"))
    order_id: Mapped[int | None] = field("relation", label=_l("Sales order"), target="invoicing_order")
    quote_id: Mapped[int | None] = field("relation", label=_l("Quote"), target="invoicing_quote")
    deal: Mapped[RecordLink | None] = field("record_link", label=_l("Deal"), entities=("sales_deal",))
    advance: Mapped[bool] = field("boolean", label=_l("Advance payment"), required=True, default=False,
                                  help=_l("An advance invoice (anticipo), deducted on the final invoice."))
    rectifies_id: Mapped[int | None] = field("relation", label=_l("Rectifies"), target="invoicing_invoice",
                                             section="rectification")
    rectification_reason: Mapped[str | None] = field("select", label=_l("Reason"), options=RECTIFICATION_REASONS,
                                                     section="rectification")
    rectification_method: Mapped[str | None] = field("select", label=_l("Method"), options=RECTIFICATION_METHODS,
                                                     section="rectification")
    payment_term_id: Mapped[int | None] = field("relation", label=_l("Payment term"),
                                                target="invoicing_payment_term")
    due_date: Mapped[date | None] = field("date", label=_l("Due date"), filterable=True)
    exchange_rate: Mapped[Decimal | None] = field("decimal", label=_l("Exchange rate"), scale=6, system_set=True)
    paid: Mapped[Money | None] = field("money", label=_l("Paid"), system_set=True, section="totals")
    balance: Mapped[Money | None] = field("money", label=_l("Balance"), system_set=True, section="totals")
    payment_status: Mapped[str | None] = field("select", label=_l("Payment status"), options=PAYMENT_STATUSES,
                                               filterable=True, system_set=True)
    subscription_id: Mapped[int | None] = field("integer", label=_l("Subscription"), system_set=True)
    period_start: Mapped[date | None] = field("date", label=_l("Period from"))
    period_end: Mapped[date | None] = field("date", label=_l("Period to"))


class InvoiceLine(LineFields, Record, Base):
    __tablename__ = "invoicing_invoice_line"
    __entity__ = EntityInfo(_l("Invoice line"), _l("Invoice lines"), title="description",
                            parent="invoicing_invoice",
                            list_columns=("parent_id", "description", "quantity", "unit_price", "net"))

    order_line_id: Mapped[int | None] = field("relation", label=_l("Order line"), target="invoicing_order_line",
                                              system_set=True, position=10_000)


class InvoiceTax(Base):
    """One row per kind (vat, surcharge, withholding) and rate of an invoice: the base is the sum of the line
    nets at that rate after the global discount, the amount the tax on it, rounded once. Rewritten on every
    save of a draft and frozen at issue; the books read it."""

    __tablename__ = "invoicing_invoice_tax"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoicing_invoice.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    tax_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_tax.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(40))
    rate: Mapped[Decimal] = mapped_column(migration.ExactDecimal(4))
    base: Mapped[Decimal] = mapped_column(migration.ExactDecimal(4))
    amount: Mapped[Decimal] = mapped_column(migration.ExactDecimal(4))
    currency: Mapped[str] = mapped_column(String(3))
    exemption: Mapped[str | None] = mapped_column(Text)


ENTITIES = (PaymentTerm, Quote, QuoteLine, Order, OrderLine, Invoice, InvoiceLine)
