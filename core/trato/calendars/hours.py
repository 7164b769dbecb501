"""Working hours as people write them ("09:00-14:00, 15:00-18:00") and as a calendar keeps them (minute pairs)."""
from __future__ import annotations

import re
from typing import Any

from ..i18n import _
from .schedule import CalendarError, Interval, Week

_TIME = r"(\d{1,2}):(\d{2})"
_INTERVAL = re.compile(rf"^{_TIME}\s*[-–—]\s*{_TIME}$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
# Days of February 29 included: a season's bounds are checked against a leap year.
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _minute(hours: str, minutes: str) -> int | None:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def parse_day(text: str, field: str) -> tuple[Interval, ...]:
    """The intervals of one day from "09:00-14:00, 15:00-18:00"; empty text is a day off."""
    intervals = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text or ""))):
        found = _INTERVAL.match(part)
        start = end = None
        if found:
            start, end = _minute(*found.group(1, 2)), _minute(*found.group(3, 4))
        if start is None or end is None:
            raise CalendarError(_("Write hours as 09:00-14:00, 15:00-18:00 (“%(part)s” is not).", part=part), field)
        if end <= start:
            raise CalendarError(_("%(part)s ends before it starts.", part=part), field)
        intervals.append((start, end))
    intervals.sort()
    for (_a, b), (c, _d) in zip(intervals, intervals[1:]):
        if c < b:
            raise CalendarError(_("Two intervals of this day overlap."), field)
    return tuple(intervals)


def format_day(intervals: Any) -> str:
    return ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in intervals)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def week_of(stored: Any) -> Week:
    """A week as the database keeps it (lists), as tuples."""
    return tuple(tuple((int(a), int(b)) for a, b in day) for day in stored)


def stored_week(week: Week) -> list[list[list[int]]]:
    return [[[a, b] for a, b in day] for day in week]


def parse_month_day(text: str, field: str) -> tuple[int, int]:
    """A season bound, "MM-DD" (07-01)."""
    found = _MONTH_DAY.match((text or "").strip())
    if found:
        month, day = int(found.group(1)), int(found.group(2))
        if 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]:
            return month, day
    raise CalendarError(_("Write a day of the year as MM-DD, such as 07-01."), field)

