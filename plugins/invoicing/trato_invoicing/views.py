"""The documents' pages beyond the generic ones: the header buttons' actions (issue an invoice, create a
credit note, an order or an invoice) and the credit note's form."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trato import PermissionRefused, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed, records

from . import actions
from .models import RECTIFICATION_METHODS, RECTIFICATION_REASONS

bp = Blueprint("invoicing", __name__, url_prefix="/invoicing")
ENTITIES = (actions.QUOTE, actions.ORDER, actions.INVOICE)


def _record_or_404(entity: str, record_id: int) -> Any:
    if entity not in ENTITIES:
        abort(404)
    try:
        return records.get(entity, record_id, user=current_user)
    except RecordNotFound:
        abort(404)


def _detail(entity: str, record_id: int) -> Any:
    return redirect(url_for("records.detail", entity=entity, record_id=record_id))


@bp.route("/<entity>/<int:record_id>/<name>", methods=["POST"])
@login_required
def act(entity: str, record_id: int, name: str) -> Any:
    """A header button's action; the document made is shown, or the record again with why not."""
    record = _record_or_404(entity, record_id)
    if name not in actions.available(entity, record, current_user):
        flash(_("This can no longer be done to this record."), "error")
        return _detail(entity, record_id)
    try:
        made = actions.run(entity, name, record_id, request.form.to_dict(), current_user)
    except ValidationFailed as exc:
        for text in actions.messages(entity, exc.errors):
            flash(text, "error")
        if name == "rectify":
            return _rectify_form(record, request.form, exc.errors)
        return _detail(entity, record_id)
    except (SaveRefused, PermissionRefused, StaleRecord) as exc:
        flash(str(exc), "error")
        return _detail(entity, record_id)
    done = {"issue": _("Invoice %(number)s issued.", number=made["number"]),
            "rectify": _("Credit note drafted: check its lines, then issue it."),
            "order": _("Sales order %(number)s created.", number=made["number"]),
            "invoice": _("Draft invoice created: check it, then issue it.")}
    flash(done[name], "success")
    return _detail(made.entity, made.id)


@bp.route("/invoicing_invoice/<int:record_id>/rectify", methods=["GET"])
@login_required
def rectify_form(record_id: int) -> Any:
    record = _record_or_404(actions.INVOICE, record_id)
    if "rectify" not in actions.available(actions.INVOICE, record, current_user):
        abort(404)
    return _rectify_form(record, {"method": "differences",
                                  "reason": "R5" if record["kind"] == "simplified" else "R1"}, {})


def _rectify_form(record: Any, form: Any, errors: Any) -> Any:
    return render_template("invoicing/rectify.html", record=record, form=form, errors=errors,
                           reasons=RECTIFICATION_REASONS, methods=RECTIFICATION_METHODS,
                           title=records.entity(actions.INVOICE).title_of(record)), 422 if errors else 200
