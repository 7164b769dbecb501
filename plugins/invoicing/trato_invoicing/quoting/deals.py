"""Quotes from deals, when the sales plugin is enabled (never imported: reached through `trato.records` and
the entity registry). A deal's header gets "Create quote" and its page a Quotes tab; a deal's amount follows
the net total of the quote of it that was accepted."""
from __future__ import annotations

import logging
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from trato import Fragment, RecordData, RecordLink, SaveRefused, ValidationFailed, access, records

from .tabs import documents_tab

log = logging.getLogger(__name__)
DEAL = "sales_deal"
QUOTE = "invoicing_quote"


def sales_enabled() -> bool:
    return any(entity.name == DEAL for entity in records.entities())


def deal_slot(slot: str, deal: RecordData, user: Any) -> list[Fragment]:
    if not access.allowed(user, QUOTE, "view"):
        return []
    if slot == "record_header" and access.allowed(user, QUOTE, "create"):
        prefill = {"deal": f"{DEAL}:{deal.id}"}
        if deal.get("account_id"):
            prefill["account_id"] = deal["account_id"]
        return [Fragment(_l("Create quote"), "slots/button.html",
                         {"href": url_for("records.new", entity=QUOTE, **prefill), "label": _l("Create quote"),
                          "icon": "file-description"}, priority=30)]
    if slot == "record_tabs":
        return [documents_tab(_l("Quotes"), QUOTE, {"deal": f"{DEAL}:{deal.id}"}, user,
                              empty=_l("No quotes yet."), dates=("issue_date", _l("Date")), order="-id")]
    return []


def follow_accepted_quote(quote: RecordData) -> None:
    """The quote's deal (if any, and sales enabled) takes the quote's net total as its amount."""
    link = quote.get("deal")
    if not isinstance(link, RecordLink) or link.entity != DEAL or not sales_enabled():
        return
    try:
        deal = records.get(DEAL, link.id, user=None)
    except records.RecordNotFound:
        return  # the deal is in the recycle bin: nothing to follow
    if deal.get("amount") == quote.get("net_amount"):
        return
    try:
        records.update(DEAL, deal.id, {"amount": quote.get("net_amount")}, user=None, version=deal.version)
    except (SaveRefused, ValidationFailed) as exc:  # the sales plugin's rules win; the acceptance stands
        log.warning("deal %s kept its amount after quote %s was accepted: %s", deal.id, quote.id, exc)
