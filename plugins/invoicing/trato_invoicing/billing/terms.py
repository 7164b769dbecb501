"""Payment terms: `instalments` text such as `30:50 60:50` (days after the issue date : percentage of the
total), read, checked and turned into dated amounts when an invoice is issued.

The amounts of all but the last instalment are rounded half up; the last one takes what is left, so the
instalments always add up to the total to the cent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from trato import Money

HUNDRED = Decimal(100)
MAX_DAYS = 3650

# The terms made at set-up: (English name, Spanish name, instalments).
SHIPPED = [("Cash", "Contado", "0:100"), ("30 days", "30 días", "30:100"),
           ("30/60 days", "30/60 días", "30:50 60:50"),
           ("30/60/90 days", "30/60/90 días", "30:33.33 60:33.33 90:33.34")]


class TermError(ValueError):
    """Instalments text that cannot be read; the message is for people."""


@dataclass(frozen=True)
class Share:
    days: int
    percent: Decimal


@dataclass(frozen=True)
class Due:
    due_date: date
    amount: Money


def parse(text: str | None) -> list[Share]:
    """`30:50 60:50` -> [Share(30, 50), Share(60, 50)]; raises TermError saying what is wrong."""
    parts = (text or "").replace(",", " ").replace(";", " ").split()
    if not parts:
        raise TermError(_("Write at least one instalment as days:percentage, for example 30:100."))
    shares: list[Share] = []
    for part in parts:
        days_text, colon, percent_text = part.partition(":")
        try:
            days, percent = int(days_text), Decimal(percent_text)
        except (ValueError, InvalidOperation):
            raise TermError(_("“%(part)s” is not days:percentage, for example 30:50.", part=part)) from None
        if not colon or not percent.is_finite():
            raise TermError(_("“%(part)s” is not days:percentage, for example 30:50.", part=part))
        if not 0 <= days <= MAX_DAYS:
            raise TermError(_("Days must be between 0 and %(max)d.", max=MAX_DAYS))
        if percent <= 0 or percent.as_tuple().exponent < -2:
            raise TermError(_("Each percentage must be above zero, with at most two decimals."))
        if shares and days <= shares[-1].days:
            raise TermError(_("Write the instalments in order of days, each later than the one before."))
        shares.append(Share(days, percent))
    if sum(share.percent for share in shares) != HUNDRED:
        raise TermError(_("The percentages add up to %(sum)s, not 100.",
                          sum=str(sum(share.percent for share in shares))))
    return shares


def schedule(shares: list[Share], total: Money, issued_on: date) -> list[Due]:
    """The dated amounts owed for `total` issued on `issued_on`; they add up to `total` exactly."""
    dues: list[Due] = []
    left = total
    for index, share in enumerate(shares):
        last = index == len(shares) - 1
        amount = left if last else Money(total.amount * share.percent / HUNDRED, total.currency).rounded()
        left = left - amount
        dues.append(Due(issued_on + timedelta(days=share.days), amount))
    return dues
