"""In a real browser, the deal form's stage list follows the pipeline: choosing another pipeline draws the stage
select again with that pipeline's stages (htmx asks /r/sales_deal/input/stage_id with the form's values)."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from trato import records

pytestmark = pytest.mark.browser



def test_choosing_a_pipeline_offers_its_stages(make_live_app, sign_in, page: Page) -> None:
    live = make_live_app(plugins=["contacts", "sales"])
    with live.app.app_context():
        other = records.create("sales_pipeline", {"name": "Servicios", "position": 2}, user=None)
        for position, name in enumerate(("Solicitud", "Oferta"), start=1):
            records.create("sales_stage", {"name": name, "pipeline_id": other.id, "position": position}, user=None)
    sign_in(page, live)
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
    page.goto(live.url("/r/sales_deal/new"))
    stage = page.locator("select#stage_id")
    expect(stage.locator("option")).to_have_count(1)  # no pipeline yet: nothing but the empty choice
    page.evaluate("""id => {  // what choosing it in the pipeline's picker does to the select underneath
        const select = document.querySelector('select#pipeline_id');
        if (![...select.options].some(o => o.value === String(id))) select.add(new Option('Servicios', id));
        select.value = String(id);
        select.dispatchEvent(new Event('change', {bubbles: true}));
    }""", other.id)
    expect(stage.locator("option")).to_have_text(["—", "Solicitud", "Oferta"])
