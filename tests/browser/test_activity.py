"""A record's timeline in a real browser: add a note, mark an activity done, both through HTMX swaps."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from trato_trade import plugin as trade_plugin

from trato import records
from trato.activity import activities
from trato.models import utcnow
from trato.testing import TEST_PASSWORD

from .conftest import ADMIN_EMAIL, ADMIN_NAME

pytestmark = pytest.mark.browser


def test_add_a_note_and_mark_an_activity_done_on_a_record(page: Page, make_app, make_user, serve) -> None:
    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin}, csrf=True)
    admin = make_user(email=ADMIN_EMAIL, admin=True, password=TEST_PASSWORD, name=ADMIN_NAME, app=app)
    with app.test_request_context():
        account = records.create("trade_account", {"name": "Acme Ibérica"}, user=admin)
        activities.add("trade_account", account.id, {"kind": "call", "subject": "Ring Marta",
                                                      "due_at": utcnow() + timedelta(hours=2)}, admin)
    base = serve(app)
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Hello, {ADMIN_NAME}")).to_be_visible()

    page.goto(f"{base}/r/trade_account/{account.id}")
    timeline = page.locator("#timeline")
    page.get_by_text("Add a note").click()
    page.get_by_label("Note", exact=True).fill("Marta prefers calls after 16:00")
    page.get_by_role("button", name="Save note").click()
    expect(timeline.locator(".event-notes")).to_contain_text("Marta prefers calls after 16:00")
    expect(page).to_have_url(f"{base}/r/trade_account/{account.id}")  # swapped in place, no page load

    call = timeline.locator(".event-activities", has_text="Ring Marta")
    call.get_by_role("button", name="Mark done").click()
    expect(timeline.locator(".event-activities", has_text="Ring Marta")).to_contain_text("done")
    expect(timeline.locator(".event-activities", has_text="Ring Marta").get_by_role("button", name="Open again")) \
        .to_be_visible()
    # The note is still there after the second swap, and the agenda agrees.
    expect(timeline.locator(".event-notes")).to_have_count(1)
    page.goto(f"{base}/activities")
    expect(page.locator("#agenda-done").locator("xpath=..")).to_contain_text("Ring Marta")
