"""The calendars admin: create and edit calendars, hours per weekday, seasons, holidays (by hand, Spain's, .ics)."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select
from trato.calendars.models import Calendar, CalendarSeason, Holiday

WEEK = {f"calendar-day{n}": "09:00-14:00, 15:00-18:00" for n in range(5)}


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    assert found, f"no error at {field_id}"
    return found.group(1)


def stored(app, model, **where):
    with app.extensions["trato"].sessionmaker() as dbs:
        query = select(model).filter_by(**where)
        return list(dbs.scalars(query))


@pytest.fixture
def admin(client_as, app):
    return client_as("admin", app=app)


@pytest.fixture
def madrid(app, admin):
    made = admin.post("/admin/calendars", data={"calendar-name": "Madrid", "calendar-time_zone": "Europe/Madrid",
                                                **WEEK})
    assert made.status_code == 302, made.get_data(as_text=True)
    [cal] = stored(app, Calendar, name="Madrid")
    assert made.headers["Location"] == f"/admin/calendars/{cal.id}"
    return cal


def test_create_and_list_a_calendar(app, admin, madrid):
    assert madrid.is_default, "the first calendar is the default one"
    assert madrid.week == [[[540, 840], [900, 1080]]] * 5 + [[], []]
    page = admin.get("/admin/calendars").get_data(as_text=True)
    assert f'href="/admin/calendars/{madrid.id}">Madrid</a>' in page and "Europe/Madrid" in page
    form = admin.get("/admin/calendars").get_data(as_text=True)
    assert 'value="09:00-14:00, 15:00-18:00"' in form, "a new calendar starts with office hours"
    assert '<option selected value="Europe/Madrid">' in form or '<option value="Europe/Madrid" selected>' in form


def test_edit_hours_zone_and_default(app, admin, madrid):
    saved = admin.post(f"/admin/calendars/{madrid.id}", data={
        "calendar-name": "Madrid HQ", "calendar-time_zone": "Atlantic/Canary", "calendar-is_default": "y",
        "calendar-day0": "08:00-15:00", "calendar-day4": "08:00-14:00"})
    assert saved.status_code == 302
    [cal] = stored(app, Calendar, id=madrid.id)
    assert (cal.name, cal.time_zone) == ("Madrid HQ", "Atlantic/Canary")
    assert cal.week == [[[480, 900]], [], [], [], [[480, 840]], [], []]
    page = admin.get(f"/admin/calendars/{madrid.id}").get_data(as_text=True)
    assert 'value="08:00-15:00"' in page
    kept = admin.post(f"/admin/calendars/{madrid.id}", data={
        "calendar-name": "Madrid HQ", "calendar-time_zone": "Atlantic/Canary", "calendar-day0": "08:00-15:00"})
    assert kept.status_code == 422, "the default calendar stays the default until another one takes the mark"
    assert "Make another calendar the default" in field_error(kept.get_data(as_text=True), "calendar-is_default")


@pytest.mark.parametrize("data, field, message", [
    ({"calendar-day2": "9 to 5"}, "calendar-day2", "Write hours as 09:00-14:00"),
    ({"calendar-day1": "14:00-09:00"}, "calendar-day1", "ends before it starts"),
    ({"calendar-time_zone": "Mars/Olympus"}, "calendar-time_zone", "Not a valid choice"),
    ({"calendar-name": ""}, "calendar-name", "This field is required"),
])
def test_bad_calendar_input_is_shown_at_its_field(app, admin, madrid, data, field, message):
    sent = {"calendar-name": "Madrid", "calendar-time_zone": "Europe/Madrid", **WEEK, **data}
    refused = admin.post(f"/admin/calendars/{madrid.id}", data=sent)
    assert refused.status_code == 422
    assert message in field_error(refused.get_data(as_text=True), field)
    assert stored(app, Calendar, id=madrid.id)[0].week == madrid.week


def test_a_calendar_with_no_working_hours_is_refused(app, admin):
    refused = admin.post("/admin/calendars", data={"calendar-name": "Never", "calendar-time_zone": "Europe/Madrid"})
    assert refused.status_code == 422
    assert "no working hours" in field_error(refused.get_data(as_text=True), "calendar-day0")
    assert stored(app, Calendar) == []


def test_holidays_by_hand_and_removed(app, admin, madrid):
    url = f"/admin/calendars/{madrid.id}"
    added = admin.post(f"{url}/holidays", data={"holiday-day": "2027-05-15", "holiday-name": "San Isidro",
                                                 "holiday-kind": "local"})
    assert added.status_code == 302 and added.headers["Location"] == f"{url}?year=2027"
    page = admin.get(f"{url}?year=2027").get_data(as_text=True)
    assert "San Isidro" in page and "Saturday, May 15, 2027" in page and "Local" in page
    again = admin.post(f"{url}/holidays", data={"holiday-day": "2027-05-15", "holiday-name": "Twice",
                                                 "holiday-kind": "local"})
    assert again.status_code == 422
    assert "already has a holiday" in field_error(again.get_data(as_text=True), "holiday-day")
    [holiday] = stored(app, Holiday, calendar_id=madrid.id)
    assert admin.post(f"{url}/holidays/{holiday.id}/remove").status_code == 302
    assert stored(app, Holiday, calendar_id=madrid.id) == []


def test_load_spain_national_holidays_in_spanish(app, admin, madrid):
    url = f"/admin/calendars/{madrid.id}"
    loaded = admin.post(f"{url}/spain", data={"spain-year": "2026", "spain-easter_monday": "y"},
                        headers={"Accept-Language": "es"})
    assert loaded.status_code == 302
    days = {h.day: (h.name, h.kind) for h in stored(app, Holiday, calendar_id=madrid.id)}
    assert len(days) == 11
    assert days[date(2026, 4, 3)] == ("Viernes Santo", "national")
    assert days[date(2026, 4, 6)] == ("Lunes de Pascua", "regional")
    refused = admin.post(f"{url}/spain", data={"spain-year": "2040"})
    assert refused.status_code == 422
    assert "Not a valid choice" in field_error(refused.get_data(as_text=True), "spain-year")


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
BEGIN:VEVENT\r
UID:1\r
SUMMARY:Fiestas del pueblo\r
DTSTART;VALUE=DATE:20270907\r
DTEND;VALUE=DATE:20270909\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2\r
SUMMARY:Meeting\r
DTSTART:20270910T090000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_upload_an_ics_file(app, admin, madrid):
    url = f"/admin/calendars/{madrid.id}"
    sent = admin.post(f"{url}/ics", data={"ics-kind": "regional", "ics-file": (io.BytesIO(ICS), "fiestas.ics")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "Holidays added: 2; dates that already had one: 0. Events with a time of day left out: 1." \
        in sent.get_data(as_text=True)
    assert {(h.day, h.name, h.kind) for h in stored(app, Holiday, calendar_id=madrid.id)} == {
        (date(2027, 9, 7), "Fiestas del pueblo", "regional"), (date(2027, 9, 8), "Fiestas del pueblo", "regional")}


@pytest.mark.parametrize("content, message", [
    (b"", "Choose an .ics file"),
    (b"not a calendar at all", "not an iCalendar file"),
    (ICS.replace(b"20270909", b"2027-09-09"), "DTEND cannot be read"),
    (ICS + b" " * 2 * 1024 * 1024, "too large for a calendar of holidays"),
])
def test_a_broken_ics_upload_writes_nothing(app, admin, madrid, content, message):
    refused = admin.post(f"/admin/calendars/{madrid.id}/ics",
                         data={"ics-kind": "local", "ics-file": (io.BytesIO(content), "broken.ics")},
                         content_type="multipart/form-data")
    assert refused.status_code == 422
    assert message in field_error(refused.get_data(as_text=True), "ics-file")
    assert stored(app, Holiday, calendar_id=madrid.id) == []


def test_summer_hours_season(app, admin, madrid):
    url = f"/admin/calendars/{madrid.id}"
    week = {f"season-day{n}": "08:00-15:00" for n in range(5)}
    added = admin.post(f"{url}/seasons", data={"season-name": "Jornada intensiva", "season-start": "07-01",
                                               "season-end": "08-31", **week})
    assert added.status_code == 302
    [season] = stored(app, CalendarSeason, calendar_id=madrid.id)
    assert (season.start, season.end, season.week[0]) == ("07-01", "08-31", [[480, 900]])
    page = admin.get(url).get_data(as_text=True)
    assert "Jornada intensiva" in page and "07-01 – 08-31" in page and "Monday: 08:00-15:00" in page
    bad = admin.post(f"{url}/seasons", data={"season-name": "Bad", "season-start": "02-30", "season-end": "08-31"})
    assert bad.status_code == 422 and "MM-DD" in field_error(bad.get_data(as_text=True), "season-start")
    assert admin.post(f"{url}/seasons/{season.id}/remove").status_code == 302
    assert stored(app, CalendarSeason, calendar_id=madrid.id) == []


def test_delete_only_the_last_default_calendar(app, admin, madrid):
    admin.post("/admin/calendars", data={"calendar-name": "Lima", "calendar-time_zone": "America/Lima", **WEEK})
    refused = admin.post(f"/admin/calendars/{madrid.id}/delete")
    assert refused.status_code == 422 and "make another one the default" in refused.get_data(as_text=True)
    [lima] = stored(app, Calendar, name="Lima")
    assert admin.post(f"/admin/calendars/{lima.id}/delete").status_code == 302
    assert [c.name for c in stored(app, Calendar)] == ["Madrid"]


def test_spanish_screen_and_admins_only(app, admin, madrid, client_as):
    page = admin.get(f"/admin/calendars/{madrid.id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Festivos de" in page and "Cargar los festivos nacionales de España" in page
    assert client_as("user", app=app).get("/admin/calendars").status_code in (403, 404)
