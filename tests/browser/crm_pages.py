"""The main pages of a CRM with the contacts and sales plugins and a few records, for the tests that walk
every main page (console errors, accessibility, the app shell at phone and desktop widths)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import ConsoleMessage, Page

from trato import records

WIDTHS = {"desktop": (1366, 900), "phone": (360, 740)}


@dataclass
class Crm:
    """The served app and the paths of its main pages, by name."""

    live: Any
    pages: dict[str, str]


def seed(live: Any) -> Crm:
    """An account with a contact, a lead and a deal in the default pipeline; the main pages' paths."""
    with live.app.app_context():
        admin = live.admin
        account = records.create("contacts_account", {"name": "Nortech Software", "billing_city": "Bilbao"}, user=admin)
        records.create("contacts_contact", {"first_name": "Aitor", "last_name": "Álvarez", "account_id": account.id,
                                            "email": "aitor@example.com"}, user=admin)
        records.create("sales_lead", {"last_name": "Sáenz", "company": "Frutas Sáenz"}, user=admin)
        pipeline = records.query("sales_pipeline", user=None).page().items[0]
        stage = (records.query("sales_stage", user=None).where({"pipeline_id": pipeline.id}).order_by("id")
                 .page().items[0])
        records.create("sales_deal", {"name": "Flota 2027", "pipeline_id": pipeline.id, "stage_id": stage.id,
                                      "account_id": account.id, "amount": {"amount": "12500.50", "currency": "EUR"}},
                       user=admin)
    return Crm(live, {
        "home": "/",
        "list": "/r/contacts_account/",
        "detail": f"/r/contacts_account/{account.id}",
        "form": f"/r/contacts_account/{account.id}/edit",
        "new": "/r/sales_deal/new",
        "board": "/sales/board",
    })


def console_errors(page: Page) -> list[str]:
    """Collect the page's console errors (CSP refusals among them) and uncaught exceptions from now on."""
    errors: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", seen)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return errors


def signed_in_crm(make_live_app: Callable[..., Any], sign_in: Callable[..., None], page: Page,
                  locale: str = "en") -> Crm:
    """A fresh CRM in `locale`, the admin signed in on `page`."""
    live = make_live_app(plugins=["contacts", "sales"], locale=locale)
    sign_in(page, live)
    page.wait_for_url(live.url("/"))
    return seed(live)
