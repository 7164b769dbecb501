"""The lines grid in a real browser: lines added, a product picked per line, totals worked out by the server as
the user types, rows reordered by drag and from the keyboard, one removed, all saved in one go; the detail page
lists them in order."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from trato import records

pytestmark = pytest.mark.browser

LINE = "ledger_order_line"
DETAIL = re.compile(r"/r/ledger_order/\d+$")



def test_an_order_is_written_with_its_lines_from_the_grid(page: Page, make_live_app, sign_in,
                                                        console_errors) -> None:
    live = make_live_app(plugins=["ledger"])
    with live.app.app_context():
        records.bulk_create("ledger_product", [{"name": "Silla plegable"}, {"name": "Mesa"}], user=None)
    sign_in(page, live)
    page.goto(live.url("/r/ledger_order/new"))
    form = page.locator("form.record-form")
    form.get_by_label("Name", exact=True).fill("Pedido 1")
    rows = form.locator("tr.lines-row")
    add = form.get_by_role("button", name="Add line")
    for count, (description, quantity, price) in enumerate((("Chairs", "3", "10"), ("Table", "1", "100"),
                                                            ("Lamp", "2", "5")), start=1):
        add.click()
        expect(rows).to_have_count(count)
        row = rows.last
        row.get_by_label("Description").fill(description)
        row.get_by_label("Quantity").fill(quantity)
        row.get_by_label("Unit price", exact=True).fill(price)
    expect(rows).to_have_count(3)

    first = rows.nth(0)
    first.get_by_label("Discount").fill("10")
    expect(first.locator("output")).to_have_text(re.compile(r"27\.00"))  # 3 × 10 less 10 %, from the server
    expect(form.locator(".lines-total[data-field=total]")).to_have_text(re.compile(r"137\.00"))

    picker = first.get_by_role("combobox", name="Product")
    picker.focus()
    page.keyboard.type("silla")
    expect(page.get_by_role("option", name="Silla plegable")).to_be_visible()
    expect(page.get_by_role("option", name="Mesa")).to_be_hidden()
    page.keyboard.press("Enter")

    rows.nth(2).locator(".lines-drag").drag_to(rows.nth(0).locator(".lines-drag"))  # Lamp dragged to the top
    expect(rows.nth(0).get_by_label("Description")).to_have_value("Lamp")
    expect(rows.nth(0).locator(".lines-number")).to_have_text("1")
    rows.nth(0).get_by_role("button", name="Move this line down").click()  # and back down one, by keyboard button
    expect(rows.nth(1).get_by_label("Description")).to_have_value("Lamp")
    rows.nth(2).get_by_role("button", name="Remove this line").click()  # Table goes
    expect(rows).to_have_count(2)
    expect(form.locator(".lines-total[data-field=total]")).to_have_text(re.compile(r"37\.00"))

    form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(DETAIL)
    with live.app.app_context():
        [order] = records.query("ledger_order", user=None).page().items
        lines = records.lines("ledger_order", order.id, user=None)[LINE]
    assert [line["description"] for line in lines] == ["Chairs", "Lamp"]
    assert lines[0]["product_id"] is not None and str(order["total"].amount) == "37.00"
    table = page.locator("table.lines-table-detail")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("Silla plegable")
    assert console_errors == []


def test_a_refused_line_is_shown_at_its_field_and_phone_width_stacks_the_lines(page: Page, make_live_app,
                                                                             sign_in) -> None:
    live = make_live_app(plugins=["ledger"])
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live)
    page.goto(live.url("/r/ledger_order/new"))
    form = page.locator("form.record-form")
    form.get_by_label("Name", exact=True).fill("Pedido 2")
    form.get_by_role("button", name="Add line").click()
    row = form.locator("tr.lines-row").first
    row.get_by_label("Description").fill("No quantity")
    expect(row.get_by_label("Quantity")).to_be_visible()  # labelled and stacked: no table header on a phone
    form.get_by_role("button", name="Save").click()
    error = form.locator("tr.lines-row").first.locator(".field-error")
    expect(error).to_have_text(re.compile("required"))
    expect(form.locator("tr.lines-row").first.get_by_label("Description")).to_have_value("No quantity")
    with live.app.app_context():
        assert records.query("ledger_order", user=None).count().value == 0
