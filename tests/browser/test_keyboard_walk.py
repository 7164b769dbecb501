"""A keyboard-only walk: an account, a contact and a deal created with Tab, typing and Enter alone, every
control reached in the page's own order and showing where the focus is."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from trato import records

from .crm_pages import console_errors, signed_in_crm

pytestmark = pytest.mark.browser

MAX_TABS = 120


def _tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus (failing if the page's tab order never reaches it), and check
    that the focus is visible there: an outline or a ring, not nothing."""
    for _ in range(MAX_TABS):
        if target.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached {target}")
    ring = target.evaluate("""el => {
        const shows = (node) => { const s = getComputedStyle(node);
            return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
        // A picker shows the focus on its control box, around the input that holds it.
        const box = el.closest('.ts-wrapper')?.querySelector('.ts-control');
        return shows(el) || (box !== undefined && box !== null && shows(box)); }""")
    assert ring, f"no visible focus on {target}"


def _choose(page: Page, picker: Locator, typed: str, option: str) -> None:
    """A search-as-you-type picker, from the keyboard: type, wait for the match, Enter."""
    _tab_to(page, picker)
    page.keyboard.type(typed)
    expect(page.get_by_role("option", name=option)).to_be_visible()
    page.keyboard.press("Enter")


def test_an_account_a_contact_and_a_deal_made_with_the_keyboard_alone(page: Page, make_live_app, sign_in) -> None:
    crm = signed_in_crm(make_live_app, sign_in, page)
    errors = console_errors(page)
    page.goto(crm.live.url("/r/contacts_account/"))

    _tab_to(page, page.locator("main").get_by_role("link", name="New account"))
    page.keyboard.press("Enter")
    form = page.locator("form.record-form")
    _tab_to(page, form.get_by_label("Name", exact=True))
    page.keyboard.type("Astilleros Uribe")
    _tab_to(page, form.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/r/contacts_account/\d+$"))
    expect(page.locator("main h1")).to_contain_text("Astilleros Uribe")

    page.goto(crm.live.url("/r/contacts_contact/new"))
    form = page.locator("form.record-form")
    _tab_to(page, form.get_by_label("First name"))
    page.keyboard.type("Miren")
    _tab_to(page, form.get_by_label("Last name"))
    page.keyboard.type("Uribe")
    _choose(page, form.get_by_role("combobox", name="Account"), "astill", "Astilleros Uribe")
    _tab_to(page, form.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/r/contacts_contact/\d+$"))
    expect(page.locator("main h1")).to_contain_text("Miren Uribe")

    page.goto(crm.live.url("/r/sales_deal/new"))
    form = page.locator("form.record-form")
    _tab_to(page, form.get_by_label("Name", exact=True))
    page.keyboard.type("Remolcador 2027")
    _choose(page, form.get_by_role("combobox", name="Account"), "astill", "Astilleros Uribe")
    with crm.live.app.app_context():
        pipeline = records.query("sales_pipeline", user=None).order_by("id").page().items[0]
        stage = records.query("sales_stage", user=None).where({"pipeline_id": pipeline.id}).order_by("id") \
            .page().items[0]
    _choose(page, form.get_by_role("combobox", name="Pipeline"), pipeline["name"][:4], pipeline["name"])
    stages = form.get_by_role("combobox", name="Stage")
    expect(stages.get_by_role("option", name=stage["name"])).to_be_attached()  # the chosen pipeline's stages
    _tab_to(page, stages)
    page.keyboard.type(stage["name"])  # a select picks the option whose name is typed
    expect(stages).to_have_value(str(stage.id))
    _tab_to(page, form.get_by_label("Amount", exact=True))
    page.keyboard.type("48000")
    _tab_to(page, form.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/r/sales_deal/\d+$"))
    expect(page.locator("main h1")).to_contain_text("Remolcador 2027")

    with crm.live.app.app_context():
        [account] = records.query("contacts_account", user=None).where({"name": "Astilleros Uribe"}).page().items
        [contact] = records.query("contacts_contact", user=None).where({"last_name": "Uribe"}).page().items
        [deal] = records.query("sales_deal", user=None).where({"name": "Remolcador 2027"}).page().items
    assert contact["account_id"] == account.id and deal["account_id"] == account.id
    assert deal["amount"].amount == Decimal("48000")
    assert errors == []
