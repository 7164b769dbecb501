"""The billing run: each due period of each active subscription becomes an invoice.

One transaction per period holds the claim (the subscription's `next_date` moved on under the version read:
a second runner that read the same version gets `StaleRecord` and skips it), the invoice, its issue and its
email. A run killed at any point leaves either all of a period or none of it, and the next run bills what is
left; the invoices' unique (subscription_id, period_start) index refuses a second invoice for a period even
if two runs raced past the claim.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update

from trato import JobContext, Money, RecordData, StaleRecord, TratoError, records, session

from ..pending import giving
from ..issuing import create_invoice, issue
from ..quoting import sending
from ..quoting.copying import copied_lines
from .models import Adjustment, Subscription
from .periods import Period, period_at, step_months

log = logging.getLogger(__name__)
ENTITY = "invoicing_subscription"
INVOICE = "invoicing_invoice"
LINE = "invoicing_subscription_line"
INVOICE_LINE = "invoicing_invoice_line"


def due(today: date) -> list[int]:
    """The ids of the active subscriptions with a period to bill on `today`."""
    return list(session().scalars(
        select(Subscription.id).where(Subscription.status == "active", Subscription.next_date <= today,
                                      Subscription.deleted_at.is_(None)).order_by(Subscription.id)))


def invoice_lines(subscription_id: int) -> list[dict[str, Any]]:
    return copied_lines(LINE, INVOICE_LINE, records.lines(ENTITY, subscription_id, user=None).get(LINE, []))


def pending_adjustments(subscription_id: int) -> list[Adjustment]:
    return list(session().scalars(select(Adjustment).where(Adjustment.subscription_id == subscription_id,
                                                           Adjustment.invoice_id.is_(None))
                                  .order_by(Adjustment.id)))


def adjustment_line(adjustment: Adjustment) -> dict[str, Any]:
    line: dict[str, Any] = {"description": adjustment.description, "quantity": 1,
                            "unit_price": Money(adjustment.amount, adjustment.currency)}
    if adjustment.tax_id:
        line["tax_id"] = adjustment.tax_id
    return line


def _claim(subscription: RecordData, period: Period) -> None:
    """Move `next_date` past the period under the version read (StaleRecord: another run has it)."""
    following = period.end + timedelta(days=1)
    values: dict[str, Any] = {"next_date": following}
    end = subscription.get("end_date")
    if end is not None and following > end:
        values["status"] = "ended"
    records.update(ENTITY, subscription.id, values, user=None, version=subscription.version)


def bill_next(subscription_id: int, today: date) -> RecordData | None:
    """Bill the subscription's next period if it is due on `today`: the invoice, or None when nothing was due
    (or another run took it)."""
    try:
        with records.atomic():
            subscription = records.get(ENTITY, subscription_id, user=None)
            start = subscription.get("next_date")
            if subscription.get("status") != "active" or start is None or start > today:
                return None
            end = subscription.get("end_date")
            if end is not None and start > end:
                records.update(ENTITY, subscription_id, {"status": "ended"}, user=None,
                               version=subscription.version)
                return None
            period = period_at(subscription["start_date"], start,
                               step_months(subscription["frequency"], subscription["interval"]))
            _claim(subscription, period)
            adjustments = pending_adjustments(subscription_id)
            values = {"account_id": subscription["account_id"], "contact_id": subscription.get("contact_id"),
                      "fiscal_position_id": subscription.get("fiscal_position_id"), "issue_date": today,
                      "operation_date": period.start, "period_start": period.start, "period_end": period.end}
            lines = invoice_lines(subscription_id) + [adjustment_line(a) for a in adjustments]
            with giving(INVOICE, None, {"subscription_id": subscription_id}):  # a system-set field
                invoice = create_invoice({k: v for k, v in values.items() if v is not None}, lines, user=None)
            if adjustments:
                session().execute(update(Adjustment).where(Adjustment.id.in_([a.id for a in adjustments]))
                                  .values(invoice_id=invoice.id))
            if subscription["mode"] == "issue":
                invoice = issue(invoice.id, user=None)
                message = sending.draft(sending.INVOICE, invoice)
                if message.to:
                    sending.send(sending.INVOICE, invoice.id, message, user=None)
            return invoice
    except StaleRecord:
        log.info("subscription %s: its period was taken by another run", subscription_id)
        return None


def bill_due(today: date, ctx: JobContext | None = None) -> int:
    """Bill every due period of every subscription (a subscription behind by several periods gets one invoice
    for each); returns how many invoices were made. A subscription that cannot be billed (no lines, a tax
    no longer valid) is logged and left for the next run; the others go on."""
    made = 0
    ids = due(today)
    for done, subscription_id in enumerate(ids, 1):
        try:
            while bill_next(subscription_id, today) is not None:
                made += 1
        except TratoError as exc:
            log.warning("subscription %s not billed: %s", subscription_id, exc)
        if ctx is not None:
            ctx.progress(done, len(ids))
    return made
