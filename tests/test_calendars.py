"""Business calendars: working time added and measured across weekends, holidays, DST, lunch and pauses."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trato import calendars
from trato.calendars import CalendarError, Schedule
from trato.calendars import service as manage
from trato.calendars.holidays import easter_sunday, spain
from trato.calendars.hours import parse_day
from trato.calendars.models import Calendar, Holiday
from trato.calendars.schedule import Season
from trato.db import session
from trato.testing import migration_drift

MADRID = ZoneInfo("Europe/Madrid")
OFFICE = ((540, 840), (900, 1080))  # 09:00-14:00 and 15:00-18:00: eight hours, lunch between
WEEK = (OFFICE,) * 5 + ((), ())
ALWAYS = (((0, 1440),),) * 7


def madrid(*args: int) -> datetime:
    return datetime(*args, tzinfo=MADRID)


def office(holidays: tuple[date, ...] = (), seasons: tuple[Season, ...] = ()) -> Schedule:
    return Schedule(MADRID, WEEK, seasons, frozenset(holidays))


IMMACULATE = date(2026, 12, 8)  # a Tuesday


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def madrid_office(ctx):
    """The default calendar: Madrid office hours and Spain's 2026 national holidays."""
    dbs = session()
    cal = manage.save_calendar(dbs, None, "Madrid office", "Europe/Madrid", WEEK)
    manage.load_spain(dbs, cal, 2026)
    dbs.commit()
    return cal


def test_working_time_across_a_weekend_and_a_holiday(madrid_office):
    # Friday 17:00 to Wednesday 10:00: 1 h on Friday, 8 h on Monday, Tuesday the 8th is a holiday, 1 h on Wednesday.
    assert calendars.working_time_between(madrid_office, madrid(2026, 12, 4, 17), madrid(2026, 12, 9, 10)) \
        == timedelta(hours=10)
    assert calendars.working_time_between(None, madrid(2026, 12, 4, 17), madrid(2026, 12, 9, 10)) \
        == timedelta(hours=10), "None is the default calendar"
    assert calendars.add_working_time(madrid_office, madrid(2026, 12, 4, 17), hours=9) == madrid(2026, 12, 7, 18)
    assert calendars.add_working_time(madrid_office, madrid(2026, 12, 4, 17), hours=10) == madrid(2026, 12, 9, 10)


def test_an_hours_interval_split_by_lunch():
    day = office()
    assert calendars.working_time_between(day, madrid(2026, 12, 2, 13), madrid(2026, 12, 2, 16)) == timedelta(hours=2)
    assert calendars.add_working_time(day, madrid(2026, 12, 2, 13), hours=1.5) == madrid(2026, 12, 2, 15, 30)
    assert calendars.add_working_time(day, madrid(2026, 12, 2, 13), hours=1) == madrid(2026, 12, 2, 14), \
        "the hour ends at the lunch break, not after it"
    assert calendars.add_working_time(day, madrid(2026, 12, 2, 14, 20), hours=Decimal("0.25")) \
        == madrid(2026, 12, 2, 15, 15), "a start inside the break counts from its end"


def test_add_working_days_lands_after_a_holiday():
    cal = office((IMMACULATE,))
    assert calendars.add_working_time(cal, madrid(2026, 12, 7, 11, 30), days=1) == madrid(2026, 12, 9, 11, 30)
    assert calendars.add_working_time(cal, madrid(2026, 12, 4, 10), days=2) == madrid(2026, 12, 9, 10)
    assert calendars.add_working_time(cal, madrid(2026, 12, 5, 10), days=1) == madrid(2026, 12, 7, 10), \
        "from a Saturday, the first working day is Monday"
    assert calendars.next_working_day(cal, date(2026, 12, 7)) == date(2026, 12, 9)
    assert not calendars.is_working_day(cal, IMMACULATE) and calendars.is_working_day(cal, date(2026, 12, 9))
    # 23:30 UTC on Monday the 7th is already the 8th (the holiday) in Madrid.
    assert not calendars.is_working_day(cal, datetime(2026, 12, 7, 23, 30, tzinfo=timezone.utc))


