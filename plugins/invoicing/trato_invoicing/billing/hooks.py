"""The billing part's hook implementations, each named `billing_<hook>` with `specname` (see ../hooks.py)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trato import ApiEndpoint, Fragment, NavItem, RecordData, TaskRegistry, access, crontab, for_entities, hookimpl

from . import api, balances, books, issuing, payments_tab, setup, statement, terms, widgets
from . import tasks as billing_tasks
from .models import ENTITIES, DunningStep, Payment
from .views import bp

__all__ = ["billing_entities", "billing_before_save", "billing_after_save", "billing_after_delete",
           "billing_invoice_issued", "billing_register_tasks", "billing_plugin_enabled", "billing_blueprints",
           "billing_navigation", "billing_page_slot", "billing_api_endpoints", "billing_dashboard_widgets",
           "billing_document_context"]


@hookimpl(specname="entities")
def billing_entities() -> list[type]:
    return list(ENTITIES)


@hookimpl(specname="before_save")
@for_entities("invoicing_payment_term", Payment.__tablename__, balances.INVOICE)
def billing_before_save(entity: str, values: dict[str, Any], previous: RecordData | None) -> Any:
    """Terms' instalments must read; payments must fit their invoice; an issued invoice's standing is
    worked out from its payments."""
    if entity == "invoicing_payment_term":
        try:
            terms.parse(values.get("instalments"))
        except terms.TermError as refused:
            return {"instalments": str(refused)}
    elif entity == Payment.__tablename__:
        return balances.check_payment(values, previous)
    elif entity == balances.INVOICE:
        balances.fill_standing(values, previous)
    return None


@hookimpl(specname="after_save")
@for_entities(Payment.__tablename__)
def billing_after_save(entity: str, record: RecordData) -> None:
    if entity == Payment.__tablename__:
        balances.refresh(record["invoice_id"])


@hookimpl(specname="after_delete")
@for_entities(Payment.__tablename__)
def billing_after_delete(entity: str, record: RecordData) -> None:
    if entity == Payment.__tablename__:
        balances.refresh(record["invoice_id"])


@hookimpl(specname="invoice_issued", optionalhook=True)
def billing_invoice_issued(invoice: RecordData) -> None:
    """Instalments and due date from the payment term, in the issuing transaction."""
    issuing.on_issue(invoice)


@hookimpl(specname="register_tasks")
def billing_register_tasks(tasks: TaskRegistry) -> None:
    tasks.periodic("mark_overdue", billing_tasks.mark_overdue, crontab(minute="10", hour="0"))
    tasks.periodic("send_reminders", billing_tasks.send_reminders, crontab(minute="0", hour="8"))


@hookimpl(specname="plugin_enabled")
def billing_plugin_enabled(name: str, session: Session) -> None:
    if name == "invoicing":
        setup.install(session)


@hookimpl(specname="blueprints")
def billing_blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl(specname="navigation")
def billing_navigation(user: Any) -> list[NavItem]:
    entries = []
    if books.allowed(user):
        entries.append(NavItem("invoicing_billing.tax_books", _l("Tax books"), priority=36, icon="report-money",
                               group=_l("Invoicing")))
    if access.allowed(user, Payment.__tablename__, "view"):
        entries.append(NavItem("records.listing", _l("Payments"), priority=35, icon="cash", group=_l("Invoicing"),
                               values={"entity": Payment.__tablename__}))
    if access.allowed(user, DunningStep.__tablename__, "edit"):
        entries.append(NavItem("records.listing", _l("Reminder steps"), priority=37, icon="bell-ringing",
                               group=_l("Invoicing"), values={"entity": DunningStep.__tablename__}))
    return entries


@hookimpl(specname="page_slot")
def billing_page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    """The Payments tab of an issued invoice; the Statement tab of an account."""
    if slot != "record_tabs" or record is None:
        return []
    if entity == balances.INVOICE:
        return payments_tab.tab(record, user)
    if entity == "contacts_account" and access.allowed(user, balances.INVOICE, "view"):
        return [Fragment(_l("Statement"), "invoicing/billing/statement_tab.html",
                         {"statement": statement.for_account(record.id, None, None, user=user)}, priority=60)]
    return []


@hookimpl(specname="api_endpoints")
def billing_api_endpoints() -> list[ApiEndpoint]:
    return list(api.ENDPOINTS)


@hookimpl(specname="dashboard_widgets")
def billing_dashboard_widgets(user: Any) -> list[Fragment]:
    return widgets.dashboard(user)


@hookimpl(specname="document_context")
def billing_document_context(entity: str, record: RecordData | None, context: dict[str, Any]) -> None:
    statement.document_context(entity, record, context)
