"""Turning a plugin on and off from the admin screen, through HTMX."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, Request, expect

pytestmark = pytest.mark.browser


def test_enable_then_disable_a_plugin(admin_page: Page, live_app) -> None:
    page = admin_page
    menu = page.get_by_role("navigation", name="Main menu")
    page.goto(live_app.url("/admin/plugins"))
    row = page.locator("#plugin-greet")
    expect(row.locator(".badge")).to_have_text("disabled")
    expect(menu.get_by_role("link", name="Greetings")).to_have_count(0)
    token = json.loads(page.locator("body").get_attribute("hx-headers:inherited") or "{}")["X-CSRFToken"]

    def is_enable_post(request: Request) -> bool:
        return request.method == "POST" and request.url == live_app.url("/admin/plugins/greet/enable")

    with page.expect_request(is_enable_post) as sent:
        row.get_by_role("button", name="Enable").click()
    headers = sent.value.all_headers()
    assert headers["hx-request"] == "true"
    assert headers["x-csrftoken"] == token

    expect(page.get_by_role("status")).to_contain_text("greet is enabled.")
    expect(row.locator(".badge")).to_have_text("enabled")
    expect(row.get_by_role("button", name="Disable")).to_be_visible()
    menu.get_by_role("link", name="Greetings").click()
    expect(page).to_have_url(live_app.url("/greet/"))
    expect(page.get_by_role("heading", name="Greetings")).to_be_visible()
    expect(page.get_by_text("No greetings yet.")).to_be_visible()

    menu.get_by_role("link", name="Administration").click()
    row.get_by_role("button", name="Disable").click()
    expect(page.get_by_role("status")).to_contain_text("greet is disabled. Its data is kept.")
    expect(row.locator(".badge")).to_have_text("disabled")
    expect(menu.get_by_role("link", name="Greetings")).to_have_count(0)

    response = page.goto(live_app.url("/greet/"))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