def test_working_time_across_dst_changes_in_madrid():
    nights = Schedule(MADRID, (((0, 360),),) * 7)  # 00:00-06:00 every day
    # 25 October 2026: 03:00 CEST falls back to 02:00 CET, the night has 7 hours; 29 March 2026 it has 5.
    assert calendars.working_time_between(nights, madrid(2026, 10, 25), madrid(2026, 10, 26)) == timedelta(hours=7)
    assert calendars.working_time_between(nights, madrid(2026, 3, 29), madrid(2026, 3, 30)) == timedelta(hours=5)
    always = Schedule(MADRID, ALWAYS)
    assert calendars.working_time_between(always, madrid(2026, 10, 24), madrid(2026, 10, 26)) == timedelta(hours=49)
    assert calendars.add_working_time(always, madrid(2026, 3, 28, 12), hours=24) == madrid(2026, 3, 29, 13)
    # Office hours are wall-clock hours: the Monday after the change still ends at 18:00 local.
    assert calendars.add_working_time(office(), madrid(2026, 10, 23, 17), hours=2) == madrid(2026, 10, 26, 10)
    assert calendars.working_time_between(office(), madrid(2026, 10, 23, 17), madrid(2026, 10, 26, 10)) \
        == timedelta(hours=2)


def test_datetimes_in_any_zone_come_back_in_the_start_zone():
    start = datetime(2026, 12, 4, 16, tzinfo=timezone.utc)  # 17:00 in Madrid
    due = calendars.add_working_time(office(), start, hours=2)
    assert due.tzinfo is timezone.utc and due == madrid(2026, 12, 7, 10)
    new_york = ZoneInfo("America/New_York")
    assert calendars.working_time_between(office(), start.astimezone(new_york), due.astimezone(new_york)) \
        == timedelta(hours=2)


def test_pauses_stop_the_clock():
    day = office()
    start, end = madrid(2026, 12, 2, 9), madrid(2026, 12, 3, 18)  # 16 working hours
    waiting = [(madrid(2026, 12, 2, 11), madrid(2026, 12, 2, 16)),  # 4 working hours (lunch inside)
               (madrid(2026, 12, 2, 15, 30), madrid(2026, 12, 2, 17)),  # overlaps the first: 1 more hour
               (madrid(2026, 12, 2, 20), madrid(2026, 12, 3, 8)),  # outside working hours: nothing
               (madrid(2026, 12, 3, 17), madrid(2026, 12, 5, 12))]  # runs past the end: 1 hour
    assert calendars.working_time_between(day, start, end, pauses=waiting) == timedelta(hours=10)
    assert calendars.working_time_between(day, end, start, pauses=waiting) == -timedelta(hours=10), \
        "reversed, the same time with a minus sign"
    assert calendars.working_time_between(day, start, end, pauses=[]) == timedelta(hours=16)


def test_summer_hours_by_season():
    summer = Season("Jornada intensiva", (7, 1), (8, 31), ((((480, 900),),) * 5 + ((), ())))
    cal = office(seasons=(summer,))
    assert calendars.working_time_between(cal, madrid(2026, 7, 6), madrid(2026, 7, 7)) == timedelta(hours=7)
    assert calendars.working_time_between(cal, madrid(2026, 9, 7), madrid(2026, 9, 8)) == timedelta(hours=8)
    assert calendars.add_working_time(cal, madrid(2026, 8, 31, 14), hours=2) == madrid(2026, 9, 1, 10)
    winter = Season("Christmas", (12, 24), (1, 6), (((),) * 7))
    closed = office(seasons=(winter,))
    assert calendars.next_working_day(closed, date(2026, 12, 23)) == date(2027, 1, 7)


SPAIN_OFFICE = Schedule(MADRID, WEEK, (Season("Summer", (7, 1), (8, 31), (((480, 900),),) * 5 + ((), ())),),
                        frozenset(h.day for year in range(2026, 2031) for h in spain(year)))


@given(start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31),
                          timezones=st.sampled_from([timezone.utc, MADRID, ZoneInfo("America/New_York")])),
       minutes=st.integers(min_value=0, max_value=200 * 60), seconds=st.integers(min_value=0, max_value=59))
