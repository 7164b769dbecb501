"""Business calendars: add and measure working time (SLAs, Gantt), in a calendar's zone and hours.

Public (through `trato.calendars`): `add_working_time`, `working_time_between`,
`is_working_day`, `next_working_day`, `schedule`, `default_calendar`,
`get_calendar`, `easter_sunday`, `Calendar`, `Schedule`, `CalendarError`.
Each computing function takes a `Calendar` row, or a `Schedule` built once by
`schedule()` (the fast way for a list of thousands), or None for the default
calendar. Datetimes must be aware, in any zone; results come back in the zone
of the `start` given. docs/calendars.md is the reference.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterable, Union

from sqlalchemy import select

from .. import db
from ..i18n import _
from . import schedule as _rules
from .holidays import easter_sunday
from .models import Calendar
from .schedule import CalendarError, Schedule
from .service import schedule_of

CalendarLike = Union[Calendar, Schedule, None]

__all__ = [
    "Calendar", "CalendarError", "Schedule", "add_working_time", "default_calendar", "easter_sunday",
    "get_calendar", "is_working_day", "next_working_day", "schedule", "working_time_between",
]


def default_calendar() -> Calendar | None:
    """The calendar marked as the default one, if any."""
    return db.session().scalar(select(Calendar).where(Calendar.is_default.is_(True)).order_by(Calendar.id))


def get_calendar(key: int | str) -> Calendar | None:
    """A calendar by id or by name."""
    column = Calendar.id if isinstance(key, int) else Calendar.name
    return db.session().scalar(select(Calendar).where(column == key))


def schedule(calendar: CalendarLike = None) -> Schedule:
    """The calendar's rules in memory (zone, hours, seasons, holidays); reuse it for many computations."""
    if isinstance(calendar, Schedule):
        return calendar
    if calendar is None:
        calendar = default_calendar()
        if calendar is None:
            raise CalendarError(_("There is no default calendar: create one under Administration → Calendars."),
                                "calendar")
    return schedule_of(db.session(), calendar)


def add_working_time(calendar: CalendarLike, start: datetime, *, hours: object = None,
                     days: int | None = None) -> datetime:
    """`start` moved on by `hours` of working time, or to the same time of day `days` working days later."""
    if (hours is None) == (days is None):
        raise CalendarError(_("Give either hours or days."), "hours")
    rules = schedule(calendar)
    return _rules.add_hours(rules, start, hours) if days is None else _rules.add_days(rules, start, days)


def working_time_between(calendar: CalendarLike, start: datetime, end: datetime,
                         pauses: Iterable[tuple[datetime, datetime]] = ()) -> timedelta:
    """The working time from `start` to `end`, less the `pauses` (the clock stopped); negative if `end` is earlier."""
    return _rules.between(schedule(calendar), start, end, pauses)


def _day(rules: Schedule, day: date | datetime) -> date:
    if isinstance(day, datetime):
        return rules.local_date(_rules.aware(day, "day"))
    if not isinstance(day, date):
        raise CalendarError(_("day must be a date."), "day")
    return day


def is_working_day(calendar: CalendarLike, day: date | datetime) -> bool:
    """Whether the day (a date, or the calendar's local date of an aware datetime) has working hours."""
    rules = schedule(calendar)
    return rules.is_working_day(_day(rules, day))


def next_working_day(calendar: CalendarLike, day: date | datetime) -> date:
    """The first working day after the day given."""
    rules = schedule(calendar)
    return rules.next_working_day(_day(rules, day))
