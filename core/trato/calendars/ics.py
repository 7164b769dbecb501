"""Holidays from an iCalendar (.ics) file: its all-day events, each day of them one holiday.

The whole file is read before anything is written, so a broken file (or a
broken event in it) is a clear error and leaves the calendar as it was.
Repeating events (RRULE, less their EXDATEs) are expanded up to a horizon;
events with a time of day are not holidays and are only counted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import icalendar
from dateutil.rrule import rruleset, rrulestr

from ..i18n import _
from .holidays import HolidayDate
from .schedule import CalendarError

# An all-day event longer than this is not a holiday but a mistake (or a whole year blocked out).
LONGEST_EVENT = timedelta(days=31)
FIELD = "file"


@dataclass
class IcsHolidays:
    """What a file holds: one holiday per date (the first event of a date names it), and what was left out."""

    holidays: list[HolidayDate] = field(default_factory=list)
    timed: int = 0  # events with a time of day


def read_ics(content: bytes, kind: str, until: date) -> IcsHolidays:
    """The holidays of an .ics file's content, repeating events expanded up to `until`."""
    try:
        calendar = icalendar.Calendar.from_ical(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CalendarError(_("This is not an iCalendar file that can be read: %(reason)s", reason=str(exc)[:200]),
                            FIELD) from None
    if not isinstance(calendar, icalendar.Calendar):
        raise CalendarError(_("This file holds no VCALENDAR."), FIELD)
    found: dict[date, HolidayDate] = {}
    result = IcsHolidays()
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        name = str(event.get("SUMMARY") or "").strip()[:200] or _("Holiday")
        where = _("Event %(n)s (%(name)s)", n=number, name=name)
        if event.errors:
            prop, reason = event.errors[0]
            raise CalendarError(_("%(event)s: %(property)s cannot be read (%(reason)s).", event=where, property=prop,
                                  reason=reason), FIELD)
        start = event.get("DTSTART")
        if start is None:
            raise CalendarError(_("%(event)s has no start date (DTSTART).", event=where), FIELD)
        if isinstance(start.dt, datetime):
            result.timed += 1
            continue
        for day in _days(event, start.dt, until, where):
            found.setdefault(day, HolidayDate(day, name, kind))
    result.holidays = sorted(found.values(), key=lambda h: h.day)
    return result


def _length(event: Any, start: date, where: str) -> int:
    """Days the event lasts (DTEND is the day after the last one; none means one day)."""
    end, duration = event.get("DTEND"), event.get("DURATION")
    if end is not None:
        length = end.dt - start if not isinstance(end.dt, datetime) else None
    elif duration is not None:
        length = duration.dt
    else:
        length = timedelta(days=1)
    if not isinstance(length, timedelta) or length <= timedelta(0) or length > LONGEST_EVENT:
        raise CalendarError(_("%(event)s must last between one day and %(days)s days.", event=where,
                              days=LONGEST_EVENT.days), FIELD)
    return max(1, length.days)


def _days(event: Any, start: date, until: date, where: str) -> list[date]:
    length = _length(event, start, where)
    firsts = [start]
    if event.get("RRULE") is not None:
        firsts = _occurrences(event, start, until, where)
    return [first + timedelta(days=i) for first in firsts for i in range(length)]


def _occurrences(event: Any, start: date, until: date, where: str) -> list[date]:
    rules = event.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules]
    begin = datetime.combine(start, time())
    dates = rruleset()
    try:
        for rule in rules:
            dates.rrule(rrulestr(rule.to_ical().decode(), dtstart=begin, ignoretz=True))
        for exdates in _listed(event.get("EXDATE")):
            for value in exdates.dts:
                dates.exdate(datetime.combine(value.dt, time()) if not isinstance(value.dt, datetime)
                             else value.dt.replace(tzinfo=None))
        return [d.date() for d in dates.between(begin, datetime.combine(until, time()), inc=True)]
    except (ValueError, TypeError) as exc:
        raise CalendarError(_("%(event)s repeats by a rule that cannot be read (%(reason)s).", event=where,
                              reason=str(exc)[:200]), FIELD) from None


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
