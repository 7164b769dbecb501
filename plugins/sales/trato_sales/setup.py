"""The sales plugin's first pipeline, and the figures of its dashboard widgets."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from flask_babel import get_locale
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from trato import records
from trato.roles import defaults as roles
from trato import session as db_session

from . import reports
from .models import Deal, Lead, Pipeline, Stage

# name, probability, meaning, days before a deal is flagged
FIRST_PIPELINE = {
    "en": ("Sales", [("Prospecting", 10, "open", 14), ("Qualification", 25, "open", 14),
                     ("Proposal", 50, "open", 21), ("Negotiation", 75, "open", 21), ("Won", 100, "won", None),
                     ("Lost", 0, "lost", None)]),
    "es": ("Ventas", [("Prospección", 10, "open", 14), ("Cualificación", 25, "open", 14),
                      ("Propuesta", 50, "open", 21), ("Negociación", 75, "open", 21), ("Ganada", 100, "won", None),
                      ("Perdida", 0, "lost", None)]),
}


def _language() -> str:
    try:
        locale = get_locale()
    except RuntimeError:  # no request: the command line
        locale = None
    return "es" if locale is not None and locale.language == "es" else "en"


# Set-up every user reads and only administrators change.
SHARED = ("sales_pipeline", "sales_stage", "sales_score_rule", "sales_assignment_rule", "sales_goal")


def share_setup(session: Session) -> None:
    """Every role may read the pipelines, stages, rules and goals; changing them stays with administrators."""
    for entity in SHARED:
        roles.grant(session, entity, ("view",), "all")


def default_pipeline(session: Session) -> None:
    """A first pipeline with the usual stages, in the language of whoever enables the plugin, if none exists.

    Set-up rows inside the enabling transaction (plugin_enabled), so they
    go in with the plugin's tables or not at all.
    """
    if session.scalar(select(Pipeline.id).limit(1)) is not None:
        return
    name, stages = FIRST_PIPELINE[_language()]
    now = datetime.now(timezone.utc)
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    pipeline_id = session.execute(insert(Pipeline).returning(Pipeline.id),
                                  {"name": name, "position": 1, "active": True, **stamp}).scalar_one()
    session.execute(insert(Stage), [
        {"name": stage, "pipeline_id": pipeline_id, "position": position, "probability": Decimal(probability),
         "outcome": outcome, "max_days": days, **stamp}
        for position, (stage, probability, outcome, days) in enumerate(stages, start=1)])


def my_deals(user: Any) -> dict[str, Any]:
    """The user's open deals by stage, across pipelines."""
    deals = records.query(Deal.__tablename__, user=user).where({"owner_id": user.id}).statement().subquery()
    stage = Stage.__table__
    rows = db_session().execute(
        select(stage.c.name, func.count(), func.sum(deals.c.amount), deals.c.amount_currency)
        .join(stage, stage.c.id == deals.c.stage_id).where(stage.c.outcome == "open")
        .group_by(stage.c.position, stage.c.name, deals.c.amount_currency).order_by(stage.c.position)).all()
    return {"rows": rows}


def leads_by_source(user: Any) -> dict[str, Any]:
    leads = records.query(Lead.__tablename__, user=user).where({"status__ne": "converted"}).statement().subquery()
    rows = db_session().execute(select(leads.c.source, func.count()).group_by(leads.c.source)
                                .order_by(func.count().desc())).all()
    labels = {option.value: option.text for option in Lead.__table__.c.source.info["options"]}
    return {"rows": [(str(labels.get(source, source)), count) for source, count in rows]}


def won_this_month(user: Any, today: date) -> dict[str, Any]:
    """What the user won this month, against the goals that cover today."""
    first = today.replace(day=1)
    deals = records.query(Deal.__tablename__, user=user).where(
        {"owner_id": user.id, "close_date__gte": first.isoformat(), "close_date__lte": today.isoformat()}
    ).statement().subquery()
    stage = Stage.__table__
    won = db_session().execute(
        select(deals.c.amount_currency, func.sum(deals.c.amount)).join(stage, stage.c.id == deals.c.stage_id)
        .where(stage.c.outcome == "won").group_by(deals.c.amount_currency)).all()
    goals = [p for p in reports.goal_progress(user, {}) if p.goal["user_id"] == user.id
             and p.goal["period_start"] <= today <= p.goal["period_end"]]
    return {"won": won, "goals": goals}
