"""How Sales plugs into Trato: one function per hook (see Trato's docs/hooks.md)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trato import (
    ApiAction, Fragment, NavItem, RecordData, TaskRegistry, access, hookimpl, privacy, records, submit,
)

# conversion_views and duplicate_pages add their routes to the blueprint `bp` when imported.
from . import (  # noqa: F401
    api, closing, conversion_views, demo, duplicate_pages, lead_duplicates, lead_privacy, lost_views, reports, rules,
    setup,
)
from .models import ENTITIES, Deal, DealContact, Goal, Lead, LeadEvent, ScoreRule
from .slots import page_slot, stage_names  # noqa: F401 (page_slot is a hook: the account page's button and tab)
from .views import bp


@hookimpl
def entities() -> list[type]:
    return list(ENTITIES)


@hookimpl
def blueprints() -> list[Blueprint]:
    return [bp, lost_views.bp]


@hookimpl
def navigation(user: Any) -> list[NavItem]:
    area = _l("Sales")
    return [NavItem("records.listing", _l("Leads"), priority=30, icon="target-arrow", group=area,
                    values={"entity": Lead.__tablename__}),
            NavItem("sales.board", _l("Deals"), priority=31, icon="layout-kanban", group=area),
            NavItem("sales.forecast", _l("Forecast"), priority=32, icon="chart-line", group=area)]


@hookimpl
def before_save(entity: str, values: dict[str, Any], previous: RecordData | None,
                user: Any) -> str | dict[str, str] | None:
    if entity == Deal.__tablename__:
        return rules.check_deal(values, previous)
    if entity == Lead.__tablename__:
        if previous is None:
            rules.assign(values, user)
        return rules.rate_lead(values, previous)
    if entity == Goal.__tablename__:
        return rules.check_goal(values)
    if entity == ScoreRule.__tablename__:
        return rules.check_score_rule(values)
    return None


@hookimpl
def after_save(entity: str, record: RecordData, previous: RecordData | None, user: Any) -> None:
    if entity == LeadEvent.__tablename__:
        rules.rescore_lead(record["lead_id"])
    elif entity == ScoreRule.__tablename__:
        _rules_changed(record)


@hookimpl
def after_delete(entity: str, record: RecordData, user: Any) -> None:
    if entity == LeadEvent.__tablename__:
        rules.rescore_lead(record["lead_id"])
    elif entity == ScoreRule.__tablename__:
        _rules_changed(record)


def _rules_changed(rule: RecordData) -> None:
    """Leads are scored again in the background with the new rules."""
    rules.forget_score_rules()
    records.on_commit(lambda: submit("sales.rescore_leads", title=str(_l("Recomputing lead scores")),
                                     rule_id=rule.id, version=rule.version))


@hookimpl
def register_tasks(tasks: TaskRegistry) -> None:
    tasks.task("rescore_leads", rules.rescore_leads)


@hookimpl
def detail_panels(entity: str, record: Any, user: Any) -> list[Fragment]:
    """The deals of an account, and those a contact takes part in; on a lead, its conversion."""
    if entity == Lead.__tablename__:
        return [Fragment(_l("Conversion"), "sales/lead_panel.html", {"lead": record}, priority=5),
                Fragment(_l("Personal data"), "sales/lead_person.html", {
                    "record_id": record.id, "version": record.version,
                    "can_erase": access.allowed(user, entity, "edit", record)}, priority=80),
                privacy.block_panel(entity, record, user)]
    if entity == Deal.__tablename__:
        return [Fragment(_l("Attention"), "sales/deal_warning.html", {"deal": record}, priority=1)] \
            if reports.overdue(record, date.today()) else []
    if entity != "contacts_contact":
        return []  # an account's deals are its Pipeline tab (slots.py)
    links = records.query(DealContact.__tablename__, user=user).where({"contact_id": record["id"]}) \
        .page(limit=20).items
    ids = [link["deal_id"] for link in links]
    deals = records.query(Deal.__tablename__, user=user).where({"id__in": ids}).page(limit=20).items if ids else []
    return [Fragment(_l("Deals"), "sales/panel.html", {"deals": deals, "stages": stage_names()}, priority=10)]


@hookimpl
def dashboard_widgets(user: Any) -> list[Fragment]:
    return [Fragment(_l("My open deals"), "sales/widget_deals.html", setup.my_deals(user, closing.today()),
                     priority=10),
            Fragment(_l("Leads by source"), "sales/widget_leads.html", setup.leads_by_source(user), priority=12),
            Fragment(_l("Won this month"), "sales/widget_goal.html", setup.won_this_month(user, closing.today()),
                     priority=11)]


@hookimpl
def plugin_enabled(name: str, session: Session) -> None:
    if name == "sales":
        setup.share_setup(session)
        setup.default_pipeline(session)


@hookimpl
def demo_data(session: Session, locale: str) -> None:
    demo.load(session, locale)


@hookimpl
def api_actions() -> list[ApiAction]:
    """GET and POST /api/v1/sales_lead/<id>/convert."""
    return api.actions()


@hookimpl(optionalhook=True)
def erase_personal_data(contact: RecordData, user: Any) -> None:
    """Contacts is erasing a person: the leads converted into them are erased too (lead_privacy)."""
    lead_privacy.erase_converted(contact, user)


@hookimpl(optionalhook=True)
def duplicate_finders() -> dict[str, Any]:
    """Leads' likely duplicates (leads and contacts), for contacts' form warning, panel, lookup and merge screen."""
    return {Lead.__tablename__: lead_duplicates.find}
