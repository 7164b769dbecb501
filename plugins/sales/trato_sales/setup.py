"""The sales plugin's first pipeline, and the figures of its dashboard widgets."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from flask import has_app_context
from flask_babel import get_locale
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from trato import fields, records, roles
from trato import session as db_session

from . import reports
from .models import Lead, Pipeline, Stage

# name, probability, meaning, days before a deal is flagged
FIRST_PIPELINE = {
    "en": ("Sales", [("Prospecting", 10, "open", 14), ("Qualification", 25, "open", 14),
                     ("Proposal", 50, "open", 21), ("Negotiation", 75, "open", 21), ("Won", 100, "won", None),
                     ("Lost", 0, "lost", None)]),
    "es": ("Ventas", [("Prospección", 10, "open", 14), ("Cualificación", 25, "open", 14),
                      ("Propuesta", 50, "open", 21), ("Negociación", 75, "open", 21), ("Ganada", 100, "won", None),
                      ("Perdida", 0, "lost", None)]),
}


def install_language() -> str:
    """The language set-up rows are made in: the signed-in person's (or the one a command forces), else the
    install's (`default_locale`), so that `trato init` on a Spanish install makes "Ventas" and its stages."""
    locale = get_locale() if has_app_context() else None
    language = locale.language if locale is not None else fields.install_language()
    return "es" if language == "es" else "en"


# Set-up every user reads and only administrators change.
SHARED = ("sales_pipeline", "sales_stage", "sales_lost_reason", "sales_score_rule", "sales_assignment_rule",
          "sales_goal")


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
    name, stages = FIRST_PIPELINE[install_language()]
    now = datetime.now(timezone.utc)
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    pipeline_id = session.execute(insert(Pipeline).returning(Pipeline.id),
                                  {"name": name, "position": 1, "active": True, **stamp}).scalar_one()
    session.execute(insert(Stage), [
        {"name": stage, "pipeline_id": pipeline_id, "position": position, "probability": Decimal(probability),
         "outcome": outcome, "max_days": days, **stamp}
        for position, (stage, probability, outcome, days) in enumerate(stages, start=1)])


def my_deals(user: Any, today: date) -> dict[str, Any]:
    """The user's open deals by stage, across pipelines: a row per stage with its amount in the base currency
    (other currencies converted at today's rates, which `converted_on` then names), or, when a rate is missing,
    a row per stage and currency."""
    rows = reports.open_by_stage(user)
    by_stage: dict[str, list[tuple[int, Decimal | None, str | None]]] = {}
    for stage, count, amount, currency in rows:
        by_stage.setdefault(stage, []).append((count, amount, currency))
    merged, converted = [], False
    for stage, parts in by_stage.items():
        amounts = [(currency, amount) for _count, amount, currency in parts if amount is not None]
        total = reports.in_base(amounts, today) if amounts else None
        if amounts and total is None:
            return {"rows": rows, "converted_on": None}
        converted = converted or bool(total and total.converted)
        merged.append((stage, sum(count for count, _amount, _currency in parts),
                       total.amount if total else None, total.currency if total else None))
    return {"rows": merged, "converted_on": today if converted else None}


def leads_by_source(user: Any) -> dict[str, Any]:
    leads = records.query(Lead.__tablename__, user=user).where({"status__ne": "converted"}).statement().subquery()
    rows = db_session().execute(select(leads.c.source, func.count()).group_by(leads.c.source)
                                .order_by(func.count().desc())).all()
    labels = {option.value: option.text for option in Lead.__table__.c.source.info["options"]}
    return {"rows": [(str(labels.get(source, source)), count) for source, count in rows]}


def won_this_month(user: Any, today: date) -> dict[str, Any]:
    """What the user won this month (by the day each deal was won), against the goals that cover today."""
    goals = [p for p in reports.goal_progress(user, {}) if p.goal["user_id"] == user.id
             and p.goal["period_start"] <= today <= p.goal["period_end"]]
    won = reports.won_between(user, today.replace(day=1), today)
    return {"won": won, "won_total": reports.in_base(won, today) if won else None, "goals": goals,
            "base_currency": fields.company_currency()}
