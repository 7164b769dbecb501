"""The generic record form in a real browser: errors shown at the field with the input kept, a stale edit
reapplied, and a related record added from a relation's "New …" button without leaving the form."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from trato import records

pytestmark = pytest.mark.browser

DETAIL = re.compile(r"/r/trade_deal/\d+$")




def _deals(live) -> list[records.RecordData]:
    with live.app.app_context():
        return records.query("trade_deal", user=None).page().items


def test_errors_show_at_their_fields_and_the_rest_of_the_input_stays(page: Page, trade_live) -> None:
    page.goto(trade_live.url("/r/trade_deal/new"))
    form = page.locator("form.record-form")
    form.get_by_label("Stage").select_option(label="Won")
    form.get_by_label("Amount", exact=True).fill("doce")
    form.get_by_label("Currency of Amount").select_option("EUR")
    form.get_by_label("Notes").fill("Call after the fair")
    form.get_by_label("Closes on").fill("2027-03-31")
    form.get_by_role("button", name="Save").click()

    name, amount = form.get_by_label("Name", exact=True), form.get_by_label("Amount", exact=True)
    expect(form.get_by_role("alert")).to_have_text("Please correct the marked fields.")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-describedby", "name-error")
    expect(form.locator("#name-error")).not_to_be_empty()
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#amount-error")).not_to_be_empty()
    expect(amount).to_have_value("doce")
    expect(form.get_by_label("Notes")).to_have_value("Call after the fair")
    expect(form.locator('input[name="closes_on"]')).to_have_value("2027-03-31")  # behind its date picker
    expect(form.get_by_label("Stage")).to_have_value("won")
    expect(form.get_by_label("Currency of Amount")).to_have_value("EUR")
    expect(form.get_by_label("Notes")).not_to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(trade_live.url("/r/trade_deal/new"))  # swapped in place, not a new page
    assert _deals(trade_live) == []

    name.fill("Flota 2027")
    amount.fill("12500.50")
    form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(DETAIL)
    expect(page.get_by_role("heading", name="Flota 2027")).to_be_visible()
    expect(page.locator(".flash-success")).to_have_text("Flota 2027 was added.")
    expect(page.locator("dl.fields")).to_contain_text("Call after the fair")
    [deal] = _deals(trade_live)
    assert (deal["name"], str(deal["amount"].amount), deal["stage"]) == ("Flota 2027", "12500.50", "won")


def test_a_stale_edit_shows_the_saved_version_and_saves_when_sent_again(page: Page, trade_live,
                                                                       make_record) -> None:
    deal = make_record("trade_deal", app=trade_live.app, name="Renting", stage="new")
    page.goto(trade_live.url(f"/r/trade_deal/{deal.id}/edit"))
    form = page.locator("form.record-form")
    expect(form.get_by_label("Name", exact=True)).to_have_value("Renting")
    with trade_live.app.app_context():  # someone else saves while the form is open
        records.update("trade_deal", deal.id, {"name": "Renting flota"}, user=None, version=deal.version)
    form.get_by_label("Name", exact=True).fill("Renting corto")
    form.get_by_label("Notes").fill("Two vans")
    form.get_by_role("button", name="Save").click()

    expect(form.get_by_role("alert")).to_contain_text("Someone else saved this record")
    expect(form.locator("#name-theirs")).to_have_text("Saved version: Renting flota")
    expect(form.get_by_label("Name", exact=True)).to_have_attribute("aria-describedby", "name-theirs")
    expect(form.get_by_label("Name", exact=True)).to_have_value("Renting corto")
    expect(form.get_by_label("Notes")).to_have_value("Two vans")
    with trade_live.app.app_context():
        assert records.get("trade_deal", deal.id, user=None)["name"] == "Renting flota"

    form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(trade_live.url(f"/r/trade_deal/{deal.id}"))
    expect(page.get_by_role("heading", name="Renting corto")).to_be_visible()
    with trade_live.app.app_context():
        saved = records.get("trade_deal", deal.id, user=None)
    assert (saved["name"], saved["notes"], saved.version) == ("Renting corto", "Two vans", deal.version + 2)


def test_an_account_added_from_the_picker_is_chosen_and_the_form_kept(page: Page, trade_live,
                                                                      make_record) -> None:
    make_record("trade_account", app=trade_live.app, name="Beta Autos")
    page.goto(trade_live.url("/r/trade_deal/new"))
    form = page.locator("form.record-form")
    form.get_by_label("Name", exact=True).fill("Flota Acme")
    form.get_by_label("Notes").fill("keep me")
    form.get_by_role("button", name="New account").click()

    dialog = page.get_by_role("dialog", name="New account")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Name")).to_be_focused()
    dialog.get_by_role("button", name="Save").click()  # nothing typed: refused in the dialog
    expect(dialog.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_role("alert")).to_have_text("Please correct the marked fields.")
    dialog.get_by_label("Name").fill("Acme Nueva")
    dialog.get_by_role("button", name="Save").click()

    expect(dialog).to_be_hidden()
    account = form.locator("select#account_id")  # behind its picker, which holds only the chosen account
    expect(account.locator("option:checked")).to_have_text("Acme Nueva")
    expect(account.locator("option", has_text="Beta Autos")).to_have_count(0)
    expect(form.get_by_role("combobox", name="Account")).to_be_focused()
    expect(form.get_by_label("Name", exact=True)).to_have_value("Flota Acme")
    expect(form.get_by_label("Notes")).to_have_value("keep me")

    form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(DETAIL)
    link = page.locator("dl.fields").get_by_role("link", name="Acme Nueva")
    expect(link).to_be_visible()
    [deal] = _deals(trade_live)
    expect(link).to_have_attribute("href", f"/r/trade_account/{deal['account_id']}")
    with trade_live.app.app_context():
        assert records.get("trade_account", deal["account_id"], user=None)["name"] == "Acme Nueva"


def test_closing_the_dialog_adds_nothing_and_it_opens_again(page: Page, trade_live) -> None:
    page.goto(trade_live.url("/r/trade_deal/new"))
    form = page.locator("form.record-form")
    form.get_by_role("button", name="New account").click()
    dialog = page.get_by_role("dialog", name="New account")
    dialog.get_by_label("Name").fill("Not wanted")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    form.get_by_role("button", name="Save").click()  # a refused main form does not bring the dialog back
    expect(form.get_by_role("alert")).to_be_visible()
    expect(page.locator("dialog#quick-create")).to_be_hidden()
    form.get_by_role("button", name="New account").click()
    expect(dialog.get_by_label("Name")).to_have_value("")
    with trade_live.app.app_context():
        assert records.query("trade_account", user=None).count().value == 0
