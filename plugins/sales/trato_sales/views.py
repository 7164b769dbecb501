"""The sales pages: the board per pipeline, the funnel, the forecast and goals (converting a lead: conversion_views).

Lists, detail pages and forms of leads, deals and the rest are the core's
generic pages; these are the views that only sales has. Reads go through
`records.query`/`reports` (scoped to the user), writes through the record
service.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from trato import (
    PermissionRefused, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed, access, directory, posted_version,
    records, stale_message,
)

from . import closing, lead_privacy, reports
from .models import Deal, Lead, Pipeline

bp = Blueprint("sales", __name__, url_prefix="/sales", template_folder="templates")

CARDS_PER_COLUMN = 50


def _user() -> Any:
    return current_user._get_current_object()


def pipelines() -> list[Any]:
    """The active pipelines the user may see, in their order."""
    return records.query(Pipeline.__tablename__, user=_user()).where({"active": "true"}) \
        .order_by("position,name").page(limit=100).items


def _pipeline(pipeline_id: int | None) -> Any:
    found = pipelines()
    if not found:
        abort(404)
    if pipeline_id is None:
        return found[0]
    chosen = next((p for p in found if p.id == pipeline_id), None)
    if chosen is None:
        abort(404)
    return chosen


@bp.get("/")
@login_required
def index() -> Any:
    return redirect(url_for("sales.board"))


@bp.get("/board")
@login_required
def board() -> str:
    pipeline = _pipeline(request.args.get("pipeline", type=int))
    user = _user()
    totals = reports.column_totals(pipeline.id, user)
    pages = [(stage, records.query(Deal.__tablename__, user=user).where({"stage_id": stage.id})
              .order_by("close_date,id").page(limit=CARDS_PER_COLUMN)) for stage in reports.stages(pipeline.id)]
    accounts = _account_names({d["account_id"] for _stage, page in pages for d in page.items}, user)
    columns = [(stage, [(deal, reports.stale(deal, stage)) for deal in reports.visible_deals(page.items, user)],
                totals.get(stage.id, reports.Totals()), page.next_cursor is not None) for stage, page in pages]
    # The cards the user may change (their role's edit scope, a share, not blocked): only those can be dragged.
    movable = access.permitted(user, Deal.__tablename__, "edit", [d for _s, page in pages for d in page.items])
    return render_template("sales/board.html", pipeline=pipeline, pipelines=pipelines(), columns=columns,
                           accounts=accounts, movable=movable)


def _account_names(ids: set[int | None], user: Any) -> dict[int, str]:
    """The names of the cards' accounts that the user may see, in one query for the whole board."""
    wanted = sorted(i for i in ids if i)
    names: dict[int, str] = {}
    for start in range(0, len(wanted), records.MAX_LIMIT):
        chunk = wanted[start:start + records.MAX_LIMIT]
        found = records.query("contacts_account", user=user).where({"id__in": chunk}).page(limit=len(chunk))
        names.update((r.id, r["name"]) for r in found.items)
    return names


@bp.post("/deals/move")
@login_required
def move_deal() -> Any:
    """A card dropped in another column: the deal moves to that stage, or the reason it cannot."""
    deal_id = request.form.get("id", type=int)
    stage_id = request.form.get("value", type=int)
    if deal_id is None or stage_id is None:
        return jsonify(message=_("Choose a deal and a stage.")), 400
    try:
        version = posted_version(Deal.__tablename__, deal_id)
        saved = records.update(Deal.__tablename__, deal_id, {"stage_id": stage_id}, user=_user(), version=version)
    except RecordNotFound:
        return jsonify(message=_("This deal no longer exists, or you may not see it.")), 404
    except StaleRecord as exc:
        return jsonify(message=stale_message(exc, _("Someone else changed this deal meanwhile; the board shows it as "
                                                    "it is now."))), 409
    except PermissionRefused as exc:
        return jsonify(message=str(exc)), 403
    except ValidationFailed as exc:  # a lost stage wants a reason: the board asks for it in a dialog
        dialog = url_for("sales_lost.lose", deal_id=deal_id, stage=stage_id, version=version) \
            if closing.REASON in exc.errors else None
        return jsonify(message=_first_message(exc), dialog=dialog), 422
    except SaveRefused as exc:
        return jsonify(message=_first_message(exc)), 422
    return jsonify(version=saved.version, message=_("%(deal)s moved.", deal=saved["name"]))


def _first_message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        messages = next(iter(errors.values()))
        return str(messages[0] if isinstance(messages, list) else messages)
    return str(exc)


@bp.get("/funnel")
@login_required
def funnel() -> str:
    pipeline = _pipeline(request.args.get("pipeline", type=int))
    steps = reports.funnel(pipeline.id, _user())
    widest = max((s.reached for s in steps), default=0)
    return render_template("sales/funnel.html", pipeline=pipeline, pipelines=pipelines(), steps=steps,
                           widest=widest)


@bp.get("/forecast")
@login_required
def forecast() -> str:
    by = request.args.get("by", "month")
    group = request.args.get("group", "owner")
    if by not in ("month", "quarter") or group not in ("owner", "team"):
        abort(400, _("Group the forecast by month or by quarter, and by owner or by team."))
    teams_of = None
    if group == "team":
        teams_of = {}
        for team_id, members in directory.team_members().items():
            for member in members:
                teams_of.setdefault(member, []).append(team_id)
    rows = reports.forecast(_user(), by, teams_of=teams_of)
    groups = set(r.group for r in rows)
    names = directory.team_names(groups) if group == "team" else directory.user_names(groups)
    return render_template("sales/forecast.html", rows=rows, by=by, group=group, names=names)


@bp.get("/goals")
@login_required
def goals() -> str:
    progress = reports.goal_progress(_user(), directory.team_members())
    return render_template("sales/goals.html", progress=progress,
                           owners=directory.user_names(p.goal["user_id"] for p in progress),
                           teams=directory.team_names(p.goal["team"] for p in progress))


@bp.post("/leads/<int:lead_id>/erase")
@login_required
def erase_lead(lead_id: int) -> Any:
    """Erase the person a lead holds (its panel's form, HTMX or plain): back to the lead's page with what happened."""
    try:
        lead_privacy.erase(lead_id, current_user, version=posted_version(Lead.__tablename__, lead_id))
    except RecordNotFound:
        abort(404)
    except PermissionRefused as exc:  # the role may not change it, or it is blocked
        abort(403, description=str(exc))
    except StaleRecord as exc:
        flash(stale_message(exc, _("Someone else changed this lead in the meantime; look at it again before erasing "
                                   "it.")), "error")
    except (ValidationFailed, SaveRefused) as exc:
        flash(_("The person's data could not be erased: %(reason)s", reason=exc), "error")
    else:
        flash(_("The person's data was erased; the lead remains, anonymised, for the sales figures."), "success")
    target = url_for("records.detail", entity=Lead.__tablename__, record_id=lead_id)
    if request.headers.get("HX-Request") == "true":
        return Response("", 204, {"HX-Redirect": target})
    return redirect(target)
