"""Billing's periodic work: overdue invoices marked each night (their standing saved again), and the day's
dunning reminders queued in the morning."""
from __future__ import annotations

from datetime import date

from trato import JobContext, records

from . import balances, dunning


def mark_overdue(ctx: JobContext) -> None:
    """Every issued invoice with an instalment fallen due and unpaid becomes overdue, and one whose payments
    changed behind the hooks' back (a restore) is counted again; one transaction each."""
    due = sorted(set(balances.outstanding_due(date.today())) | set(balances.out_of_step()))
    for done, invoice_id in enumerate(due, 1):
        with records.atomic():
            balances.refresh(invoice_id)
        ctx.progress(done, len(due))


def send_reminders(ctx: JobContext) -> None:
    """The reminders of the dunning steps reached today (dunning.py)."""
    dunning.send_reminders(date.today())
