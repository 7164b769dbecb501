"""The pickers in a real browser: a relation chosen by typing, from the keyboard alone, among accounts the page
never listed; a date typed or picked in the user's language, weeks starting on Monday in Spanish; no
Content-Security-Policy complaint on the way."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from trato import records

pytestmark = pytest.mark.browser

DETAIL = re.compile(r"/r/trade_deal/\d+$")




def _accounts(live, names: list[str]) -> list[int]:
    with live.app.test_request_context():
        return [r.id for r in records.bulk_create("trade_account", [{"name": n} for n in names], user=None)]


def _deals(live) -> list[records.RecordData]:
    with live.app.app_context():
        return records.query("trade_deal", user=None).page().items


def test_a_deal_gets_its_account_and_date_from_the_keyboard(page: Page, make_live_app, sign_in,
                                                            console_errors) -> None:
    live = make_live_app(plugins=["trade"])
    ids = _accounts(live, [f"Cuenta {n:02d}" for n in range(60)] + ["Transportes Núñez"])
    sign_in(page, live)
    page.goto(live.url("/r/trade_deal/new"))
    form = page.locator("form.record-form")
    assert form.locator("select#account_id option").count() == 1  # "—": the page lists no account

    form.get_by_label("Name", exact=True).fill("Flota")
    picker = form.get_by_role("combobox", name="Account")
    picker.focus()
    expect(page.get_by_role("option", name="Cuenta 00")).to_be_visible()  # the first 20, by name
    page.keyboard.type("nunez")
    match = page.get_by_role("option", name="Transportes Núñez")
    expect(match).to_be_visible()
    expect(page.get_by_role("option", name="Cuenta 00")).to_be_hidden()
    page.keyboard.press("Enter")
    expect(form.locator("select#account_id")).to_have_value(str(ids[-1]))

    closes = form.get_by_label("Closes on")
    closes.focus()
    page.keyboard.type("03/31/2027")
    page.keyboard.press("Tab")
    expect(form.locator('input[name="closes_on"]')).to_have_value("2027-03-31")

    owner = form.get_by_role("combobox", name="Owner")
    owner.focus()
    with page.expect_response(lambda answer: "users-lookup?q=ada+adm" in answer.url):
        page.keyboard.type("ada adm")
    expect(page.get_by_role("option", name="Ada Admin")).to_be_visible()
    page.keyboard.press("Enter")
    expect(form.locator("select#owner_id")).to_have_value(str(live.admin.id))
    expect(owner).to_have_attribute("aria-expanded", "false")

    tags = form.get_by_role("combobox", name="Tags")
    tags.focus()
    for tag in ("vip", "norte"):
        page.keyboard.type(tag)
        expect(tags).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("option", name=f"Add {tag}")).to_be_visible()
        page.keyboard.press("Enter")
    expect(form.locator('input[name="tags"]')).to_have_value("vip;norte")

    form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(DETAIL)
    [deal] = _deals(live)
    assert deal["account_id"] == ids[-1] and str(deal["closes_on"]) == "2027-03-31"
    assert deal["tags"] == ["vip", "norte"] and deal["owner_id"] == live.admin.id
    assert console_errors == []


def test_scrolling_the_picker_asks_for_the_next_twenty(page: Page, make_live_app, sign_in) -> None:
    live = make_live_app(plugins=["trade"])
    _accounts(live, [f"Cuenta {n:02d}" for n in range(45)])
    sign_in(page, live)
    page.goto(live.url("/r/trade_deal/new"))
    page.locator("form.record-form").get_by_role("combobox", name="Account").focus()
    expect(page.get_by_role("option", name="Cuenta 19")).to_be_visible()
    expect(page.get_by_role("option", name="Cuenta 20")).to_have_count(0)
    for _ in range(20):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option", name="Cuenta 39")).to_have_count(1)


def test_the_spanish_calendar_starts_on_monday_and_reads_day_first(page: Page, make_live_app, sign_in,
                                                                   console_errors) -> None:
    live = make_live_app(plugins=["trade"], locale="es")
    sign_in(page, live)
    page.goto(live.url("/r/trade_deal/new"))
    form = page.locator("form.record-form")
    closes = form.locator("#closes_on-shown")  # the date shown and typed; its label is the field's
    closes.click()
    calendar = page.locator(".flatpickr-calendar.open")
    expect(calendar.locator(".flatpickr-weekday").first).to_have_text(re.compile(r"^\s*Lun\s*$"))
    page.keyboard.press("Escape")
    closes.fill("31/03/2027")
    page.keyboard.press("Tab")
    expect(form.locator('input[name="closes_on"]')).to_have_value("2027-03-31")
    assert console_errors == []
