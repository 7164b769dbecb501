"""Losing a deal from the board (the reason dialog) and the lost-reason report.

A card dropped on a lost stage is refused by the record service until it
has a reason (closing.py); the board then opens this dialog. Saving it moves
the deal through the record service with the reason; cancelling leaves the
deal where it was. The report reads through `lost_reasons.lost_by_reason`,
scoped to the user.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trato import (
    PermissionRefused, QueryError, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed, access, posted_version,
    records, stale_message,
)

from . import closing, lost_reasons
from .models import Deal, LostReason
from .rules import stage_row

bp = Blueprint("sales_lost", __name__, url_prefix="/sales", template_folder="templates")


def _user() -> Any:
    return current_user._get_current_object()


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _dialog(deal: Any, stage: Any, version: int | None, errors: dict[str, list[str]] | None = None,
            message: str | None = None, status: int = 200) -> tuple[str, int]:
    """The form asking why the deal was lost: the dialog's content for htmx, a page of its own without."""
    template = "sales/_lose.html" if _htmx() else "sales/lose.html"
    return render_template(template, deal=deal, stage=stage, version=version, reasons=lost_reasons.offered(_user()),
                           chosen=request.form.get(closing.REASON, type=int),
                           details=request.form.get("lost_reason", ""), errors=errors or {}, message=message), status


def _errors(exc: ValidationFailed) -> dict[str, list[str]]:
    return {str(name): [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for name, messages in exc.errors.items()}


@bp.route("/deals/<int:deal_id>/lose", methods=["GET", "POST"])
@login_required
def lose(deal_id: int) -> Any:
    """GET: ask why the deal was lost; POST: move it to the lost stage with that reason."""
    user = _user()
    try:
        deal = records.get(Deal.__tablename__, deal_id, user=user)
    except RecordNotFound:
        abort(404)
    stage = stage_row(request.values.get("stage", type=int))
    if stage is None or stage.outcome != "lost" or stage.pipeline_id != deal["pipeline_id"]:
        abort(400, _("Choose a lost stage of the deal's pipeline."))
    version = request.values.get("version", type=int)
    if request.method == "GET":
        return _dialog(deal, stage, version or deal.version)  # the card's version when the board sends it
    values = {"stage_id": stage.id, closing.REASON: request.form.get(closing.REASON, type=int),
              "lost_reason": request.form.get("lost_reason", "").strip() or None}
    try:
        saved = records.update(Deal.__tablename__, deal_id, values, user=user,
                               version=posted_version(Deal.__tablename__, deal_id))
    except ValidationFailed as exc:
        return _dialog(deal, stage, version, _errors(exc), _("Please correct the marked fields."), 422)
    except StaleRecord as exc:
        return _dialog(deal, stage, version, message=stale_message(exc, _(
            "Someone else changed this deal meanwhile; close this window to see the board as it is now.")), status=409)
    except SaveRefused as exc:
        return _dialog(deal, stage, version, message=str(exc), status=422)
    except PermissionRefused as exc:
        abort(403, str(exc))
    flash(_("%(deal)s was marked lost.", deal=saved["name"]), "success")
    if _htmx():
        return Response("", 204, {"HX-Refresh": "true"})
    return redirect(url_for("sales.board", pipeline=deal["pipeline_id"]))


def _period() -> tuple[date, date]:
    """The report's period from the query string: this year so far unless asked otherwise."""
    today = closing.today()
    try:
        start = date.fromisoformat(request.args.get("start") or today.replace(month=1, day=1).isoformat())
        end = date.fromisoformat(request.args.get("end") or today.isoformat())
    except ValueError:
        abort(400, _("Enter the dates as YYYY-MM-DD."))
    if start > end:
        abort(400, _("The period must start before it ends."))
    return start, end


@bp.get("/lost")
@login_required
def report() -> str:
    start, end = _period()
    try:
        found = lost_reasons.lost_by_reason(_user(), start, end)
    except PermissionRefused as exc:
        abort(403, str(exc))
    except QueryError as exc:
        abort(400, str(exc))
    return render_template("sales/lost_report.html", report=found, start=start, end=end,
                           can_manage=access.allowed(_user(), LostReason.__tablename__, "create"))
