"""A record's timeline in a real browser: add a note, mark an activity done, both through HTMX swaps."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from trato import records
from trato.activity import activities
from trato.models import utcnow
from trato.records import RecordData

from .conftest import LiveApp

pytestmark = pytest.mark.browser


@pytest.fixture
def account(live_signed_in) -> tuple[LiveApp, RecordData]:
    """A served app with the `trade` sample, the admin signed in, and an account of theirs."""
    live = live_signed_in(["trade"])
    with live.app.test_request_context():
        return live, records.create("trade_account", {"name": "Acme Ibérica"}, user=live.admin)


def test_add_a_note_and_mark_an_activity_done_on_a_record(page: Page, account) -> None:
    live, account = account
    base = live.base_url
    with live.app.test_request_context():
        activities.add("trade_account", account.id, {"kind": "call", "subject": "Ring Marta",
                                                      "due_at": utcnow() + timedelta(hours=2)}, live.admin)
    page.goto(f"{base}/r/trade_account/{account.id}")
    page.get_by_role("tab", name="Timeline", exact=True).click()  # the timeline is a tab of the record's page
    expect(page).to_have_url(f"{base}/r/trade_account/{account.id}?tab=timeline")
    timeline = page.locator("#timeline")
    page.get_by_text("Add a note").click()
    page.get_by_label("Note", exact=True).fill("Marta prefers calls after 16:00")
    page.get_by_role("button", name="Save note").click()
    expect(timeline.locator(".event-notes")).to_contain_text("Marta prefers calls after 16:00")
    expect(page).to_have_url(f"{base}/r/trade_account/{account.id}?tab=timeline")  # swapped in place, no page load

    call = timeline.locator(".event-activities", has_text="Ring Marta")
    call.get_by_role("button", name="Mark done").click()
    expect(timeline.locator(".event-activities", has_text="Ring Marta")).to_contain_text("done")
    expect(timeline.locator(".event-activities", has_text="Ring Marta").get_by_role("button", name="Open again")) \
        .to_be_visible()
    # The note is still there after the second swap, and the agenda agrees.
    expect(timeline.locator(".event-notes")).to_have_count(1)
    page.goto(f"{base}/activities")
    expect(page.locator("#agenda-done").locator("xpath=..")).to_contain_text("Ring Marta")


def test_a_note_is_written_and_edited_as_rich_text_never_as_raw_html(page: Page, account) -> None:
    live, account = account
    base = live.base_url
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{base}/r/trade_account/{account.id}?tab=timeline")
    timeline = page.locator("#timeline")
    page.get_by_text("Add a note").click()
    editor = page.get_by_role("textbox", name="Note")
    editor.click()
    page.keyboard.type("Call ")
    page.get_by_role("button", name="Bold").click()
    page.keyboard.type("Marta")
    page.get_by_role("button", name="Bold").click()
    page.keyboard.type(" after 16:00")
    page.get_by_role("button", name="Save note").click()
    note = timeline.locator(".event-notes .note-body")
    expect(note).to_have_text("Call Marta after 16:00")
    expect(note.locator("strong")).to_have_text("Marta")
    with live.app.test_request_context():
        from trato import extras

        stored = extras.notes("trade_account", account.id, live.admin)[0].body
    assert stored == "<p>Call <strong>Marta</strong> after 16:00</p>"  # cleaned by nh3, plain spaces

    timeline.get_by_text("Edit note").click()
    edit = timeline.locator(".event-notes details .ql-editor")
    expect(edit.locator("strong")).to_have_text("Marta")  # the formatting, not "<strong>" as text
    expect(edit).not_to_contain_text("<strong>")
    edit.click()
    page.keyboard.press("End")
    page.keyboard.type(" or mornings")
    timeline.locator(".event-notes details").get_by_role("button", name="Save note").click()
    expect(timeline.locator(".event-notes .note-body")).to_have_text("Call Marta after 16:00 or mornings")
    expect(timeline.locator(".event-notes .note-body strong")).to_have_text("Marta")
    assert problems == []  # the strict Content-Security-Policy lets the editor run: nothing refused
