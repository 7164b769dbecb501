"""Writing calendars: their name, zone, week, seasons and holidays, each change checked first.

The caller commits (or rolls back) the session; a refusal is a
`CalendarError` naming the input at fault and leaves nothing changed.
"""
from __future__ import annotations

from datetime import date
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..i18n import _
from . import holidays as spain_data
from .holidays import HolidayDate
from .hours import parse_month_day, stored_week, week_of
from .models import HOLIDAY_KINDS, Calendar, CalendarSeason, Holiday
from .schedule import CalendarError, Schedule, Season, Week


@cache
def zone_names() -> tuple[str, ...]:
    """The IANA zone names this machine knows, sorted (read from disk once: the scan is slow)."""
    return tuple(sorted(available_timezones()))


def zone(name: str, field: str = "time_zone") -> ZoneInfo:
    """The zone named `name`, one of `zone_names()`."""
    if name not in zone_names():
        raise CalendarError(_("Choose a time zone from the list, such as Europe/Madrid."), field)
    return ZoneInfo(name)


def season_of(row: CalendarSeason) -> Season:
    return Season(row.name, parse_month_day(row.start, "start"), parse_month_day(row.end, "end"), week_of(row.week))


def schedule_of(dbs: Session, calendar: Calendar) -> Schedule:
    """The calendar's rules in memory, with its seasons and holidays."""
    seasons = dbs.scalars(select(CalendarSeason).where(CalendarSeason.calendar_id == calendar.id)
                          .order_by(CalendarSeason.start, CalendarSeason.id))
    days = dbs.scalars(select(Holiday.day).where(Holiday.calendar_id == calendar.id))
    return Schedule(ZoneInfo(calendar.time_zone), week_of(calendar.week), tuple(map(season_of, seasons)),
                    frozenset(days))


