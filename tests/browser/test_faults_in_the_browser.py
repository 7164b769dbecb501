"""A form sent with htmx while the database cannot answer shows why, and keeps what was typed."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ..support.locks import hold_a_lock, short_waits

pytestmark = pytest.mark.browser



def test_a_save_refused_by_a_busy_database_says_so_and_keeps_the_input(page: Page, live_signed_in):
    live = live_signed_in(["trade"])
    page.goto(live.url("/r/trade_account/new"))
    form = page.locator("form.record-form")
    form.get_by_label("Name", exact=True).fill("Talleres Zubi")
    short_waits(live.app)
    held = hold_a_lock(live.app, "trade_account")
    try:
        form.get_by_role("button", name="Save").click()
        expect(page.locator(".flashes.fault")).to_contain_text("The server is busy")
        expect(page.locator(".flashes.fault")).to_contain_text("check whether it was saved")
        expect(form.get_by_label("Name", exact=True)).to_have_value("Talleres Zubi")
    finally:
        held.close()
    form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/r/trade_account/\d+$"))
    expect(page.get_by_text("Talleres Zubi").first).to_be_visible()
