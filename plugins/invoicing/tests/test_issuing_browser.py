"""Issuing an invoice and drafting its credit note in Chromium, at phone width and in Spanish, with CSRF
protection on: the header's Issue button numbers it, Create credit note asks the reason and drafts the
rectifying invoice; no JavaScript error and nothing wider than the screen."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import crm_pages
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)
from tests.conftest import serve  # noqa: F401 (fixture)
from trato import records
from trato.testing import TEST_PASSWORD
from trato_invoicing.issuing import create_invoice

from conftest import PLUGINS
from test_documents_support import customer, line

pytestmark = pytest.mark.browser


def test_an_invoice_is_issued_and_credited_on_a_phone_in_spanish(make_app, make_user, serve,  # noqa: F811
                                                                  browser: Browser) -> None:
    app = make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, csrf=True, default_currency="EUR")
    make_user(email="ana@example.com", admin=True, password=TEST_PASSWORD, app=app)
    base = serve(app)
    with app.app_context():
        draft = create_invoice({"account_id": customer("Talleres Zubia").id, "issue_date": date(2026, 11, 2)},
                               [line("100.00", "2", description="Revisión")], user=None)
    context = browser.new_context(locale="es-ES", viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors = crm_pages.console_errors(page)
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill("ana@example.com")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/r/invoicing_invoice/{draft.id}")
    page.get_by_role("button", name="Emitir").click()
    expect(page.locator("body")).to_contain_text("Factura F2026-00001 emitida.")
    page.get_by_role("link", name="Crear abono").click()
    page.locator("#f-reason").select_option("R4")
    page.get_by_role("button", name="Crear abono").click()
    expect(page.locator("body")).to_contain_text("Abono en borrador")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert errors == []
    with app.app_context():
        (credit,) = records.query("invoicing_invoice", user=None).where({"kind": "rectifying"}).page(limit=5).items
        assert (credit["rectifies_id"], credit["rectification_reason"], str(credit["total"].amount)) == (
            draft.id, "R4", "-242.00")
    context.close()
