"""How Invoicing plugs into Trato: one function per hook (see Trato's docs/hooks.md).

The documents' own hooks are here; each other part of the plugin (billing, quoting, recurring) keeps its
implementations in its own `hooks` module, named `<part>_<hook>` with `@hookimpl(specname=...)`, and they are
brought in here so that the plugin registers one module.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trato import ApiAction, Fragment, NavItem, RecordData, access, for_entities, hookimpl

from . import api, conversion, demo, issuing, numbers, pending, printing, setup, slots
from .billing.hooks import *  # noqa: F403  (the billing part's implementations)
from .quoting.hooks import *  # noqa: F403  (the quoting part's)
from .recurring.hooks import *  # noqa: F403  (the recurring part's)
from .models import ENTITIES
from .views import bp

# Menu entries: (entity, label, icon, priority).
MENU = [("invoicing_quote", _l("Quotes"), "file-description", 50),
        ("invoicing_order", _l("Sales orders"), "clipboard-list", 51),
        ("invoicing_invoice", _l("Invoices"), "file-invoice", 52),
        ("invoicing_payment_term", _l("Payment terms"), "calendar-dollar", 59)]


DOCUMENTS = ("invoicing_quote", "invoicing_order", "invoicing_invoice")


@hookimpl
def entities() -> list[type]:
    return list(ENTITIES)


@hookimpl
def blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def api_actions() -> list[ApiAction]:
    return api.endpoints()


@hookimpl
def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    return slots.page_slot(slot, entity, record, user)


@hookimpl
def navigation(user: Any) -> list[NavItem]:
    """The documents' lists, for whoever may see them, under "Invoicing"."""
    return [NavItem("records.listing", label, priority=priority, icon=icon, group=_l("Invoicing"),
                    values={"entity": entity})
            for entity, label, icon, priority in MENU if access.allowed(user, entity, "view")]


@hookimpl
@for_entities(*DOCUMENTS)
def before_save(entity: str, values: dict[str, Any], previous: RecordData | None, user: Any) -> None:
    """What the documents' own code gives a save (pending), and a new quote's or order's number."""
    if entity in DOCUMENTS:
        pending.fill(entity, values, previous)
        if previous is None:
            numbers.prepare_new(entity, values)


@hookimpl
@for_entities(issuing.INVOICE)
def after_save(entity: str, record: RecordData, previous: RecordData | None, user: Any) -> None:
    """A draft invoice's quantities are checked and its tax rows rewritten on every save; the save that
    issues it writes them a last time (its `previous` is still the draft), and later saves leave them."""
    if entity == issuing.INVOICE and (previous is None or previous["status"] == "draft"):
        lines = issuing.invoice_lines(record.id)
        issuing.check_draft(record, lines)
        issuing.write_tax_rows(record, lines)


@hookimpl
@for_entities(issuing.INVOICE)
def after_delete(entity: str, record: RecordData, user: Any) -> None:
    """A draft invoice of an order binned: what it invoiced is open again on the order."""
    if entity == issuing.INVOICE and record["order_id"] is not None:
        conversion.refresh_order(record["order_id"])


@hookimpl
def document_context(entity: str, record: RecordData | None, context: dict[str, Any], user: Any) -> None:
    if entity in printing.DOCUMENTS:
        context["invoicing"] = printing.context(entity, record)


@hookimpl
def demo_data(session: Session, locale: str) -> None:
    demo.load(session, locale)


@hookimpl
def plugin_enabled(name: str, session: Session) -> None:
    if name == "invoicing":
        setup.install(session)
