"""The calendars admin at phone width, in Spanish: made and filled in the browser, nothing wider than the screen."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import fill_sign_in

pytestmark = pytest.mark.browser

ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:San Isidro\r\n"
       b"DTSTART;VALUE=DATE:20260515\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def test_calendar_admin_at_phone_width_in_spanish(page: Page, make_live_app, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    live = make_live_app(locale="es")
    fill_sign_in(page, live)
    page.goto(live.url("/admin/calendars"))
    expect(page.locator("main h1")).to_have_text("Calendarios")
    page.get_by_label("Nombre").fill("Madrid")
    expect(page.get_by_label("Lunes")).to_have_value("09:00-14:00, 15:00-18:00")
    page.get_by_role("button", name="Crear calendario").click()
    expect(page.locator("main h1")).to_contain_text("Madrid")
    page.get_by_role("button", name="Cargar festivos").click()
    expect(page.locator("#holidays")).to_contain_text("Viernes Santo")
    page.locator("input[type=file]").set_input_files(files=[{"name": "fiestas.ics", "mimeType": "text/calendar",
                                                            "buffer": ICS}])
    page.get_by_role("button", name="Importar festivos").click()
    expect(page.locator("#holidays")).to_contain_text("San Isidro")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
