"""What the record service's lifecycle hooks do for sales records: deal stages, lead scores and assignment.

All of it runs inside the record service's transaction (before_save), so a
deal, lead or rule written through the UI, the API, an import or a web form
gets the same treatment, and a refusal leaves nothing written.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy import func, select

from trato import Change, RecordData, directory, records
from trato import session as db_session

from . import closing
from .models import AssignmentRule, Lead, LeadEvent, ScoreRule, Stage

# A lead whose score reaches this is marketing qualified; one whose status is "qualified", sales qualified.
MQL_SCORE = 50


def stage_row(stage_id: int | None) -> Any:
    """The stage with that id (not deleted), or None."""
    if stage_id is None:
        return None
    return db_session().execute(select(Stage.__table__).where(Stage.__table__.c.id == stage_id,
                                                              Stage.__table__.c.deleted_at.is_(None))).first()


def check_deal(values: dict[str, Any], previous: RecordData | None) -> str | dict[str, str] | None:
    """Refuse a stage of another pipeline or a negative amount; take probability and dates from the stage;
    date a win or loss and ask a lost deal for its reason (closing.py)."""
    stage = stage_row(values.get("stage_id"))
    if stage is None:
        return _("Choose a stage of the deal's pipeline.")
    if stage.pipeline_id != values.get("pipeline_id"):
        return {"stage_id": _("The stage %(stage)s belongs to another pipeline.", stage=stage.name)}
    amount = values.get("amount")
    if amount is not None and amount.amount < 0:
        return {"amount": _("The amount cannot be negative.")}
    moved = previous is None or previous["stage_id"] != stage.id
    if moved:
        values["stage_changed_at"] = datetime.now(timezone.utc)
        if previous is None or values.get("probability") == previous["probability"]:
            values["probability"] = stage.probability  # the stage's, unless the user set one with the move
    if stage.outcome != "lost":
        values["reached_position"] = max(stage.position, values.get("reached_position") or 0)
    return closing.settle(values, previous, stage)


def check_goal(values: Mapping[str, Any]) -> dict[str, str] | None:
    """A goal's period must not end before it starts (it would count nothing)."""
    if values["period_end"] < values["period_start"]:
        return {"period_end": _("The period must end on or after the day it starts.")}
    return None


def check_score_rule(values: Mapping[str, Any]) -> dict[str, str] | None:
    """A scoring rule looks at a lead field or counts an event; one with neither would never give points."""
    if not values.get("field_name") and not values.get("event"):
        return {"field_name": _("Give the lead field to look at, or the event to count.")}
    return None


def _holds(rule: Any, values: Mapping[str, Any]) -> bool:
    value = values.get(rule.field_name)
    text = "" if value is None else str(value).strip().lower()
    wanted = (rule.value or "").strip().lower()
    return {"eq": text == wanted, "ne": text != wanted, "contains": bool(wanted) and wanted in text,
            "isnull": text == "", "notnull": text != ""}.get(rule.operator or "eq", False)


def _score_rules() -> list[Any]:
    """The active scoring rules, read once per request or job (an import scores thousands of leads)."""
    if "_sales_score_rules" not in g:
        table = ScoreRule.__table__
        g._sales_score_rules = db_session().execute(
            select(table).where(table.c.active.is_(True), table.c.deleted_at.is_(None))).all()
    return g._sales_score_rules  # type: ignore[no-any-return]


def forget_score_rules() -> None:
    """A scoring rule changed: the next score reads them again."""
    g.pop("_sales_score_rules", None)


def score(values: Mapping[str, Any], lead_id: int | None) -> int:
    """The lead's points: field rules that hold, plus each event rule times the lead's events of its kind."""
    rules = _score_rules()
    events: Counter[str] = Counter()
    if lead_id is not None:
        ev = LeadEvent.__table__
        events.update(dict(db_session().execute(
            select(ev.c.kind, func.count()).where(ev.c.lead_id == lead_id, ev.c.deleted_at.is_(None))
            .group_by(ev.c.kind)).all()))
    total = 0
    for rule in rules:
        if rule.event:
            total += rule.points * events[rule.event]
        elif rule.field_name and _holds(rule, values):
            total += rule.points
    return total


