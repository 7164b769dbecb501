"""The chains' page and the cancellation in Chromium, at phone width and in Spanish, with CSRF protection on:
the check runs in the page (HTMX) and says the chain is intact; the invoice's header button records the
cancellation; no JavaScript error and nothing wider than the screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from verifactu_support import ISSUER, PLUGINS, chain_of, customer, issued, set_issuer

from tests.browser import crm_pages
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)
from tests.conftest import serve  # noqa: F401 (fixture)
from trato.testing import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_checking_and_cancelling_on_a_phone_in_spanish(make_app, make_user, serve,  # noqa: F811
                                                       browser: Browser) -> None:
    app = make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, csrf=True, default_currency="EUR")
    set_issuer(app)
    make_user(email="ana@example.com", admin=True, password=TEST_PASSWORD, app=app)
    base = serve(app)
    with app.app_context():
        invoice = issued(customer("Talleres Zubia"), "100.00")
    context = browser.new_context(locale="es-ES", viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors = crm_pages.console_errors(page)
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill("ana@example.com")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/verifactu/")
    page.get_by_role("button", name="Comprobar las cadenas").click()
    expect(page.locator("#verifactu-report")).to_contain_text(f"La cadena {ISSUER} está íntegra: 1 registro.")
    assert page.url == f"{base}/verifactu/"                                  # swapped in, not a new page
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{base}/r/invoicing_invoice/{invoice.id}")
    page.get_by_role("button", name="Anular registro VeriFactu").click()
    expect(page.locator("body")).to_contain_text(f"Se ha registrado la anulación de la factura {invoice['number']}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert errors == []
    with app.app_context():
        assert [r.kind for r in chain_of()] == ["alta", "anulacion"]
    context.close()
