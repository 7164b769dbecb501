"""The numbering series screen in a browser: the live preview follows what is typed, at phone width, in Spanish."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from .conftest import fill_sign_in

pytestmark = pytest.mark.browser


def test_the_preview_follows_the_pattern_as_it_is_typed_at_phone_width(page: Page, make_live_app) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    live = make_live_app(locale="es")
    fill_sign_in(page, live)
    page.goto(live.url("/admin/series"))
    expect(page.locator("main h1")).to_have_text("Series de numeración")
    preview = page.locator("#series-preview")
    page.get_by_label("Código").fill("factura")
    page.get_by_label("Patrón", exact=True).fill("F{year}-")
    expect(preview).to_contain_text("necesita {seq}")
    page.get_by_label("Patrón", exact=True).fill("F{year}-{seq:05}")
    year = date.today().year
    expect(preview).to_have_text(f"Siguiente número: F{year}-00001")
    page.get_by_label("Siguiente número", exact=True).fill("42")
    expect(preview).to_have_text(f"Siguiente número: F{year}-00042")
    page.get_by_role("button", name="Crear serie").click()
    expect(page.locator("#series")).to_contain_text(f"F{year}-00042")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
