"""The kanban board and the list's cells in a real browser: drags saved or put back, errors shown in place."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from trato import db, privacy, records

pytestmark = pytest.mark.browser




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


def test_a_card_the_user_may_not_change_cannot_be_dragged(page: Page, trade_live, make_record) -> None:
    deal = make_record("trade_deal", app=trade_live.app, name="Guardada", stage="new")
    with trade_live.app.test_request_context():
        privacy.block("trade_deal", deal.id, "Kept for the courts", user=trade_live.admin)
    moves: list[str] = []
    page.on("request", lambda request: moves.append(request.url) if "/kanban/move" in request.url else None)
    page.goto(trade_live.url("/r/trade_deal/kanban?by=stage"))
    card = page.locator(f"#card-{deal.id}")
    expect(card).to_have_attribute("title", "You may not change this record, so its card stays where it is.")
    card.drag_to(_column(page, "won"))
    expect(_column(page, "new").locator(f"#card-{deal.id}")).to_be_visible()
    expect(_column(page, "won").locator(".kanban-card")).to_have_count(0)
    expect(page.locator("#kanban-message")).to_be_hidden()
    assert moves == []  # not picked up, so nothing was sent to be refused
    with trade_live.app.app_context():
        assert records.get("trade_deal", deal.id, user=None)["stage"] == "new"


def test_an_inline_edit_shows_its_error_in_place(page: Page, trade_live, make_record) -> None:
    deal = make_record("trade_deal", app=trade_live.app, name="Renting", stage="new")
    page.goto(trade_live.url("/r/trade_deal/?cols=name,stage,amount"))
    cell = page.locator(f"#cell-{deal.id}-amount")
    cell.get_by_role("button", name="Edit Amount of Renting").click()
    cell.get_by_label("Amount of Renting", exact=True).fill("doce")
    cell.get_by_role("button", name="Save").click()
    expect(cell.get_by_role("alert")).to_be_visible()
    expect(cell.get_by_label("Amount of Renting", exact=True)).to_have_value("doce")
    expect(page.locator(f"#cell-{deal.id}-name")).to_contain_text("Renting")
    cell.get_by_label("Amount of Renting", exact=True).fill("950")
    cell.get_by_label("Currency of Amount").fill("EUR")
    cell.get_by_role("button", name="Save").click()
    expect(cell).to_contain_text("€950.00")
    with trade_live.app.app_context():
        assert str(records.get("trade_deal", deal.id, user=None)["amount"].amount) == "950.00"


def test_relation_filter_picks_a_record_by_typing(page: Page, trade_live, make_record) -> None:
    acme = make_record("trade_account", app=trade_live.app, name="Acme Ibérica")
    make_record("trade_account", app=trade_live.app, name="Beta Autos")
    make_record("trade_deal", app=trade_live.app, name="Flota Acme", stage="new", account_id=acme.id)
    make_record("trade_deal", app=trade_live.app, name="Otra", stage="new")
    page.goto(trade_live.url("/r/trade_deal/?cols=name&sort=name"))
    page.get_by_text("Filters").click()
    page.get_by_label("Field").select_option(label="Account")
    page.get_by_role("combobox", name="Value").focus()
    with page.expect_response(lambda answer: "/r/trade_account/lookup?q=acm" in answer.url):
        page.keyboard.type("acm")
    expect(page.get_by_role("option", name="Acme Ibérica")).to_be_visible()
    expect(page.get_by_role("option", name="Beta Autos")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(page.locator("select#filter-value")).to_have_value(str(acme.id))
    page.keyboard.press("Tab")  # the picker's × (empty the choice), then the button: the keyboard alone
    expect(page.get_by_role("button", name="Clear the choice")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add filter")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"account_id__eq={acme.id}"))
    expect(page.locator("table.grid tbody tr")).to_have_count(1)
    expect(page.locator("table.grid tbody")).to_contain_text("Flota Acme")


def test_select_all_then_a_mass_update(page: Page, trade_live, make_record) -> None:
    deals = [make_record("trade_deal", app=trade_live.app, name=n, stage="new") for n in ("Uno", "Dos")]
    page.goto(trade_live.url("/r/trade_deal/?cols=name,stage&sort=name"))
    page.get_by_label("Select all records on this page").check()
    page.get_by_label("Set").select_option(label="Stage")
    page.get_by_label("to", exact=True).fill("won")
    page.get_by_role("button", name="Update").click()
    expect(page.locator(".flash-success")).to_contain_text("Stage was changed on 2 records.")
    with trade_live.app.app_context():
        assert [records.get("trade_deal", d.id, user=None)["stage"] for d in deals] == ["won", "won"]


def test_a_column_dragged_wider_or_moved_by_keyboard_keeps_its_width(page: Page, trade_live, make_record,
                                                                     console_errors) -> None:
    make_record("trade_deal", app=trade_live.app, name="Renovación flota")
    page.goto(trade_live.url("/r/trade_deal/"))
    header = page.locator('th[data-column="amount"]')
    before = header.bounding_box()["width"]
    handle = header.locator(".column-resizer")
    box = handle.bounding_box()
    with page.expect_response(lambda r: r.url.endswith("/layout/width")) as kept:
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + 120, box["y"] + box["height"] / 2, steps=5)
        page.mouse.up()
    assert kept.value.status == 204
    dragged = int(header.get_attribute("data-width"))
    assert abs(dragged - (before + 120 - box["width"] / 2)) <= 8
    page.reload()
    expect(header).to_have_attribute("data-width", str(dragged))
    assert abs(header.bounding_box()["width"] - dragged) <= 2
    handle.focus()
    with page.expect_response(lambda r: r.url.endswith("/layout/width")):
        page.keyboard.press("ArrowLeft")
    expect(handle).to_have_attribute("aria-valuenow", str(dragged - 16))
    page.reload()
    expect(header).to_have_attribute("data-width", str(dragged - 16))
    assert console_errors == []
