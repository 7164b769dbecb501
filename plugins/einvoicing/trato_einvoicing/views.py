"""The page side: the header buttons' downloads. What stops a file (a draft, a field EN 16931 needs) is said
on the invoice's page, one message per missing field, and no file is sent."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trato import PermissionRefused, RecordNotFound

from .export import KINDS, Incomplete, export
from .source import INVOICE, NotIssued

bp = Blueprint("einvoicing", __name__, url_prefix="/einvoicing")


def attachment(data: bytes, filename: str, media_type: str) -> Response:
    return Response(data, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/invoice/<int:record_id>/<kind>")
@login_required
def download(record_id: int, kind: str) -> Any:
    if kind not in KINDS:
        abort(404)
    try:
        done = export(record_id, kind, user=current_user)
    except (RecordNotFound, PermissionRefused):  # who may not read the invoice does not learn it exists
        abort(404)
    except NotIssued:
        flash(_("Only an issued invoice can be sent as an e-invoice: issue it first."), "error")
    except Incomplete as exc:
        flash(_("The e-invoice cannot be made until this is completed:"), "error")
        for message in exc.messages():
            flash(message, "error")
    else:
        return attachment(done.data, done.filename, done.media_type)
    return redirect(url_for("records.detail", entity=INVOICE, record_id=record_id))
