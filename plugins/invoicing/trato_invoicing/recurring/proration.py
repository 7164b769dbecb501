"""Plan changes in the middle of a billed period: the difference in the lines' nets, for the days of the
period still to come (today included), is kept as an adjustment and billed with the next period's invoice
(a credit when the plan went down). Grouped by VAT so the adjustment is taxed as the lines it comes from.

The record service calls `before_save` before the lines are written and `after_save` after, so the nets as
they were are kept for the length of the save (flask.g) and compared with the nets as saved.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal
from flask import g
from flask_babel import force_locale, gettext as _

from trato import Money, RecordData, companies, currencies, records, session

from .models import Adjustment
from .periods import period_containing, step_months

ENTITY = "invoicing_subscription"
LINE = "invoicing_subscription_line"
KEPT = "_invoicing_subscription_nets"

Nets = dict[tuple[int | None, str], Decimal]


def nets(subscription_id: int) -> Nets:
    """The sum of the lines' nets by (VAT, currency), as stored."""
    found: Nets = defaultdict(Decimal)
    for line in records.lines(ENTITY, subscription_id, user=None).get(LINE, []):
        net = line.get("net")
        if isinstance(net, Money):
            found[(line.get("tax_id"), net.currency)] += net.amount
    return dict(found)


def billed_period_left(previous: RecordData, today: date) -> tuple[int, int] | None:
    """(days left including today, days in the period) when `today` falls in a period already billed."""
    next_date = previous.get("next_date")
    if previous.get("status") != "active" or next_date is None or next_date <= today:
        return None
    period = period_containing(previous["start_date"], today,
                               step_months(previous["frequency"], previous["interval"]))
    if period is None or period.end >= next_date:
        return None
    return (period.end - today).days + 1, period.days


def remember(previous: RecordData | None) -> None:
    """before_save: keep the nets of a subscription inside a billed period."""
    if previous is not None and billed_period_left(previous, date.today()) is not None:
        g.setdefault(KEPT, {})[previous.id] = nets(previous.id)


def settle(record: RecordData, previous: RecordData | None) -> None:
    """after_save: an adjustment per VAT whose nets changed, prorated by the days left."""
    before = g.get(KEPT, {}).pop(record.id, None)
    if before is None or previous is None:
        return
    left = billed_period_left(previous, date.today())
    if left is None:
        return
    days, total_days = left
    after = nets(record.id)
    language = companies.company_for(ENTITY, record).locale[:2]
    for key in sorted(set(before) | set(after), key=str):
        tax_id, currency = key
        change = after.get(key, Decimal(0)) - before.get(key, Decimal(0))
        amount = currencies.round_money(change * days / total_days, currency)
        if amount == 0:
            continue
        with force_locale(language):
            text = _("Plan change from %(day)s: %(days)d of %(total)d days", day=date.today().isoformat(),
                     days=days, total=total_days)
        session().add(Adjustment(subscription_id=record.id, description=text, amount=amount, currency=currency,
                                 tax_id=tax_id, created_at=datetime.now(timezone.utc)))
