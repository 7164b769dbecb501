"""An issued invoice's `paid`, `balance` and `payment_status`, kept right on every payment written.

Two payments recorded at once must both count. Each payment's save locks its invoice's row first
(`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite every writer holds the database's write lock from BEGIN),
then reads the payments committed so far: the second saver waits for the first to commit and sees its payment,
both when it checks the balance and when it writes the new one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Date, column, func, select, table

from trato import Money, RecordData, records, session

from .models import Instalment, Payment

INVOICE = "invoicing_invoice"
_invoice_rows = table(INVOICE, column("id"))


@dataclass(frozen=True)
class Standing:
    paid: Money
    balance: Money
    status: str


def lock_invoice(invoice_id: int) -> RecordData | None:
    """The invoice, read after its row is locked for this transaction; None if there is none."""
    if session().execute(select(_invoice_rows.c.id).where(_invoice_rows.c.id == invoice_id)
                         .with_for_update()).first() is None:
        return None
    return records.get(INVOICE, invoice_id, user=None)


def paid_so_far(invoice_id: int, currency: str, *, leaving_out: int | None = None) -> Money:
    """The sum of the invoice's live payments (all but `leaving_out`, a payment being changed)."""
    query = select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.invoice_id == invoice_id,
                                                                      Payment.deleted_at.is_(None))
    if leaving_out is not None:
        query = query.where(Payment.id != leaving_out)
    return Money(Decimal(session().scalar(query) or 0), currency)


def overdue_by(invoice_id: int, due_date: date | None, on: date) -> Decimal | None:
    """What should have been paid before `on` by the instalments (or the due date) of the invoice."""
    rows = session().execute(select(Instalment.due_date, Instalment.amount)
                             .where(Instalment.invoice_id == invoice_id, Instalment.due_date < on)).all()
    if rows:
        return sum((amount for _due, amount in rows), Decimal(0))
    return None if due_date is None or due_date >= on else Decimal("Infinity")


def standing(invoice_id: int, total: Money, due_date: date | None, on: date) -> Standing:
    """Paid, balance and status of an issued invoice from its live payments: overdue when less was paid than
    its instalments fallen due before `on` (in absolute value: a rectifying invoice's amounts are negative)."""
    paid = paid_so_far(invoice_id, total.currency)
    balance = (total - paid).rounded()
    if balance.amount == 0:
        status = "paid"
    else:
        owed = overdue_by(invoice_id, due_date, on)
        if owed is not None and abs(paid.amount) < abs(owed):
            status = "overdue"
        else:
            status = "partly_paid" if paid.amount != 0 else "unpaid"
    return Standing(paid.rounded(), balance, status)


def fill_standing(values: dict[str, Any], previous: RecordData | None) -> None:
    """In the invoice's `before_save`: an issued invoice's paid, balance and status, worked out afresh (the
    fields are `system_set`: this is the only place that writes them)."""
    if values.get("status") != "issued" or previous is None or values.get("total") is None:
        return
    now = standing(previous.id, values["total"], values.get("due_date"), date.today())
    values.update(paid=now.paid, balance=now.balance, payment_status=now.status)


def refresh(invoice_id: int) -> None:
    """Lock the invoice and save it as the system, so that `fill_standing` writes its standing from its
    payments (nothing is written when nothing changed)."""
    invoice = lock_invoice(invoice_id)
    if invoice is not None and invoice["status"] == "issued":
        records.update(INVOICE, invoice_id, {}, user=None, version=None)


def check_payment(values: dict[str, Any], previous: RecordData | None) -> dict[str, str] | None:
    """Refusals at the payment's fields: only on an issued invoice, in its currency, never beyond its balance
    (a refund, negative, only on a rectifying invoice owed back)."""
    if previous is not None and values["invoice_id"] != previous["invoice_id"]:
        return {"invoice_id": _("A payment cannot move to another invoice; delete it and record a new one.")}
    invoice = lock_invoice(values["invoice_id"])
    if invoice is None or invoice["status"] != "issued":
        return {"invoice_id": _("Payments are recorded on issued invoices only.")}
    amount: Money = values["amount"]
    currency = invoice["total"].currency
    if amount.currency != currency:
        return {"amount": _("The invoice is in %(currency)s: record the payment in %(currency)s.",
                            currency=currency)}
    if amount.amount == 0:
        return {"amount": _("A payment of zero records nothing.")}
    balance = invoice["total"] - paid_so_far(invoice.id, currency, leaving_out=previous and previous.id)
    if amount.amount < 0 and invoice["kind"] != "rectifying":
        return {"amount": _("A refund is a negative payment on a rectifying invoice.")}
    if amount.amount > 0 and balance.amount <= 0 or amount.amount < 0 and balance.amount >= 0:
        return {"amount": _("Nothing is owed on this invoice.")}
    if abs(amount.amount) > abs(balance.amount):
        return {"amount": _("The payment is larger than the balance of %(balance)s.", balance=str(balance))}
    values["account_id"] = invoice["account_id"]
    return None


def outstanding_due(on: date) -> list[int]:
    """Issued invoices with something owed, an instalment fallen due before `on` and not marked overdue."""
    invoices = table(INVOICE, column("id"), column("status"), column("payment_status"),
                     column("due_date", Date), column("deleted_at"))
    fallen_due = select(Instalment.invoice_id).where(Instalment.due_date < on)
    query = (select(invoices.c.id)
             .where(invoices.c.status == "issued", invoices.c.payment_status.in_(("unpaid", "partly_paid")),
                    invoices.c.deleted_at.is_(None),
                    invoices.c.id.in_(fallen_due) | (invoices.c.due_date < on))
             .order_by(invoices.c.id))
    return list(session().scalars(query))


def out_of_step() -> list[int]:
    """Issued invoices whose `paid` is not the sum of their live payments: a payment restored from the recycle
    bin (a restore calls no hook), which the nightly task then counts."""
    invoices = table(INVOICE, column("id"), column("status"), column("paid"), column("deleted_at"))
    payments = (select(func.coalesce(func.sum(Payment.amount), 0))
                .where(Payment.invoice_id == invoices.c.id, Payment.deleted_at.is_(None)).scalar_subquery())
    query = (select(invoices.c.id)
             .where(invoices.c.status == "issued", invoices.c.deleted_at.is_(None),
                    func.coalesce(invoices.c.paid, 0) != payments)
             .order_by(invoices.c.id))
    return list(session().scalars(query))
