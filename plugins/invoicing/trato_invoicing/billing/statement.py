"""A customer's statement: its issued invoices and their payments over a period, with the balance carried in
from before and the running balance after each entry, per currency. Read with the user's access."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import g, has_app_context
from flask_babel import format_currency, format_date
from flask_babel import gettext as _

from trato import RecordData, ValidationFailed, documents, records

from .models import Payment

ZERO = Decimal("0.00")
INVOICE, PAYMENT = "invoicing_invoice", Payment.__tablename__
PDF_TEMPLATE = "billing/statement.html"  # templates/invoicing/documents/billing/statement.html


@dataclass
class Entry:
    on: date
    kind: str  # "invoice" or "payment"
    reference: str
    invoice_id: int
    charge: Decimal
    credit: Decimal
    balance: Decimal = ZERO


@dataclass
class Ledger:
    currency: str
    opening: Decimal = ZERO
    entries: list[Entry] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening


@dataclass
class Statement:
    account: RecordData
    start: date
    end: date
    ledgers: list[Ledger]


def _day(text: str | None, name: str, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed({name: [_("Write a date as YYYY-MM-DD.")]}) from None


def period(start: str | None, end: str | None) -> tuple[date, date]:
    """The period asked for: the twelve months up to today when not given; refused at `from` if backwards."""
    last = _day(end, "to", date.today())
    first = _day(start, "from", last - timedelta(days=365))
    if first > last:
        raise ValidationFailed({"from": [_("The period starts after it ends.")]})
    return first, last


def for_account(account_id: int, start: str | None, end: str | None, *, user: Any) -> Statement:
    """The statement of one account (RecordNotFound when the user may not see it).

    What came before the period is carried in as two sums (invoiced, paid) the database works out, so that a
    customer with years of invoices costs no more than one with a few; only the period's entries are read."""
    account = records.get("contacts_account", account_id, user=user)
    first, last = period(start, end)
    issued = {"account_id": account_id, "status": "issued"}
    paid_for = {"account_id": account_id}  # payments are taken on issued invoices only
    ledgers: dict[str, Ledger] = {}
    for currency, amount in _sum(INVOICE, "total", issued | {"issue_date__lt": first.isoformat()}, user).items():
        ledgers.setdefault(currency, Ledger(currency)).opening += amount
    for currency, amount in _sum(PAYMENT, "amount", paid_for | {"payment_date__lt": first.isoformat()},
                                 user).items():
        ledgers.setdefault(currency, Ledger(currency)).opening -= amount
    entries: list[tuple[str, Entry]] = []
    numbers: dict[int, str] = {}
    in_period = {"__gte": first.isoformat(), "__lte": last.isoformat()}
    invoices = records.query(INVOICE, user=user).where(
        issued | {f"issue_date{op}": day for op, day in in_period.items()}).order_by("issue_date")
    for invoice in _records(invoices):
        numbers[invoice.id] = invoice["number"] or ""
        total = invoice["total"]
        entries.append((total.currency, Entry(invoice["issue_date"], "invoice", numbers[invoice.id], invoice.id,
                                              total.amount, ZERO)))
    payments = list(_records(records.query(PAYMENT, user=user).where(
        paid_for | {f"payment_date{op}": day for op, day in in_period.items()})))
    numbers |= _numbers({p["invoice_id"] for p in payments} - set(numbers), user)
    for payment in payments:
        entries.append((payment["amount"].currency, Entry(payment["payment_date"], "payment",
                                                          numbers.get(payment["invoice_id"], ""),
                                                          payment["invoice_id"], ZERO, payment["amount"].amount)))
    for currency, entry in sorted(entries, key=lambda item: (item[1].on, item[1].kind != "invoice")):
        ledger = ledgers.setdefault(currency, Ledger(currency))
        entry.balance = ledger.closing + entry.charge - entry.credit
        ledger.entries.append(entry)
    return Statement(account, first, last, sorted(ledgers.values(), key=lambda ledger: ledger.currency))


def _sum(entity: str, money: str, where: dict[str, Any], user: Any) -> dict[str, Decimal]:
    """Per currency, the sum of a money field over the records the user may see (HiddenField if it is hidden)."""
    buckets = records.aggregate(entity, user, measures=[f"sum:{money}"], where=where)
    return {currency: amount for bucket in buckets
            for currency, amount in (bucket.values.get(f"sum:{money}") or {}).items() if amount}


def _numbers(invoice_ids: set[int], user: Any) -> dict[int, str]:
    """The numbers of the invoices that payments of the period settle, issued before it."""
    found: dict[int, str] = {}
    ordered = sorted(invoice_ids)
    for offset in range(0, len(ordered), records.MAX_LIMIT):
        chunk = ",".join(map(str, ordered[offset:offset + records.MAX_LIMIT]))
        for invoice in _records(records.query(INVOICE, user=user).where({"id__in": chunk})):
            found[invoice.id] = invoice["number"] or ""
    return found


def _records(query: records.RecordQuery) -> Any:
    """Every record of the query, a page at a time."""
    cursor = None
    while True:
        page = query.page(limit=records.MAX_LIMIT, cursor=cursor)
        yield from page.items
        cursor = page.next_cursor
        if cursor is None:
            return


def pdf(found: Statement, user: Any) -> bytes:
    """The statement as a PDF under the company's letterhead: the account's document rendered with the
    statement template, the statement handed to `document_context` for this render only."""
    g.invoicing_statement = found
    try:
        return documents.render_pdf("contacts_account", found.account.id, user=user, template=PDF_TEMPLATE)
    finally:
        g.pop("invoicing_statement", None)


def document_context(entity: str, record: RecordData | None, context: dict[str, Any]) -> None:
    """The `statement` merge field, formatted in the document's language: the one being printed, or a sample
    for the template editor's check."""
    if entity != "contacts_account":
        return
    found = g.get("invoicing_statement") if has_app_context() else None
    if record is None:
        found = Statement(RecordData("contacts_account", {}), date.today(), date.today(), [Ledger("EUR", ZERO, [
            Entry(date.today(), "invoice", "F2026-00001", 0, Decimal("121.00"), ZERO, Decimal("121.00"))])])
    elif found is None or found.account.id != record.id:
        return
    context["statement"] = _printed(found)


def _printed(found: Statement) -> dict[str, Any]:
    def money(amount: Decimal, currency: str) -> str:
        return format_currency(amount, currency)

    return {"start": format_date(found.start), "end": format_date(found.end),
            "period": _("Statement from %(start)s to %(end)s", start=format_date(found.start),
                        end=format_date(found.end)),
            "ledgers": [{"currency": ledger.currency, "opening": money(ledger.opening, ledger.currency),
                         "closing": money(ledger.closing, ledger.currency),
                         "entries": [{"date": format_date(e.on),
                                      "text": _("Invoice %(number)s", number=e.reference) if e.kind == "invoice"
                                      else _("Payment of %(number)s", number=e.reference),
                                      "charge": money(e.charge, ledger.currency) if e.charge else "",
                                      "credit": money(e.credit, ledger.currency) if e.credit else "",
                                      "balance": money(e.balance, ledger.currency)} for e in ledger.entries]}
                        for ledger in found.ledgers]}
