"""How Sales plugs into Trato: one function per hook (see Trato's docs/hooks.md)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trato import Fragment, NavItem, RecordData, TaskRegistry, hookimpl, records, submit

from . import demo, reports, rules, setup
from .models import ENTITIES, Deal, DealContact, Lead, LeadEvent, ScoreRule
from .views import bp, pipelines


@hookimpl
def entities() -> list[type]:
    return list(ENTITIES)


@hookimpl
def blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def navigation(user: Any) -> list[NavItem]:
    return [NavItem("records.listing", _l("Leads"), priority=30, values={"entity": Lead.__tablename__}),
            NavItem("sales.board", _l("Deals"), priority=31),
            NavItem("sales.forecast", _l("Forecast"), priority=32)]


@hookimpl
def before_save(entity: str, values: dict[str, Any], previous: RecordData | None, user: Any) -> str | None:
    if entity == Deal.__tablename__:
        return rules.check_deal(values, previous)
    if entity == Lead.__tablename__:
        if previous is None:
            rules.assign(values, user)
        return rules.rate_lead(values, previous)
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
        return [Fragment(_l("Conversion"), "sales/lead_panel.html", {"lead": record}, priority=5)]
    if entity == Deal.__tablename__:
        return [Fragment(_l("Attention"), "sales/deal_warning.html", {"deal": record}, priority=1)] \
            if reports.overdue(record, date.today()) else []
    if entity == "contacts_account":
        deals = records.query(Deal.__tablename__, user=user).where({"account_id": record["id"]}) \
            .order_by("-close_date").page(limit=20).items
    elif entity == "contacts_contact":
        links = records.query(DealContact.__tablename__, user=user).where({"contact_id": record["id"]}) \
            .page(limit=20).items
        ids = [link["deal_id"] for link in links]
        deals = records.query(Deal.__tablename__, user=user).where({"id__in": ids}).page(limit=20).items if ids else []
    else:
        return []
    stage_names = {s.id: s.name for p in pipelines() for s in reports.stages(p.id)}
    return [Fragment(_l("Deals"), "sales/panel.html", {"deals": deals, "stages": stage_names,
                                                       "account_id": record["id"] if entity == "contacts_account"
                                                       else None}, priority=10)]


@hookimpl
def dashboard_widgets(user: Any) -> list[Fragment]:
    return [Fragment(_l("My open deals"), "sales/widget_deals.html", setup.my_deals(user), priority=10),
            Fragment(_l("Leads by source"), "sales/widget_leads.html", setup.leads_by_source(user), priority=12),
            Fragment(_l("Won this month"), "sales/widget_goal.html", setup.won_this_month(user, date.today()),
                     priority=11)]


@hookimpl
def plugin_enabled(name: str, session: Session) -> None:
    if name == "sales":
        setup.share_setup(session)
        setup.default_pipeline(session)


@hookimpl
def demo_data(session: Session, locale: str) -> None:
    demo.load(session, locale)


