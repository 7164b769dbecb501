"""Signing in through the form, and what an HTMX click does once the session has ended."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_wrong_password_then_right_one_reaches_the_dashboard(page: Page, live_app, sign_in) -> None:
    sign_in(page, live_app, password="not-the-password")
    expect(page.get_by_role("alert")).to_have_text("The email or the password is not right.")
    expect(page).to_have_url(live_app.url("/login"))
    expect(page.get_by_role("heading", name="Sign in to Trato")).to_be_visible()

    sign_in(page, live_app)
    expect(page).to_have_url(live_app.url("/"))
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    expect(page.get_by_role("link", name="Enable the modules you need")).to_be_visible()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()


def test_htmx_click_after_the_session_ended_lands_on_the_sign_in_page(admin_page: Page, live_app, sign_in) -> None:
    page = admin_page
    page.goto(live_app.url("/admin/plugins"))
    row = page.locator("#plugin-greet")
    expect(row.locator(".badge")).to_have_text("disabled")

    live_app.end_sessions(live_app.admin)
    row.get_by_role("button", name="Enable").click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="Sign in to Trato")).to_be_visible()
    expect(page.locator("#plugins-table")).to_have_count(0)

    sign_in(page, live_app)
    page.goto(live_app.url("/admin/plugins"))
    expect(page.locator("#plugin-greet .badge")).to_have_text("disabled")
