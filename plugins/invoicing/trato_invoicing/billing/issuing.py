"""What billing does when an invoice is issued: its instalments and due date from its payment term, and its
standing (nothing paid yet). Runs in the issuing transaction (A's `invoice_issued` hook)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete

from trato import Money, RecordData, records, session

from . import balances, terms
from .models import Instalment


def instalments_for(invoice: RecordData) -> list[terms.Due]:
    """The invoice's term split over its total; without a term, all of it on the due date given (or at once)."""
    total: Money = invoice["total"]
    issued_on: date = invoice["issue_date"] or date.today()
    if invoice["payment_term_id"]:
        term = records.get("invoicing_payment_term", invoice["payment_term_id"], user=None)
        return terms.schedule(terms.parse(term["instalments"]), total, issued_on)
    return [terms.Due(invoice["due_date"] or issued_on, total)]


def on_issue(invoice: RecordData) -> None:
    """Write the instalments and the due date (the last instalment's); saving the invoice works out its
    standing (`balances.fill_standing`)."""
    dues = instalments_for(invoice)
    db = session()
    db.execute(delete(Instalment).where(Instalment.invoice_id == invoice.id))
    db.add_all(Instalment(invoice_id=invoice.id, position=index, due_date=due.due_date, amount=due.amount.amount,
                          currency=due.amount.currency) for index, due in enumerate(dues, 1))
    db.flush()
    records.update(balances.INVOICE, invoice.id, {"due_date": dues[-1].due_date}, user=None, version=None)