@settings(max_examples=300, deadline=None)
def test_adding_then_measuring_gives_the_hours_back(start, minutes, seconds):
    cal = SPAIN_OFFICE
    hours = Decimal(minutes * 60 + seconds) / 3600
    due = calendars.add_working_time(cal, start, hours=hours)
    assert due >= start
    assert calendars.working_time_between(cal, start, due) == timedelta(minutes=minutes, seconds=seconds)


def test_a_calendar_with_no_working_hours_is_refused(ctx):
    with pytest.raises(CalendarError, match="no working hours") as refused:
        Schedule(MADRID, ((),) * 7)
    assert refused.value.field == "hours"
    dbs = session()
    with pytest.raises(CalendarError, match="no working hours"):
        manage.save_calendar(dbs, None, "Closed", "Europe/Madrid", ((),) * 7)
    dbs.rollback()
    assert dbs.query(Calendar).count() == 0


def test_bad_questions_get_clear_errors():
    cal = office()
    with pytest.raises(CalendarError, match="must carry its time zone"):
        calendars.add_working_time(cal, datetime(2026, 12, 2, 9), hours=1)
    with pytest.raises(CalendarError, match="either hours or days"):
        calendars.add_working_time(cal, madrid(2026, 12, 2, 9), hours=1, days=1)
    with pytest.raises(CalendarError, match="cannot be negative"):
        calendars.add_working_time(cal, madrid(2026, 12, 2, 9), hours=-1)
    with pytest.raises(CalendarError, match="whole number"):
        calendars.add_working_time(cal, madrid(2026, 12, 2, 9), days=1.5)
    with pytest.raises(CalendarError, match="must be a number"):
        calendars.add_working_time(cal, madrid(2026, 12, 2, 9), hours="3")
    with pytest.raises(CalendarError, match="Pause 1 ends before it starts"):
        calendars.working_time_between(cal, madrid(2026, 12, 2, 9), madrid(2026, 12, 3, 9),
                                       pauses=[(madrid(2026, 12, 2, 12), madrid(2026, 12, 2, 10))])
    # Holidays on every day of the year ahead: a clear error, not an endless walk.
    year = frozenset(date(2027, 1, 1) + timedelta(days=n) for n in range(400))
    with pytest.raises(CalendarError, match="no working time for a whole year"):
        calendars.add_working_time(office(tuple(year)), madrid(2026, 12, 31, 18), hours=1)


def test_no_default_calendar(ctx):
    with pytest.raises(CalendarError, match="no default calendar"):
        calendars.add_working_time(None, madrid(2026, 12, 2, 9), hours=1)


def test_hours_as_written():
    assert parse_day("09:00-14:00, 15:00–18:00", "w") == OFFICE
    assert parse_day("", "w") == ()
    assert parse_day("22:00-24:00", "w") == ((1320, 1440),)
    for bad, message in [("9-14", "Write hours as"), ("14:00-09:00", "ends before it starts"),
                         ("09:00-14:00, 13:00-15:00", "overlap"), ("09:00-24:30", "Write hours as")]:
        with pytest.raises(CalendarError, match=message):
            parse_day(bad, "w")


def test_easter_and_spain_national_holidays():
    assert [easter_sunday(y) for y in range(2026, 2031)] == [
        date(2026, 4, 5), date(2027, 3, 28), date(2028, 4, 16), date(2029, 4, 1), date(2030, 4, 21)]
    days = {h.day: (h.name, h.kind) for h in spain(2027, ("maundy_thursday", "easter_monday"), "es")}
    assert days[date(2027, 3, 26)] == ("Viernes Santo", "national")
    assert days[date(2027, 3, 25)] == ("Jueves Santo", "regional")
    assert days[date(2027, 3, 29)] == ("Lunes de Pascua", "regional")
    assert {d for d, (_n, kind) in days.items() if kind == "national"} == {
        date(2027, 1, 1), date(2027, 1, 6), date(2027, 3, 26), date(2027, 5, 1), date(2027, 8, 15), date(2027, 10, 12),
        date(2027, 11, 1), date(2027, 12, 6), date(2027, 12, 8), date(2027, 12, 25)}
    assert [h.name for h in spain(2028)][:2] == ["New Year's Day", "Epiphany"]
    with pytest.raises(CalendarError, match="2026 to 2030"):
        spain(2031)


