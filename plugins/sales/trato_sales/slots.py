"""What Sales adds to the contacts plugin's account page through the core's page slots: a "New deal" button in
the header (the deal form with the account chosen) and a Pipeline tab with the account's deals, their stage,
amount and close date. Neither plugin imports the other: the core asks, Sales answers for accounts only."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from trato import Fragment, access, hookimpl, records

from . import reports
from .models import Deal
from .views import pipelines

ACCOUNT = "contacts_account"
DEAL = Deal.__tablename__
TAB_DEALS = 50


def stage_names() -> dict[int, str]:
    """Every pipeline's stages by id, to show a deal's stage by name."""
    return {s.id: s.name for p in pipelines() for s in reports.stages(p.id)}


def account_deals(record: Any, user: Any) -> Fragment:
    """The account's deals the user may see, latest close date first."""
    deals = records.query(DEAL, user=user).where({"account_id": record["id"]}) \
        .order_by("-close_date").page(limit=TAB_DEALS)
    return Fragment(_l("Pipeline"), "sales/account_deals.html",
                    {"deals": deals.items, "more": deals.next_cursor is not None, "stages": stage_names(),
                     "account_id": record["id"]}, priority=10)


@hookimpl
def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    if entity != ACCOUNT or not access.allowed(user, DEAL, "view"):
        return []
    if slot == "record_header" and access.allowed(user, DEAL, "create"):
        return [Fragment(_l("New deal"), "slots/button.html", {
            "href": url_for("records.new", entity=DEAL, account_id=record["id"]), "label": _l("New deal"),
            "icon": "plus"}, priority=10)]
    if slot == "record_tabs":
        return [account_deals(record, user)]
    return []
