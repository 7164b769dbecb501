"""The recurring part's hook implementations, each named `recurring_<hook>` with `specname` (see ../hooks.py)."""
from __future__ import annotations

from datetime import date
from typing import Any

import click
from flask_babel import gettext as _, lazy_gettext as _l

from trato import Fragment, JobContext, NavItem, RecordData, TaskRegistry, access, crontab, for_entities, hookimpl

from ..quoting.tabs import documents_tab
from . import billing, proration
from .models import Subscription, SubscriptionLine

ENTITY = "invoicing_subscription"


def bill_subscriptions(ctx: JobContext) -> None:
    billing.bill_due(date.today(), ctx)


@click.command("bill-subscriptions", help="Invoice every subscription period due (what the hourly task does).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Bill as on this day (YYYY-MM-DD) instead of today.")
def bill_command(today: Any) -> None:
    made = billing.bill_due(today.date() if today else date.today())
    click.echo(f"{made} invoice(s)")


@hookimpl(specname="entities")
def recurring_entities() -> list[type]:
    return [Subscription, SubscriptionLine]


@hookimpl(specname="navigation")
def recurring_navigation(user: Any) -> list[NavItem]:
    if not access.allowed(user, ENTITY, "view"):
        return []
    return [NavItem("records.listing", _l("Subscriptions"), priority=53, icon="repeat", group=_l("Invoicing"),
                    values={"entity": ENTITY})]


@hookimpl(specname="register_tasks")
def recurring_register_tasks(tasks: TaskRegistry) -> None:
    tasks.periodic("bill_subscriptions", bill_subscriptions, crontab(minute="7"))


@hookimpl(specname="cli_commands")
def recurring_cli_commands() -> list[Any]:
    return [bill_command]


@hookimpl(specname="before_save")
@for_entities(ENTITY)
def recurring_before_save(entity: str, values: dict[str, Any], previous: RecordData | None,
                          user: Any) -> dict[str, str] | None:
    if entity != ENTITY:
        return None
    errors = {}
    if (values.get("interval") or 0) < 1:
        errors["interval"] = _("Bill at least every 1 period.")
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if start and values.get("next_date") and values["next_date"] < start:
        errors["next_date"] = _("The next invoice date cannot be before the start date.")
    if errors:
        return errors
    if values.get("next_date") is None and values.get("status") == "active" and previous is None:
        values["next_date"] = start
    proration.remember(previous)
    return None


@hookimpl(specname="after_save")
@for_entities(ENTITY)
def recurring_after_save(entity: str, record: RecordData, previous: RecordData | None, user: Any) -> None:
    if entity == ENTITY:
        proration.settle(record, previous)


@hookimpl(specname="page_slot")
def recurring_page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    if slot == "record_tabs" and entity == ENTITY and access.allowed(user, "invoicing_invoice", "view"):
        return [documents_tab(_l("Invoices"), "invoicing_invoice", {"subscription_id": record.id}, user,
                              empty=_l("No invoices yet."), dates=("issue_date", _l("Date")), order="-period_start")]
    return []


__all__ = ["recurring_after_save", "recurring_before_save", "recurring_cli_commands", "recurring_entities",
           "recurring_navigation", "recurring_page_slot", "recurring_register_tasks"]
