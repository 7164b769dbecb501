"""Recording a payment in Chromium, at phone width and in Spanish, with CSRF protection on: the Payments tab's
form refuses too large an amount at its field (swapped in place by htmx), then takes one typed with a decimal
comma; no JavaScript error and the tab no wider than the screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import crm_pages
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)
from tests.conftest import serve  # noqa: F401 (fixture)
from trato.testing import TEST_PASSWORD

from test_billing_support import PLUGINS, eur, issued, standing

pytestmark = pytest.mark.browser


def test_a_payment_is_recorded_on_a_phone_in_spanish(make_app, make_user, serve, browser: Browser) -> None:  # noqa: F811
    app = make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, csrf=True, default_currency="EUR")
    admin = make_user(email="ana@example.com", admin=True, password=TEST_PASSWORD, app=app)
    base = serve(app)
    with app.app_context():
        invoice = issued(admin, ("100.00", "IVA21"))
    context = browser.new_context(locale="es-ES", viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors = crm_pages.console_errors(page)
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill("ana@example.com")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/r/invoicing_invoice/{invoice.id}?tab=invoicing-billing-payments")
    expect(page.locator("#invoice-payments")).to_contain_text("Aún no hay cobros.")
    page.locator("#payment-amount").fill("200")
    page.get_by_role("button", name="Registrar cobro").click()
    expect(page.locator("#payment-amount-error")).to_contain_text("El cobro supera el saldo pendiente")
    expect(page.locator("#payment-amount")).to_have_attribute("aria-invalid", "true")
    page.locator("#payment-amount").fill("21,00")
    page.locator("#payment-method").select_option("card")
    page.get_by_role("button", name="Registrar cobro").click()
    expect(page.locator("table.invoice-payments")).to_contain_text("Tarjeta")
    expect(page.locator(".invoice-standing")).to_contain_text("100,00")
    assert page.locator("#invoice-payments").bounding_box()["width"] <= 360
    assert [e for e in errors if "status of 422" not in e] == []  # the refused payment's 422 is logged, rightly
    with app.app_context():
        assert standing(invoice.id) == (eur("21.00"), eur("100.00"), "partly_paid")
    context.close()