def test_loading_holidays_twice_adds_nothing_the_second_time(madrid_office):
    dbs = session()
    assert manage.load_spain(dbs, madrid_office, 2026) == (0, 10)
    assert manage.load_spain(dbs, madrid_office, 2026, ("easter_monday",)) == (1, 10)
    assert calendars.is_working_day(madrid_office, date(2026, 4, 6)) is False


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
BEGIN:VEVENT\r
UID:1\r
SUMMARY:San Isidro\r
DTSTART;VALUE=DATE:20270515\r
DTEND;VALUE=DATE:20270516\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2\r
SUMMARY:Fiestas\r
DTSTART;VALUE=DATE:20270907\r
DTEND;VALUE=DATE:20270909\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3\r
SUMMARY:Meeting\r
DTSTART:20270910T090000Z\r
DTEND:20270910T100000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:4\r
SUMMARY:Company day\r
DTSTART;VALUE=DATE:20261120\r
RRULE:FREQ=YEARLY\r
EXDATE;VALUE=DATE:20271120\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_ics_all_day_events_become_holidays(madrid_office):
    dbs = session()
    added, there, timed = manage.import_ics(dbs, madrid_office, ICS, "local", until=date(2029, 12, 31))
    dbs.commit()
    assert (added, there, timed) == (6, 0, 1)
    rows = {h.day: (h.name, h.kind) for h in dbs.query(Holiday).filter(Holiday.kind == "local")}
    assert rows == {date(2027, 5, 15): ("San Isidro", "local"), date(2027, 9, 7): ("Fiestas", "local"),
                    date(2027, 9, 8): ("Fiestas", "local"), date(2026, 11, 20): ("Company day", "local"),
                    date(2028, 11, 20): ("Company day", "local"), date(2029, 11, 20): ("Company day", "local")}
    assert manage.import_ics(dbs, madrid_office, ICS, "local", until=date(2029, 12, 31)) == (0, 6, 1)


@pytest.mark.parametrize("content, message", [
    (b"this is not a calendar", "not an iCalendar file"),
    (ICS.replace(b"DTSTART;VALUE=DATE:20270515", b"DTSTART;VALUE=DATE:2027XX15"),
     r"Event 1 \(San Isidro\): DTSTART cannot be read"),
    (ICS.replace(b"DTSTART;VALUE=DATE:20270515\r\n", b""), "has no start date"),
    (ICS.replace(b"DTEND;VALUE=DATE:20270909", b"DTEND;VALUE=DATE:20280909"), "must last between one day"),
])
def test_a_broken_ics_file_writes_nothing(madrid_office, content, message):
    dbs = session()
    before = dbs.query(Holiday).count()
    with pytest.raises(CalendarError, match=message) as refused:
        manage.import_ics(dbs, madrid_office, content, "local", until=date(2029, 12, 31))
    assert refused.value.field == "file"
    dbs.rollback()
    assert dbs.query(Holiday).count() == before


def test_one_default_calendar(madrid_office):
    dbs = session()
    other = manage.save_calendar(dbs, None, "Mexico office", "America/Mexico_City", WEEK)
    assert not other.is_default and madrid_office.is_default, "the first calendar is the default one"
    manage.save_calendar(dbs, other, "Mexico office", "America/Mexico_City", WEEK, is_default=True)
    dbs.commit()
    assert calendars.default_calendar().name == "Mexico office"
    assert calendars.get_calendar("Madrid office").is_default is False
    with pytest.raises(CalendarError, match="time zone"):
        manage.save_calendar(dbs, None, "Mars", "Mars/Olympus", WEEK)
    with pytest.raises(CalendarError, match="already a calendar named"):
        manage.save_calendar(dbs, None, "madrid OFFICE", "Europe/Madrid", WEEK)
    with pytest.raises(CalendarError, match="make another one the default"):
        manage.delete_calendar(dbs, other)
    manage.delete_calendar(dbs, madrid_office)
    dbs.commit()
    assert [c.name for c in dbs.query(Calendar)] == ["Mexico office"]


def test_models_and_migration_agree(app):
    assert migration_drift(app, "core_calendar") == []
