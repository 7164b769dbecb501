"""The record page's tabs in a real browser: links that HTMX swaps in place, reached and moved between by keyboard
(arrow keys, as the ARIA tablist pattern expects), and a plugin's tab beside the core's."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from trato import records

pytestmark = pytest.mark.browser


def test_tabs_switch_in_place_and_by_keyboard(page: Page, live_signed_in) -> None:
    live = live_signed_in(["trade"])
    with live.app.test_request_context():
        account = records.create("trade_account", {"name": "Acme Ibérica", "city": "Bilbao"}, user=live.admin)
        records.create("trade_deal", {"name": "Fleet renewal", "account_id": account.id}, user=live.admin)
    url = f"{live.base_url}/r/trade_account/{account.id}"
    page.goto(url)
    tabs = page.get_by_role("tablist")
    expect(tabs.get_by_role("tab", selected=True)).to_have_text("Details")
    expect(page.get_by_role("tabpanel")).to_contain_text("Bilbao")
    expect(page.locator("#panel-trade-open-deals")).to_be_hidden()

    tabs.get_by_role("tab", name="Open deals").click()  # the trade plugin's tab
    expect(page).to_have_url(f"{url}?tab=trade-open-deals")
    expect(page.get_by_role("tabpanel")).to_contain_text("Fleet renewal")
    expect(tabs.get_by_role("tab", selected=True)).to_have_text("Open deals")

    tabs.get_by_role("tab", selected=True).focus()
    page.keyboard.press("Home")
    expect(tabs.get_by_role("tab", name="Details")).to_be_focused()
    page.keyboard.press("ArrowLeft")  # wraps round to the last tab
    expect(tabs.get_by_role("tab", name="Open deals")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(tabs.get_by_role("tab", name="Files")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(tabs.get_by_role("tab", name="Timeline", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{url}?tab=timeline")
    expect(page.get_by_role("tabpanel")).to_contain_text("Add a note")

    page.go_back()
    expect(page).to_have_url(f"{url}?tab=trade-open-deals")


def test_files_have_a_tab_of_their_own_to_attach_list_and_delete(page: Page, trade_live, tmp_path) -> None:
    with trade_live.app.test_request_context():
        account = records.create("trade_account", {"name": "Naviera Ondarroa"}, user=trade_live.admin)
    offer = tmp_path / "Oferta 2027.pdf"
    offer.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    url = trade_live.url(f"/r/trade_account/{account.id}")
    page.goto(f"{url}?tab=files")
    panel = page.get_by_role("tabpanel")
    expect(panel).to_contain_text("No files yet.")
    panel.get_by_label("Attach a file").set_input_files(str(offer))
    panel.get_by_role("button", name="Upload").click()
    expect(panel.locator("table.files-table")).to_contain_text("Oferta 2027.pdf")
    expect(page).to_have_url(f"{url}?tab=files")  # swapped in place
    expect(page.locator("#tab-count-files")).to_have_text("1")  # the tab's count follows
    page.get_by_role("tab", name="Timeline", exact=True).click()
    expect(page).to_have_url(f"{url}?tab=timeline")
    expect(page.locator("#timeline")).to_contain_text("Oferta 2027.pdf")  # the timeline says it was attached
    page.get_by_role("tab", name="Files").click()
    expect(page).to_have_url(f"{url}?tab=files")
    expect(page.get_by_role("tab", name="Files")).to_have_attribute("aria-selected", "true")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("tabpanel").get_by_role("button", name="Delete Oferta 2027.pdf").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("No files yet.")
    expect(page.locator("#tab-count-files")).to_have_text("0")
