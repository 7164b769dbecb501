"""The calendar: records on the days of a month or week, in the user's time zone and language."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone


def _text(response) -> str:
    return response.get_data(as_text=True)


def _day(page: str, day: str) -> list[str]:
    """The record titles shown on one day's cell."""
    cell = re.search(rf'<td id="day-{day}"[^>]*>(.*?)</td>', page, re.S)
    assert cell, f"no cell for {day}"
    return re.findall(r'<a href="/r/[a-z_]+/\d+">(?:<time>[^<]*</time> )?([^<]+)</a>', cell.group(1))


def test_month_places_records_on_their_days_with_navigation(trade_app, client_as, make_record):
    make_record("trade_deal", name="Cierre", stage="new", closes_on=date(2026, 11, 3))
    make_record("trade_deal", name="Otro", stage="new", closes_on=date(2026, 11, 3))
    make_record("trade_deal", name="Diciembre", stage="new", closes_on=date(2026, 12, 15))
    make_record("trade_deal", name="Perdido", stage="lost", closes_on=date(2026, 11, 20))
    client = client_as("admin")
    page = _text(client.get("/r/trade_deal/calendar?field=closes_on&month=2026-11&sort=name"))
    assert _day(page, "2026-11-03") == ["Cierre", "Otro"]
    assert _day(page, "2026-11-20") == ["Perdido"]
    assert "Diciembre" not in page
    assert "November 2026" in page
    assert "month=2026-10" in page and "month=2026-12" in page
    filtered = _text(client.get("/r/trade_deal/calendar?field=closes_on&month=2026-11&stage=lost"))
    assert _day(filtered, "2026-11-03") == [] and _day(filtered, "2026-11-20") == ["Perdido"]
    record_link = re.search(r'<a href="(/r/trade_deal/\d+)">Perdido</a>', filtered).group(1)
    assert "Perdido" in _text(client.get(record_link))


def test_weeks_start_on_the_languages_first_day_in_its_words(trade_app, client_as, make_user):
    english = _text(client_as(make_user(locale="en")).get("/r/trade_deal/calendar?field=closes_on&month=2026-11"))
    spanish = _text(client_as(make_user(locale="es")).get("/r/trade_deal/calendar?field=closes_on&month=2026-11"))
    # Babel's data for English without a territory (the world's) starts weeks on Monday too.
    assert re.findall(r'<th scope="col">([^<]+)</th>', english) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert re.findall(r'<th scope="col">([^<]+)</th>', spanish)[0] == "lun"
    assert 'id="day-2026-10-26"' in spanish and 'id="day-2026-12-06"' in spanish
    assert "noviembre de 2026" in spanish


def test_a_datetime_falls_on_the_users_day(trade_app, client_as, make_record, make_user):
    late = datetime(2026, 11, 14, 23, 30, tzinfo=timezone.utc)  # 00:30 on the 15th in Madrid
    make_record("trade_deal", name="Llamada", stage="new", last_contact_at=late)
    madrid = client_as(make_user(admin=True, locale="es", timezone="Europe/Madrid"))
    page = _text(madrid.get("/r/trade_deal/calendar?field=last_contact_at&week=2026-W46"))
    assert _day(page, "2026-11-15") == ["Llamada"] and _day(page, "2026-11-14") == []
    assert "<time>0:30</time>" in page
    assert re.findall(r'<td id="day-([\d-]+)"', page) == [f"2026-11-{d:02d}" for d in range(9, 16)]
    assert "week=2026-W45" in page and "week=2026-W47" in page
    utc = _text(client_as(make_user(admin=True, locale="en", timezone="UTC")).get(
        "/r/trade_deal/calendar?field=last_contact_at&month=2026-11"))
    assert _day(utc, "2026-11-14") == ["Llamada"]


def test_a_custom_entity_gets_a_calendar_and_bad_input_is_named(vehicle_app, client_as, make_record):
    make_record("x_vehicle", plate="1234 ABC", delivered_on=date(2027, 2, 10))
    client = client_as("admin")
    page = _text(client.get("/r/x_vehicle/calendar?month=2027-02"))
    assert _day(page, "2027-02-10") == ["1234 ABC"]
    bad = client.get("/r/x_vehicle/calendar?month=febrero")
    assert bad.status_code == 400 and "febrero is not a month" in _text(bad)
    assert "Nothing here" not in _text(client.get("/r/x_vehicle/?sort=plate"))
