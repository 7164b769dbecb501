"""Dunning: reminders by email for overdue invoices, on the schedule of the dunning steps (7, 15 and 30 days
after the due date as shipped; administrators change them as records).

Each day an overdue invoice gets the reminder of the latest step it has reached, once: the row in
`invoicing_reminder_sent` is written in the same transaction as the message is queued in the core's outbox,
under a unique key (invoice, step), so two workers running at once, or the task run twice, queue one message.
Earlier steps it skipped (an invoice found 40 days late) are not sent afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from trato import RecordData, mail, records, session

from ..quoting.sending import language_of
from .models import DunningStep, Instalment, ReminderSent

INVOICE = "invoicing_invoice"


@dataclass(frozen=True)
class Reminder:
    invoice_id: int
    days_after_due: int
    recipient: str


def fell_due_on(invoice: RecordData, instalments: list[tuple[date, Decimal]] | None = None) -> date | None:
    """When the part of the invoice still unpaid fell due: the first instalment its payments do not cover.
    `instalments` (due date, amount) in order, when the caller read them already."""
    if instalments is None:
        instalments = _instalments([invoice.id]).get(invoice.id, [])
    paid = abs(invoice["paid"].amount if invoice["paid"] else Decimal(0))
    covered = Decimal(0)
    for due_date, amount in instalments:
        covered += abs(amount)
        if covered > paid:
            return due_date
    return invoice["due_date"]


def _instalments(invoice_ids: list[int]) -> dict[int, list[tuple[date, Decimal]]]:
    """The instalments of several invoices in one query, each invoice's in order."""
    found: dict[int, list[tuple[date, Decimal]]] = {}
    for invoice_id, due_date, amount in session().execute(
            select(Instalment.invoice_id, Instalment.due_date, Instalment.amount)
            .where(Instalment.invoice_id.in_(invoice_ids)).order_by(Instalment.invoice_id, Instalment.position)):
        found.setdefault(invoice_id, []).append((due_date, amount))
    return found


def recipient(invoice: RecordData) -> str | None:
    """The invoice's contact's address, else its account's."""
    for entity, key in (("contacts_contact", "contact_id"), ("contacts_account", "account_id")):
        if invoice[key]:
            found = records.get(entity, invoice[key], user=None)
            if found.get("email"):
                return str(found["email"])
    return None


def steps() -> list[int]:
    """The active steps' days after the due date, latest first."""
    return list(session().scalars(select(DunningStep.days_after_due)
                                  .where(DunningStep.active.is_(True), DunningStep.deleted_at.is_(None))
                                  .order_by(DunningStep.days_after_due.desc())))


def due_reminders(on: date) -> list[Reminder]:
    """The reminders to send on `on`: per overdue invoice, its latest step reached, if not sent yet."""
    schedule = steps()
    if not schedule:
        return []
    overdue = records.query(INVOICE, user=None).where({"status": "issued", "payment_status": "overdue"})
    found, cursor = [], None
    while True:  # every overdue invoice, a page at a time
        page = overdue.page(limit=records.MAX_LIMIT, cursor=cursor)
        ids = [invoice.id for invoice in page.items]
        sent = {tuple(row) for row in session().execute(
            select(ReminderSent.invoice_id, ReminderSent.days_after_due).where(ReminderSent.invoice_id.in_(ids)))}
        instalments = _instalments(ids)
        for invoice in page.items:
            start = fell_due_on(invoice, instalments.get(invoice.id, []))
            reached = next((days for days in schedule if start and start + timedelta(days=days) <= on), None)
            if reached is None or (invoice.id, reached) in sent:
                continue
            address = recipient(invoice)
            if address:
                found.append(Reminder(invoice.id, reached, address))
        cursor = page.next_cursor
        if cursor is None:
            return found


def message(invoice: RecordData, days_late: int, language: str) -> tuple[str, str]:
    """The reminder's subject and text in `language` (templates invoicing/billing/mail/reminder.<lang>.txt)."""
    with force_locale(language):
        subject = _("Payment reminder: invoice %(number)s", number=invoice["number"])
        text = render_template(f"invoicing/billing/mail/reminder.{language}.txt", invoice=invoice,
                               days_late=days_late)
    return subject, text


def send(reminder: Reminder, on: date) -> bool:
    """Log and queue one reminder in one transaction; False when it was logged already (by another run)."""
    invoice = records.get(INVOICE, reminder.invoice_id, user=None)
    language = language_of(INVOICE, invoice)
    subject, text = message(invoice, (on - (fell_due_on(invoice) or on)).days, language)
    try:
        with records.atomic():
            db = session()
            db.add(ReminderSent(invoice_id=invoice.id, days_after_due=reminder.days_after_due, sent_on=on,
                                sent_at=datetime.now(timezone.utc), recipient=reminder.recipient))
            db.flush()
            mail.queue(db, sender=mail.sender(db)[0], to=[reminder.recipient], subject=subject, text=text,
                       entity=INVOICE, record_id=invoice.id, kind="message")
    except IntegrityError:  # another run logged it first: its message is the one
        return False
    return True


def send_reminders(on: date | None = None) -> int:
    """Queue the day's reminders; how many went to the outbox."""
    day = on or date.today()
    queued = sum(send(reminder, day) for reminder in due_reminders(day))
    if queued:
        mail.wake()
    return queued
