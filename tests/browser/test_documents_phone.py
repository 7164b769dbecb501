"""The document template editor at phone width, in Spanish: a refused template shown at its box with the line, a
good one saved, the record's PDF button; nothing wider than the screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from trato import records

from .conftest import fill_sign_in

pytestmark = pytest.mark.browser


def test_document_templates_at_phone_width_in_spanish(page: Page, make_live_app) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    live = make_live_app(["trade"], locale="es")
    with live.app.app_context():
        deal = records.create("trade_deal", {"name": "Renovación"}, user=None)
    fill_sign_in(page, live)
    page.goto(live.url("/admin/documents"))
    expect(page.locator("main h1")).to_have_text("Plantillas de documentos")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#document-templates tr", has_text="trade_deal").get_by_role("link").nth(1).click()
    expect(page.locator("main h1")).to_contain_text("Español")
    expect(page.locator(".merge-fields")).to_contain_text("{{ record.name }}")
    box = page.get_by_label("Plantilla")
    box.fill("<h1>{{ record.name }}</h1>\n<p>{{ record.__class__ }}</p>")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator("#template-error")).to_contain_text("La línea 2 intenta acceder a «__class__»")
    expect(page.get_by_label("Plantilla")).to_have_value("<h1>{{ record.name }}</h1>\n<p>{{ record.__class__ }}</p>")
    page.get_by_label("Plantilla").fill('{% extends "layout.html" %}{% block content %}'
                                        '<h1>Presupuesto {{ record.name }}</h1>{% endblock %}')
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".flash, .alert").first).to_contain_text("Se ha guardado la plantilla de "
                                                                 "Oportunidades (Español)")
    expect(page.get_by_role("button", name="Restablecer la predeterminada")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(live.url(f"/r/trade_deal/{deal.id}"))
    pdf = page.locator('[data-slot="record-header"] a', has_text="PDF")
    expect(pdf).to_have_attribute("href", f"/r/trade_deal/{deal.id}/document.pdf")
    answer = page.request.get(live.url(f"/r/trade_deal/{deal.id}/document.pdf"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
