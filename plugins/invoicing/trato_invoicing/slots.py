"""What the documents add to pages through the core's slots: the action buttons in a quote's, order's or
invoice's header, and Quotes, Sales orders and Invoices tabs on account and contact pages."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from trato import Fragment, access

from . import actions
from .quoting.tabs import documents_tab

# The page's entity -> the field of the documents that points at it.
PARTIES = {"contacts_account": "account_id", "contacts_contact": "contact_id"}
TABS = [(actions.QUOTE, _l("Quotes"), _l("No quotes yet."), ("issue_date", _l("Date"))),
        (actions.ORDER, _l("Sales orders"), _l("No sales orders yet."), ("order_date", _l("Order date"))),
        (actions.INVOICE, _l("Invoices"), _l("No invoices yet."), ("issue_date", _l("Issue date")))]


def header_buttons(entity: str, record: Any, user: Any) -> list[Fragment]:
    shown = []
    for priority, name in enumerate(actions.available(entity, record, user), start=20):
        label, icon = actions.LABELS[name]
        if name == "rectify":  # asks for the reason and the method first
            shown.append(Fragment(label, "slots/button.html", {
                "href": url_for("invoicing.rectify_form", record_id=record["id"]), "label": label, "icon": icon},
                priority=priority))
        else:
            shown.append(Fragment(label, "invoicing/quoting/post_button.html", {
                "action": url_for("invoicing.act", entity=entity, record_id=record["id"], name=name),
                "label": label, "icon": icon}, priority=priority))
    return shown


def party_tabs(entity: str, record: Any, user: Any) -> list[Fragment]:
    where_field = PARTIES[entity]
    return [documents_tab(title, document, {where_field: record["id"]}, user, empty=empty, dates=dates,
                          order="-id")
            for document, title, empty, dates in TABS if access.allowed(user, document, "view")]


def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    if record is None or entity is None:
        return []
    if slot == "record_header" and entity in (actions.QUOTE, actions.ORDER, actions.INVOICE):
        return header_buttons(entity, record, user)
    if slot == "record_tabs" and entity in PARTIES:
        return party_tabs(entity, record, user)
    return []
