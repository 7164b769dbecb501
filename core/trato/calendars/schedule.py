"""Working-time arithmetic on a calendar held in memory (no database).

A `Schedule` is a calendar's rules as plain values: its zone, the working
intervals of each weekday (minutes from local midnight, so 09:00–14:00 is
(540, 840) and 24:00 is 1440), yearly seasons that replace the week for a
stretch of dates (Spain's summer "jornada intensiva"), and the holidays.

The functions walk day by day and add whole intervals, never minutes: a
day's intervals are turned into UTC instants once (and kept), clipped to the
span asked for, and the pauses are taken out by a single pass over them.
Intervals are measured in real elapsed time, so a working day across a DST
change is an hour shorter or longer, as the clock on the wall says.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from ..errors import TratoError
from ..i18n import _

Interval = tuple[int, int]  # minutes from local midnight: start, end (end up to 1440)
Week = tuple[tuple[Interval, ...], ...]  # seven days, Monday first
MINUTES_PER_DAY = 24 * 60
# Days without any working time in a row before the walk gives up: a year and a day covers every season.
_IDLE_LIMIT = 367
_CACHE_LIMIT = 8192
UTC = timezone.utc
ONE_DAY = timedelta(days=1)


class CalendarError(TratoError):
    """A calendar or a working-time question that cannot be answered; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Season:
    """A stretch of dates, the same every year (month, day), whose days follow `week` instead of the usual one.

    A season whose start comes after its end wraps over the new year (12-15 to 01-15).
    """

    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    week: Week

    def covers(self, day: date) -> bool:
        md = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end


@dataclass(eq=False)
class Schedule:
    """A calendar's rules in memory; build one per calendar and reuse it for many computations."""

    zone: ZoneInfo
    week: Week
    seasons: Sequence[Season] = ()
    holidays: frozenset[date] = frozenset()
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not any(any(day) for day in (self.week, *(s.week for s in self.seasons))):
            raise CalendarError(_("This calendar has no working hours on any day: give it some first."), "hours")

    def intervals_of(self, day: date) -> tuple[Interval, ...]:
        """The working intervals of a local date, in minutes (none on a holiday)."""
        if day in self.holidays:
            return ()
        week = next((s.week for s in self.seasons if s.covers(day)), self.week)
        return week[day.weekday()]

    def utc_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of a local date as UTC instants, computed once per day."""
        found = self._days.get(day)
        if found is None:
            if len(self._days) >= _CACHE_LIMIT:
                self._days.clear()
            pairs = ((self._instant(day, a), self._instant(day, b)) for a, b in self.intervals_of(day))
            found = self._days[day] = tuple((a, b) for a, b in pairs if b > a)  # an interval inside a DST gap
        return found

    def _instant(self, day: date, minute: int) -> datetime:
        if minute >= MINUTES_PER_DAY:
            day, minute = day + ONE_DAY, minute - MINUTES_PER_DAY
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
        return local.astimezone(UTC)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def is_working_day(self, day: date) -> bool:
        return bool(self.utc_intervals(day))

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        for _step in range(_IDLE_LIMIT):
            day += ONE_DAY
            if self.is_working_day(day):
                return day
        raise _idle(day)


def _idle(day: date) -> CalendarError:
    return CalendarError(_("This calendar has no working time for a whole year up to %(day)s.", day=day.isoformat()),
                         "hours")


def aware(moment: datetime, name: str) -> datetime:
    """`moment` in UTC; a naive datetime is refused, since its zone would be a guess."""
    if not isinstance(moment, datetime):
        raise CalendarError(_("%(name)s must be a date and time.", name=name), name)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError(_("%(name)s must carry its time zone.", name=name), name)
    return moment.astimezone(UTC)


def _merged(pauses: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The pauses in UTC, sorted, overlaps joined."""
    spans = []
    for number, pause in enumerate(pauses, start=1):
        try:
            a, b = pause
        except (TypeError, ValueError):
            raise CalendarError(_("Pause %(n)s must be a (start, end) pair.", n=number), "pauses") from None
        a, b = aware(a, "pauses"), aware(b, "pauses")
        if b < a:
            raise CalendarError(_("Pause %(n)s ends before it starts.", n=number), "pauses")
        spans.append((a, b))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def between(schedule: Schedule, start: datetime, end: datetime,
            pauses: Iterable[tuple[datetime, datetime]] = ()) -> timedelta:
    """Working time from `start` to `end` outside `pauses`; negative when `end` comes first."""
    s, e = aware(start, "start"), aware(end, "end")
    if e < s:
        return -between(schedule, end, start, pauses)
    stops = _merged(pauses)
    total = timedelta(0)
    at = 0  # the first pause that may still overlap: intervals come in time order, so it only moves on
    day, last = schedule.local_date(s), schedule.local_date(e)
    while day <= last:
        for a, b in schedule.utc_intervals(day):
            a, b = max(a, s), min(b, e)
            if b <= a:
                continue
            while at < len(stops) and stops[at][1] <= a:
                at += 1
            total += b - a
            for p, q in stops[at:]:
                if p >= b:
                    break
                total -= min(b, q) - max(a, p)
        day += ONE_DAY
    return total


def _duration(hours: object) -> timedelta:
    if isinstance(hours, timedelta):
        duration = hours
    elif isinstance(hours, (int, float, Decimal)) and not isinstance(hours, bool):
        try:
            micro = (Decimal(str(hours)) * 3_600_000_000).to_integral_value(ROUND_HALF_UP)
            duration = timedelta(microseconds=int(micro))
        except (InvalidOperation, OverflowError, ValueError):
            raise CalendarError(_("hours must be a finite number."), "hours") from None
    else:
        raise CalendarError(_("hours must be a number."), "hours")
    if duration < timedelta(0):
        raise CalendarError(_("hours cannot be negative."), "hours")
    return duration


def add_hours(schedule: Schedule, start: datetime, hours: object) -> datetime:
    """The moment when `hours` of working time have passed since `start` (in `start`'s zone)."""
    left, s = _duration(hours), aware(start, "start")
    if not left:
        return start
    day, idle = schedule.local_date(s), 0
    while idle < _IDLE_LIMIT:
        spans = [(max(a, s), b) for a, b in schedule.utc_intervals(day) if b > s]
        idle = 0 if spans else idle + 1
        for a, b in spans:
            if left <= b - a:
                return (a + left).astimezone(start.tzinfo)
            left -= b - a
        day += ONE_DAY
    raise _idle(day)


def add_days(schedule: Schedule, start: datetime, days: object) -> datetime:
    """The same local time of day, `days` working days after `start`'s date (in `start`'s zone)."""
    if not isinstance(days, int) or isinstance(days, bool):
        raise CalendarError(_("days must be a whole number."), "days")
    if days < 0:
        raise CalendarError(_("days cannot be negative."), "days")
    local = aware(start, "start").astimezone(schedule.zone)
    day = local.date()
    for _step in range(days):
        day = schedule.next_working_day(day)
    moved = datetime.combine(day, local.time(), tzinfo=schedule.zone)
    return moved.astimezone(UTC).astimezone(start.tzinfo)
