"""Billing periods: each starts a whole number of months after the subscription's start date, on the same
day of the month (the month's last day where that month is shorter: a 31 January start bills 28 February)."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .models import MONTHS


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day billed, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def step_months(frequency: str, interval: int) -> int:
    return MONTHS[frequency] * max(interval, 1)


def period_at(start_date: date, period_start: date, months: int) -> Period:
    """The period beginning on `period_start`, counted from `start_date` so that short months do not drift
    the day (31 Jan, 28 Feb, 31 Mar...)."""
    elapsed = (period_start.year - start_date.year) * 12 + period_start.month - start_date.month
    following = add_months(start_date, (elapsed // months + 1) * months)
    return Period(period_start, following - timedelta(days=1))


def period_containing(start_date: date, day: date, months: int) -> Period | None:
    """The period `day` falls in, or None before the start date."""
    if day < start_date:
        return None
    elapsed = (day.year - start_date.year) * 12 + day.month - start_date.month
    index = max(elapsed // months, 0)
    begins = add_months(start_date, index * months)
    if begins > day:
        begins = add_months(start_date, (index - 1) * months)
    return period_at(start_date, begins, months)
