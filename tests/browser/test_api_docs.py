"""The API documentation page: the vendored Swagger UI renders our own document under the strict CSP."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from trato.schema import EntitySpec, FieldSpec, create_entity

pytestmark = pytest.mark.browser


def test_the_docs_page_shows_the_operations_of_our_document(admin_page: Page, live_app) -> None:
    with live_app.app.app_context():
        create_entity(EntitySpec("vehicle", {"en": "Vehicle"}, {"en": "Vehicles"},
                                 [FieldSpec("plate", "text", {"en": "Plate"}, required=True)]))
    page = admin_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(live_app.url("/profile/tokens"))
    page.get_by_role("link", name="Read the API documentation").click()
    expect(page).to_have_url(live_app.url("/api/docs"))
    expect(page.get_by_role("heading", name="API documentation", level=1)).to_be_visible()

    operations = page.locator("#api-docs .opblock")
    expect(operations.filter(has=page.locator('[data-path="/api/v1/x_vehicle/bulk"]')).first).to_be_visible()
    expect(page.locator('#api-docs [data-path="/api/v1/x_vehicle/{record_id}"]').first).to_be_visible()
    expect(page.locator('#api-docs [data-path="/api/v1/meta/entities"]').first).to_be_visible()
    expect(page.locator("#api-docs")).to_contain_text("Trato API")

    page.locator('#api-docs .opblock-post:has([data-path="/api/v1/x_vehicle"]) .opblock-summary').first.click()
    example = page.locator("#api-docs .opblock-post .microlight").first
    expect(example).to_contain_text('"plate"')
    assert problems == [], problems


def test_the_docs_page_needs_a_signed_in_user(page: Page, live_app) -> None:
    page.goto(live_app.url("/api/docs"))
    expect(page).to_have_url(live_app.url("/login?next=/api/docs"))
    response = page.request.get(live_app.url("/api/docs/openapi.json"), max_redirects=0)
    assert response.status == 302
