"""The customer's side of the quote link in Chromium, at phone width and in Spanish, with CSRF protection on:
the quote read, a name typed, Accept; no JavaScript error and nothing wider than the screen."""
from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import crm_pages
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)
from tests.conftest import serve  # noqa: F401 (fixture)
from trato import Money, records
from trato_invoicing.quoting import links

from conftest import PLUGINS

pytestmark = pytest.mark.browser


def test_a_customer_accepts_a_quote_on_a_phone_in_spanish(make_app, serve, browser: Browser) -> None:  # noqa: F811
    app = make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, csrf=True, default_currency="EUR")
    base = serve(app)
    with app.test_request_context(base_url=base):
        tax = records.query("catalog_tax", user=None).where({"code": "IVA21"}).page(limit=1).items[0].id
        account = records.create("contacts_account", {"name": "Sidrería Zelaia"}, user=None)
        quote = records.create("invoicing_quote", {"account_id": account.id, "lines": [
            {"description": "Catering", "quantity": "40", "unit_price": Money(Decimal("35.00"), "EUR"),
             "tax_id": tax}]}, user=None)
        token = links.share(quote.id, user=None)
    context = browser.new_context(locale="es-ES", viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors = crm_pages.console_errors(page)
    page.goto(f"{base}/invoicing/public/quote/{token}")
    expect(page.locator("main h1")).to_contain_text("Presupuesto")
    expect(page.locator("#public-quote")).to_contain_text("Catering")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Aceptar").click()
    expect(page.locator("#f-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#e-name")).to_have_text("Escriba su nombre para responder.")
    page.get_by_label("Su nombre").fill("Miren Zelaia")
    page.get_by_role("button", name="Aceptar").click()
    expect(page.locator("#quote-answered")).to_contain_text("Ha aceptado el presupuesto.")
    assert [e for e in errors if "status of 422" not in e] == []  # the refused answer's 422 is logged, rightly
    with app.app_context():
        assert records.get("invoicing_quote", quote.id, user=None)["status"] == "accepted"
    context.close()
