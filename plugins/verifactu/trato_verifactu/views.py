"""VeriFactu's pages: the chain check (Administration; a full page, and its result as an HTMX fragment) and
the cancellation of an invoice's record (a header button's POST)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trato import RecordNotFound, ValidationFailed, access, records

from . import cancelling, check

bp = Blueprint("verifactu", __name__, url_prefix="/verifactu", template_folder="templates")
CHECK, CANCEL = "verifactu_check", cancelling.PERMISSION


def _require(permission: str) -> None:
    """A 403 for whom the role does not grant `permission` (administrators hold it)."""
    if not access.granted(current_user, permission):
        abort(403)


@bp.route("/", methods=["GET"])
@login_required
def chains() -> Any:
    """The chains, and the check's result once asked for (POST, or ?check=1)."""
    _require(CHECK)
    reports = check.check_all() if request.args.get("check") else None
    return render_template("verifactu/chains.html", heads=check.heads(), reports=reports)


@bp.route("/check", methods=["POST"])
@login_required
def run_check() -> Any:
    _require(CHECK)
    reports = check.check_all()
    if request.headers.get("HX-Request"):
        return render_template("verifactu/_report.html", reports=reports)
    return render_template("verifactu/chains.html", heads=check.heads(), reports=reports)


@bp.route("/invoices/<int:invoice_id>/cancel", methods=["POST"])
@login_required
def cancel(invoice_id: int) -> Any:
    """Record the cancellation of the invoice's billing record; the invoice's page says how it went."""
    _require(CANCEL)
    try:
        records.get(cancelling.INVOICE, invoice_id, user=current_user)
    except RecordNotFound:
        abort(404)
    try:
        made = cancelling.cancel(invoice_id, user=current_user)
    except ValidationFailed as exc:
        for texts in exc.errors.values():
            for text in texts:
                flash(str(text), "error")
    else:
        flash(_("The cancellation of invoice %(number)s is recorded (VeriFactu record %(id)s).",
                number=made.number, id=made.id), "success")
    return redirect(url_for("records.detail", entity=cancelling.INVOICE, record_id=invoice_id))