def _name(dbs: Session, name: str, calendar: Calendar | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise CalendarError(_("Give the calendar a name of up to 100 characters."), "name")
    taken = dbs.scalar(select(Calendar.id).where(func.lower(Calendar.name) == name.lower()))
    if taken is not None and (calendar is None or taken != calendar.id):
        raise CalendarError(_("There is already a calendar named “%(name)s”.", name=name), "name")
    return name


def _seasons(dbs: Session, calendar: Calendar | None) -> tuple[Season, ...]:
    if calendar is None or calendar.id is None:
        return ()
    rows = dbs.scalars(select(CalendarSeason).where(CalendarSeason.calendar_id == calendar.id))
    return tuple(map(season_of, rows))


def _make_default(dbs: Session, calendar: Calendar) -> None:
    dbs.execute(update(Calendar).where(Calendar.id != calendar.id, Calendar.is_default.is_(True))
                .values(is_default=False))
    calendar.is_default = True


def save_calendar(dbs: Session, calendar: Calendar | None, name: str, time_zone: str, week: Week,
                  is_default: bool = False) -> Calendar:
    """Create (`calendar` None) or change a calendar; the first calendar is the default one."""
    checked = _name(dbs, name, calendar)
    Schedule(zone(time_zone), week, _seasons(dbs, calendar))  # refuses a calendar that never works
    if calendar is None:
        calendar = Calendar(is_default=False)
        is_default = is_default or dbs.scalar(select(func.count()).select_from(Calendar)) == 0
        dbs.add(calendar)
    elif calendar.is_default and not is_default:
        raise CalendarError(_("Make another calendar the default one instead."), "is_default")
    calendar.name, calendar.time_zone, calendar.week = checked, time_zone, stored_week(week)
    dbs.flush()
    if is_default:
        _make_default(dbs, calendar)
    dbs.flush()
    return calendar


def delete_calendar(dbs: Session, calendar: Calendar) -> None:
    """Delete a calendar with its seasons and holidays; the default one only when it is the last."""
    others = dbs.scalar(select(func.count()).select_from(Calendar).where(Calendar.id != calendar.id))
    if calendar.is_default and others:
        raise CalendarError(_("This is the default calendar: make another one the default before deleting it."),
                            "calendar")
    for model in (Holiday, CalendarSeason):
        dbs.execute(delete(model).where(model.calendar_id == calendar.id))
    dbs.delete(calendar)
    dbs.flush()


def add_season(dbs: Session, calendar: Calendar, name: str, start: str, end: str, week: Week) -> CalendarSeason:
    """Hours that replace the week from `start` to `end` ("MM-DD") every year, such as summer hours."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise CalendarError(_("Give the season a name of up to 100 characters."), "name")
    bounds = parse_month_day(start, "start"), parse_month_day(end, "end")
    row = CalendarSeason(calendar_id=calendar.id, name=name, start=f"{bounds[0][0]:02d}-{bounds[0][1]:02d}",
                         end=f"{bounds[1][0]:02d}-{bounds[1][1]:02d}", week=stored_week(week))
    Schedule(zone(calendar.time_zone), week_of(calendar.week), (*_seasons(dbs, calendar), season_of(row)))
    dbs.add(row)
    dbs.flush()
    return row


def remove_season(dbs: Session, calendar: Calendar, season_id: int) -> None:
    left = tuple(s for s in dbs.scalars(select(CalendarSeason).where(CalendarSeason.calendar_id == calendar.id))
                 if s.id != season_id)
    Schedule(zone(calendar.time_zone), week_of(calendar.week), tuple(map(season_of, left)))
    dbs.execute(delete(CalendarSeason).where(CalendarSeason.calendar_id == calendar.id,
                                             CalendarSeason.id == season_id))
    dbs.flush()


def _kind(kind: str) -> str:
    if kind not in HOLIDAY_KINDS:
        raise CalendarError(_("Choose national, regional or local."), "kind")
    return kind


def add_holiday(dbs: Session, calendar: Calendar, day: date, name: str, kind: str) -> Holiday:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise CalendarError(_("Give the holiday a name of up to 200 characters."), "name")
    if not isinstance(day, date):
        raise CalendarError(_("Give the holiday's date."), "day")
    if dbs.scalar(select(Holiday.name).where(Holiday.calendar_id == calendar.id, Holiday.day == day)) is not None:
        raise CalendarError(_("This calendar already has a holiday on that date."), "day")
    row = Holiday(calendar_id=calendar.id, day=day, name=name, kind=_kind(kind))
    dbs.add(row)
    dbs.flush()
    return row


def add_holidays(dbs: Session, calendar: Calendar, days: list[HolidayDate]) -> tuple[int, int]:
    """Add holidays, leaving a date the calendar already has as it is: (added, already there)."""
    have = set(dbs.scalars(select(Holiday.day).where(Holiday.calendar_id == calendar.id)))
    new = {h.day: h for h in reversed(days) if h.day not in have}  # the first of a date wins
    dbs.add_all(Holiday(calendar_id=calendar.id, day=h.day, name=h.name, kind=_kind(h.kind)) for h in new.values())
    dbs.flush()
    return len(new), len(days) - len(new)


def remove_holiday(dbs: Session, calendar: Calendar, holiday_id: int) -> None:
    dbs.execute(delete(Holiday).where(Holiday.calendar_id == calendar.id, Holiday.id == holiday_id))
    dbs.flush()


def load_spain(dbs: Session, calendar: Calendar, year: int, extras: tuple[str, ...] = (),
               language: str = "en") -> tuple[int, int]:
    """Spain's national holidays of `year` (and the Easter extras asked for): (added, already there)."""
    return add_holidays(dbs, calendar, spain_data.spain(year, extras, language))


def import_ics(dbs: Session, calendar: Calendar, content: bytes, kind: str, until: date) -> tuple[int, int, int]:
    """The all-day events of an .ics file as holidays: (added, already there, timed events left out)."""
    from .ics import read_ics  # icalendar takes half a second to import: only an upload pays for it
    read = read_ics(content, _kind(kind), until)
    added, there = add_holidays(dbs, calendar, read.holidays)
    return added, there, read.timed
