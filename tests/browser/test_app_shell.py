"""The app shell in a real browser: every main page at desktop and phone widths, in English and Spanish,
with no console error (CSP refusals included); the side menu, the global search, "+ New" and the phone menu."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .crm_pages import WIDTHS, console_errors, signed_in_crm

pytestmark = pytest.mark.browser



@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_main_pages_load_without_console_errors(page: Page, make_live_app, sign_in, locale: str, width: str,
                                                tmp_path: Path) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    crm = signed_in_crm(make_live_app, sign_in, page, locale)
    errors = console_errors(page)
    shots = Path(os.environ.get("TRATO_SCREENSHOTS", tmp_path))
    for name, path in crm.pages.items():
        page.goto(crm.live.url(path))
        expect(page.locator("html")).to_have_attribute("lang", locale)
        expect(page.locator("main h1").first).to_be_visible()
        page.screenshot(path=shots / f"{name}-{width}-{locale}.png", full_page=True)
    assert errors == []


def test_side_menu_groups_the_plugins_entries(page: Page, make_live_app, sign_in) -> None:
    crm = signed_in_crm(make_live_app, sign_in, page)
    menu = page.get_by_role("navigation", name="Main menu")
    sales = menu.get_by_role("button", name="Sales")
    expect(sales).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Deals")).to_be_visible()
    sales.click()
    expect(sales).to_have_attribute("aria-expanded", "false")
    expect(menu.get_by_role("link", name="Deals")).to_be_hidden()
    expect(menu.get_by_role("link", name="Accounts")).to_be_visible()
    menu.get_by_role("link", name="Accounts").click()
    expect(page).to_have_url(crm.live.url(crm.pages["list"]))
    expect(menu.get_by_role("link", name="Accounts")).to_have_attribute("aria-current", "page")


def test_a_closed_menu_group_stays_closed_on_the_next_pages(page: Page, make_live_app, sign_in) -> None:
    crm = signed_in_crm(make_live_app, sign_in, page)
    menu = page.get_by_role("navigation", name="Main menu")
    menu.get_by_role("button", name="Sales").click()
    expect(menu.get_by_role("link", name="Deals")).to_be_hidden()
    menu.get_by_role("link", name="Accounts").click()
    expect(page).to_have_url(crm.live.url(crm.pages["list"]))
    expect(menu.get_by_role("button", name="Sales")).to_have_attribute("aria-expanded", "false")
    expect(menu.get_by_role("link", name="Deals")).to_be_hidden()
    menu.get_by_role("button", name="Sales").click()  # open again: open on the next page too
    menu.get_by_role("link", name="Deals").click()
    expect(menu.get_by_role("button", name="Sales")).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("button", name="Sales").click()  # the group of the page shown stays open
    page.reload()
    expect(menu.get_by_role("link", name="Deals")).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name="Deals")).to_be_visible()
    page.goto(crm.live.url("/"))
    expect(menu.get_by_role("link", name="Deals")).to_be_hidden()
    keys = page.evaluate("Object.keys(localStorage)")
    assert keys == [f"trato.menu.closed.{crm.live.admin.id}"]  # the signed-in user's own choice


def test_slash_opens_the_search_and_suggestions_lead_to_the_record(page: Page, make_live_app, sign_in) -> None:
    crm = signed_in_crm(make_live_app, sign_in, page)
    page.goto(crm.live.url(crm.pages["list"]))
    page.locator("main h1").click()
    page.keyboard.press("/")
    search = page.get_by_role("searchbox", name="Search every record")
    expect(search).to_be_focused()
    page.keyboard.type("nortech")
    suggestions = page.locator("#global-suggest")
    expect(suggestions.get_by_role("link", name="Nortech Software")).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(suggestions.get_by_role("link", name="Nortech Software")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(crm.live.url(crm.pages["detail"]))
    page.wait_for_load_state()  # the shortcut is bound once the new page's scripts have run
    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("zzz-nothing")
    expect(suggestions).to_contain_text("Nothing matches “zzz-nothing”.")
    page.keyboard.press("Escape")
    expect(suggestions).to_be_empty()


def test_new_menu_opens_the_entity_small_form_in_a_dialog(page: Page, make_live_app, sign_in) -> None:
    crm = signed_in_crm(make_live_app, sign_in, page)
    page.get_by_role("banner").get_by_role("button", name="New").click()
    deal = page.get_by_role("link", name="Deal", exact=True)
    expect(deal).to_have_attribute("href", "/r/sales_deal/new")  # where it leads without JavaScript
    deal.click()
    dialog = page.get_by_role("dialog", name="New deal")
    expect(dialog).to_be_visible()
    expect(page).to_have_url(crm.live.url("/"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_a_contact_made_from_the_new_menu_with_the_keyboard(page: Page, make_live_app, sign_in) -> None:
    crm = signed_in_crm(make_live_app, sign_in, page)
    page.goto(crm.live.url(crm.pages["list"]))
    page.get_by_role("banner").get_by_role("button", name="New").focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Contact", exact=True).focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="New contact")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Last name")).to_be_attached()
    page.keyboard.press("Enter")  # nothing typed: the dialog stays, saying what is missing
    expect(dialog).to_contain_text("Please correct the marked fields.")
    expect(dialog.get_by_label("Last name")).to_be_focused()  # the field at fault
    page.keyboard.type("Etxeberria")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/r/contacts_contact/\d+$"))
    expect(page.locator("main h1")).to_contain_text("Etxeberria")
    expect(page.get_by_role("status").or_(page.locator(".flash-success")).first).to_contain_text("was added")


def test_phone_menu_opens_over_the_page_and_closes(page: Page, make_live_app, sign_in) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    crm = signed_in_crm(make_live_app, sign_in, page)
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Accounts")).to_be_hidden()
    page.get_by_role("button", name="Open the menu").click()
    expect(menu.get_by_role("link", name="Accounts")).to_be_visible()
    menu.get_by_role("link", name="Accounts").click()
    expect(page).to_have_url(crm.live.url(crm.pages["list"]))
    expect(page.get_by_role("button", name="Open the menu")).to_be_visible()
    page.go_back()  # the page the browser kept comes back without the menu over it
    expect(page).to_have_url(crm.live.url("/"))
    expect(menu.get_by_role("link", name="Accounts")).to_be_hidden()
    page.go_forward()
    row = page.locator("table.grid tbody tr").first  # a row is a card: its cells one under the other
    cells = row.locator("td:not(.select-col)")
    assert cells.nth(1).bounding_box()["y"] > cells.nth(0).bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_bulk_actions_show_only_while_rows_are_ticked(page: Page, make_live_app, sign_in) -> None:
    crm = signed_in_crm(make_live_app, sign_in, page)
    page.goto(crm.live.url(crm.pages["list"]))
    panel = page.locator("#mass-actions")
    expect(panel).to_be_hidden()
    page.get_by_role("checkbox", name="Select Nortech Software").check()
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("1 selected")
    page.get_by_role("checkbox", name="Select Nortech Software").uncheck()
    expect(panel).to_be_hidden()
    page.get_by_role("checkbox", name="Select all records on this page").check()
    expect(panel).to_be_visible()
