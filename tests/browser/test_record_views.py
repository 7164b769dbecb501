"""The kanban board and the list's cells in a real browser: drags saved or put back, errors shown in place."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from trato_trade import plugin as trade_plugin

from trato import db, records

pytestmark = pytest.mark.browser


@pytest.fixture
def samples(samples: dict[str, Any]) -> dict[str, Any]:
    """The sample plugins, with `trade` (accounts and deals) among them."""
    return {**samples, "trade": trade_plugin}


@pytest.fixture
def trade_live(make_live_app, make_record, sign_in, page: Page):
    live = make_live_app(plugins=["trade"])
    sign_in(page, live)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return live


def _column(page: Page, value: str):
    return page.locator(f'ul.kanban-cards[data-value="{value}"]')


def test_dragging_a_card_moves_it_and_the_move_is_kept(page: Page, trade_live, make_record) -> None:
    deal = make_record("trade_deal", app=trade_live.app, name="Flota", stage="new",
                       amount={"amount": "1200", "currency": "EUR"})
    page.goto(trade_live.url("/r/trade_deal/kanban?by=stage&sum=amount"))
    card = page.locator(f"#card-{deal.id}")
    expect(_column(page, "new").locator(".kanban-card")).to_have_count(1)
    card.drag_to(_column(page, "won"))
    expect(page.locator("#kanban-message")).to_contain_text("Flota moved.")
    expect(_column(page, "won").locator(f"#card-{deal.id}")).to_be_visible()
    expect(page.locator(".kanban-column").nth(1).locator(".kanban-total")).to_have_text("€1,200.00")
    with trade_live.app.app_context():
        assert records.get("trade_deal", deal.id, user=None)["stage"] == "won"
    page.reload()
    expect(_column(page, "won").locator(f"#card-{deal.id}")).to_be_visible()
    expect(_column(page, "new").locator(".kanban-card")).to_have_count(0)


def test_a_refused_drag_puts_the_card_back_with_the_reason(page: Page, trade_live, make_record) -> None:
    deal = make_record("trade_deal", app=trade_live.app, name="Fruta", stage="new")
    with trade_live.app.app_context():  # a name the plugin's before_save refuses
        table = trade_live.app.extensions["trato"].entities.get("trade_deal").table
        db.session().execute(update(table).where(table.c.id == deal.id).values(name="Forbidden fruit"))
        db.session().commit()
    page.goto(trade_live.url("/r/trade_deal/kanban?by=stage"))
    page.locator(f"#card-{deal.id}").drag_to(_column(page, "lost"))
    message = page.locator("#kanban-message")
    expect(message).to_contain_text("may not say forbidden")
    expect(message).to_have_class("flash flash-error")
    expect(_column(page, "new").locator(f"#card-{deal.id}")).to_be_visible()
    expect(_column(page, "lost").locator(".kanban-card")).to_have_count(0)
    with trade_live.app.app_context():
        assert records.get("trade_deal", deal.id, user=None)["stage"] == "new"


def test_an_inline_edit_shows_its_error_in_place(page: Page, trade_live, make_record) -> None:
    deal = make_record("trade_deal", app=trade_live.app, name="Renting", stage="new")
    page.goto(trade_live.url("/r/trade_deal/?cols=name,stage,amount"))
    cell = page.locator(f"#cell-{deal.id}-amount")
    cell.get_by_role("button", name="Edit Amount of Renting").click()
    cell.get_by_label("Amount of Renting").fill("doce")
    cell.get_by_role("button", name="Save").click()
    expect(cell.get_by_role("alert")).to_be_visible()
    expect(cell.get_by_label("Amount of Renting")).to_have_value("doce")
    expect(page.locator(f"#cell-{deal.id}-name")).to_contain_text("Renting")
    cell.get_by_label("Amount of Renting").fill("950")
    cell.get_by_label("Currency of Amount").fill("EUR")
    cell.get_by_role("button", name="Save").click()
    expect(cell).to_contain_text("€950.00")
    with trade_live.app.app_context():
        assert str(records.get("trade_deal", deal.id, user=None)["amount"].amount) == "950.00"