def rate_lead(values: dict[str, Any], previous: RecordData | None) -> str | None:
    """Recompute the score and the lifecycle stage; refuse changing a converted lead back."""
    if previous is not None and previous["status"] == "converted" and values.get("status") != "converted":
        return _("This lead was converted; it cannot change status again.")
    values["score"] = score(values, previous.id if previous else None)
    if values.get("status") == "qualified" or values.get("status") == "converted":
        values["lifecycle"] = "sql"
    elif values["score"] >= MQL_SCORE and values.get("lifecycle") == "lead":
        values["lifecycle"] = "mql"
    return None


def assign(values: dict[str, Any], user: Any) -> None:
    """Give a new lead to the first matching assignment rule's person, or round-robin in its team.

    A lead whose creator chose someone else as owner keeps that owner.
    """
    creator = getattr(user, "id", None)
    if values.get("owner_id") not in (None, creator):
        return
    table = AssignmentRule.__table__
    rules = db_session().execute(select(table).where(table.c.active.is_(True), table.c.deleted_at.is_(None))
                                 .order_by(table.c.position, table.c.id)).all()
    for rule in rules:
        if rule.source and rule.source != values.get("source"):
            continue
        if rule.country and rule.country.upper() != (values.get("country") or "").upper():
            continue
        if rule.city and rule.city.strip().lower() != (values.get("city") or "").strip().lower():
            continue
        chosen = rule.assignee_id or _next_in_team(rule)
        if chosen:
            values["owner_id"] = chosen
            return


def _next_in_team(rule: Any) -> int | None:
    """The team member after the last one this rule assigned to (by id, wrapping round); remembered on the rule."""
    if not rule.team:
        return None
    members = directory.team_members().get(rule.team, [])
    if not members:
        return None
    chosen = next((m for m in members if rule.last_user_id is None or m > rule.last_user_id), members[0])
    records.update(AssignmentRule.__tablename__, rule.id, {"last_user_id": chosen}, user=None, version=rule.version)
    return chosen


def rescore_lead(lead_id: int) -> None:
    """Recompute one lead's score after an event (the save recomputes it in before_save)."""
    current = records.get(Lead.__tablename__, lead_id, user=None)
    new = score(current, lead_id)
    if new != current["score"]:
        records.update(Lead.__tablename__, lead_id, {}, user=None, version=current.version)


RESCORE_BATCH = 500
WAIT_SECONDS = 30


def _visible(rule_id: int, version: int) -> bool:
    table = ScoreRule.__table__
    seen = db_session().scalar(select(table.c.version).where(table.c.id == rule_id))
    return seen is not None and seen >= version


def rescore_leads(ctx: Any, rule_id: int, version: int) -> None:
    """Recompute every lead's score once scoring rule `rule_id` at `version` is committed (a background job).

    The job may start before the rule's own transaction commits; it waits
    for that version to be visible, then saves each lead whose score moved.
    """
    for _attempt in range(WAIT_SECONDS * 4):
        if _visible(rule_id, version):
            break
        db_session().rollback()  # a fresh snapshot for the next look
        time.sleep(0.25)
    forget_score_rules()
    table = Lead.__table__
    last, done = 0, 0
    while ids := db_session().scalars(select(table.c.id).where(table.c.id > last, table.c.deleted_at.is_(None))
                                      .order_by(table.c.id).limit(RESCORE_BATCH)).all():
        records.bulk_update(Lead.__tablename__, [Change(i, {}, None) for i in ids], user=None)
        last, done = ids[-1], done + len(ids)
        ctx.progress(done)
