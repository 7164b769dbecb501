"""The quoting part's hook implementations, each named `quoting_<hook>` with `specname` (see ../hooks.py)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from trato import ApiAction, Fragment, RecordData, access, for_entities, hookimpl

from . import deals, links, revisions, sending
from .models import QuoteLink, QuoteResponse  # noqa: F401 (their tables join the plugin's metadata)
from .views import bp

QUOTE = links.QUOTE
DEAL = deals.DEAL


@hookimpl(specname="blueprints")
def quoting_blueprints() -> list[Blueprint]:
    return [bp]


def _post_button(label: Any, endpoint: str, icon: str, priority: int, **values: Any) -> Fragment:
    return Fragment(label, "invoicing/quoting/post_button.html",
                    {"action": url_for(endpoint, **values), "label": label, "icon": icon}, priority=priority)


def _link_button(label: Any, href: str, icon: str, priority: int) -> Fragment:
    return Fragment(label, "slots/button.html", {"href": href, "label": label, "icon": icon}, priority=priority)


@hookimpl(specname="page_slot")
def quoting_page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    if record is None or entity not in (QUOTE, sending.INVOICE, DEAL):
        return []
    if entity == DEAL:
        return deals.deal_slot(slot, record, user)
    if slot == "record_alerts" and entity == QUOTE:
        response = links.response_of(record.id)
        return [Fragment(_l("Answer"), "invoicing/quoting/answer_alert.html", {"response": response})] \
            if response is not None else []
    if slot != "record_header":
        return []
    shown = [_link_button(_l("Send by email"), url_for("invoicing_quoting.send", entity=entity, record_id=record.id),
                          "mail", 60)]
    if entity == QUOTE and access.allowed(user, QUOTE, "edit"):
        if record.get("status") in links.OPEN:
            shown.append(_post_button(_l("Share link"), "invoicing_quoting.share", "link", 61, quote_id=record.id))
        if access.allowed(user, QUOTE, "create"):
            shown.append(_post_button(_l("New revision"), "invoicing_quoting.revision", "versions", 62,
                                      quote_id=record.id))
    return shown


@hookimpl(specname="before_save", trylast=True)
@for_entities(QUOTE)
def quoting_before_save(entity: str, values: dict[str, Any], previous: RecordData | None,
                        user: Any) -> dict[str, str] | None:
    """A revision gets its number and place (after the documents' own before_save); a quote with a newer
    revision can no longer be accepted."""
    if entity != QUOTE:
        return None
    revisions.fill(values, previous)
    accepting = values.get("status") == "accepted" and (previous is None or previous.get("status") != "accepted")
    if accepting and previous is not None and links.newer_revision_exists(previous):
        return {"status": _("A newer revision of this quote exists: only the newest can be accepted.")}
    return None


@hookimpl(specname="after_save")
@for_entities(QUOTE)
def quoting_after_save(entity: str, record: RecordData, previous: RecordData | None, user: Any) -> None:
    if entity == QUOTE and record.get("status") == "accepted" and (previous is None
                                                                   or previous.get("status") != "accepted"):
        deals.follow_accepted_quote(record)


def _revision_action(record_id: int, body: Any, user: Any) -> dict[str, Any]:
    made = revisions.new_revision(record_id, user=user)
    return {"id": made.id, "revision": made["revision"], "revision_of_id": made["revision_of_id"],
            "version": made.version}


@hookimpl(specname="api_actions")
def quoting_api_actions() -> list[ApiAction]:
    return [ApiAction(QUOTE, "revision", _revision_action, status=201,
                      summary=_l("Copy the quote and its lines into its next revision, a draft"))]


__all__ = ["quoting_after_save", "quoting_api_actions", "quoting_before_save", "quoting_blueprints",
           "quoting_page_slot"]
