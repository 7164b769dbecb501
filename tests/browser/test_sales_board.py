"""The sales board in a real browser: a deal dragged to another stage is saved; a refused move is put back."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from trato import records

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
for folder in ("contacts", "sales"):
    if str(PLUGINS / folder) not in sys.path:
        sys.path.insert(0, str(PLUGINS / folder))

from trato_contacts import plugin as contacts_plugin  # noqa: E402
from trato_sales import plugin as sales_plugin  # noqa: E402
from trato_sales import reports  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def samples(samples: dict[str, Any]) -> dict[str, Any]:
    return {**samples, "contacts": contacts_plugin, "sales": sales_plugin}


@pytest.fixture
def sales_live(make_live_app, sign_in, page: Page):
    page.set_viewport_size({"width": 1600, "height": 900})  # the six stages side by side
    live = make_live_app(plugins=["contacts", "sales"])
    sign_in(page, live)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
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
