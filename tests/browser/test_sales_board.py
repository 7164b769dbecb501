"""The sales board in a real browser: a deal dragged to another stage is saved; a refused move is put back."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from trato_sales import reports

from trato import records

pytestmark = pytest.mark.browser



@pytest.fixture
def sales_live(live_signed_in, page: Page):
    page.set_viewport_size({"width": 1600, "height": 900})  # the six stages side by side
    live = live_signed_in(["contacts", "sales"])
    with live.app.app_context():
        pipeline = records.query("sales_pipeline", user=None).page().items[0]
        live.stages = {s.name: s.id for s in reports.stages(pipeline.id)}
        live.pipeline = pipeline.id
    return live


def _column(page: Page, stage_id: int):
    return page.locator(f'ul.kanban-cards[data-value="{stage_id}"]')


def _drag(page: Page, card, column) -> None:
    """Drag with the mouse in small steps, as a person does (SortableJS follows the pointer's moves)."""
    start, end = card.bounding_box(), column.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 20, steps=15)
    page.mouse.up()


def test_a_deal_dragged_to_another_stage_moves_and_the_totals_follow(page: Page, sales_live) -> None:
    stages = sales_live.stages
    with sales_live.app.app_context():
        deal = records.create("sales_deal", {"name": "Flota 2027", "pipeline_id": sales_live.pipeline,
                                             "stage_id": stages["Prospecting"],
                                             "amount": {"amount": "1200", "currency": "EUR"}}, user=None)
    page.goto(sales_live.url("/sales/board"))
    _drag(page, page.locator(f"#card-{deal.id}"), _column(page, stages["Negotiation"]))
    expect(page.locator("#kanban-message")).to_contain_text("Flota 2027 moved.")
    negotiation = page.locator(f'section:has(#stage-{stages["Negotiation"]})')
    expect(negotiation.locator(".kanban-total").first).to_have_text("€1,200.00")
    expect(negotiation.locator(".kanban-total.weighted")).to_have_text("weighted €900.00")
    with sales_live.app.app_context():
        saved = records.get("sales_deal", deal.id, user=None)
    assert saved["stage_id"] == stages["Negotiation"]


def test_a_move_the_server_refuses_puts_the_card_back_with_the_reason(page: Page, sales_live) -> None:
    stages = sales_live.stages
    with sales_live.app.app_context():
        deal = records.create("sales_deal", {"name": "Renting", "pipeline_id": sales_live.pipeline,
                                             "stage_id": stages["Proposal"]}, user=None)
    page.goto(sales_live.url("/sales/board"))
    with sales_live.app.app_context():  # someone else saves first: the card's version is now stale
        records.update("sales_deal", deal.id, {"next_step": "Call"}, user=None, version=deal.version)
    _drag(page, page.locator(f"#card-{deal.id}"), _column(page, stages["Won"]))
    expect(page.locator("#kanban-message")).to_contain_text("Someone else changed this deal")
    expect(_column(page, stages["Proposal"]).locator(f"#card-{deal.id}")).to_be_visible()
    with sales_live.app.app_context():
        assert records.get("sales_deal", deal.id, user=None)["stage_id"] == stages["Proposal"]


def _dropped_on_lost(page: Page, live: Any, name: str, stage: str) -> tuple[Any, Any]:
    """A deal made in `stage` and dragged to the lost column: the deal, and the dialog that asks why."""
    with live.app.app_context():
        deal = records.create("sales_deal", {"name": name, "pipeline_id": live.pipeline,
                                             "stage_id": live.stages[stage]}, user=None)
    page.goto(live.url("/sales/board"))
    _drag(page, page.locator(f"#card-{deal.id}"), _column(page, live.stages["Lost"]))
    dialog = page.get_by_role("dialog", name=f"Why was {name} lost?")
    expect(dialog).to_be_visible()
    return deal, dialog


def test_a_drop_on_the_lost_column_asks_why_and_cancelling_leaves_the_deal(page: Page, sales_live) -> None:
    stages = sales_live.stages
    deal, dialog = _dropped_on_lost(page, sales_live, "Flota eléctrica", "Proposal")
    expect(_column(page, stages["Proposal"]).locator(f"#card-{deal.id}")).to_be_visible()  # back until saved
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(_column(page, stages["Proposal"]).locator(f"#card-{deal.id}")).to_be_visible()
    with sales_live.app.app_context():
        stored = records.get("sales_deal", deal.id, user=None)
    assert (stored["stage_id"], stored.version) == (stages["Proposal"], deal.version)


def test_the_lost_dialog_wants_a_reason_and_saving_it_moves_the_card(page: Page, sales_live) -> None:
    stages = sales_live.stages
    deal, dialog = _dropped_on_lost(page, sales_live, "Renting", "Negotiation")
    dialog.get_by_role("button", name="Mark as lost").click()
    expect(dialog.locator("#lose-lost_reason_id-error")).to_have_text("Choose why the deal was lost.")
    dialog.get_by_label("Lost reason", exact=True).select_option(label="Timing")
    dialog.get_by_label("Lost reason details").fill("Budget moved to next year")
    dialog.get_by_role("button", name="Mark as lost").click()
    expect(page.get_by_text("Renting was marked lost.")).to_be_visible()
    expect(_column(page, stages["Lost"]).locator(f"#card-{deal.id}")).to_be_visible()
    with sales_live.app.app_context():
        stored = records.get("sales_deal", deal.id, user=None)
        reason = records.get("sales_lost_reason", stored["lost_reason_id"], user=None)
    assert (stored["stage_id"], reason["name"], stored["lost_reason"]) == (
        stages["Lost"], "Timing", "Budget moved to next year")


def test_a_lead_with_a_known_email_is_converted_into_that_contact(page: Page, sales_live) -> None:
    """The conversion page preselects the contact with the lead's email and its account, never a look-alike name."""
    with sales_live.app.test_request_context():
        zubi = records.create("contacts_account", {"name": "Talleres Zubi SL"}, user=None)
        records.create("contacts_account", {"name": "Talleres Hermanos Ruiz"}, user=None)
        ana = records.create("contacts_contact", {"first_name": "Ana", "last_name": "Etxebarria",
                                                  "email": "ana@zubi.example", "account_id": zubi.id}, user=None)
        lead = records.create("sales_lead", {"first_name": "Ana", "last_name": "Etxebarria",
                                             "company": "Talleres Zubi, S.L.", "email": "ANA@zubi.example"}, user=None)
    page.goto(sales_live.url(f"/r/sales_lead/{lead.id}"))
    page.get_by_role("link", name="Convert").click()
    expect(page.get_by_role("heading", name="Convert Ana Etxebarria")).to_be_visible()
    expect(page.get_by_label("Use the existing contact Ana Etxebarria")).to_be_checked()
    expect(page.get_by_label("Use the existing account Talleres Zubi SL")).to_be_checked()
    expect(page.get_by_text("Talleres Hermanos Ruiz")).to_have_count(0)
    page.get_by_role("button", name="Convert").click()
    expect(page).to_have_url(sales_live.url(f"/r/contacts_contact/{ana.id}"))
    expect(page.get_by_text("Etxebarria was converted.")).to_be_visible()
    with sales_live.app.app_context():
        assert records.query("contacts_contact", user=None).count().value == 1
        assert records.get("sales_lead", lead.id, user=None)["contact_id"] == ana.id
