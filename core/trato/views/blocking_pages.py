"""Blocking and unblocking a record from its page (LOPDGDD art. 32), for any entity.

A plugin whose records hold personal data offers the form in a panel of the
record's page (`trato.privacy.block_panel`, template records/_block.html);
the routes do the rest through `trato.privacy`. After blocking, a user who
may not see blocked records is sent to the list, where the record no longer
is.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from .. import access, privacy
from ..i18n import _
from ..records import SaveRefused
from .inputs import signed_in
from .pages import _entity, _record, bp


def _done(target: str, message: str) -> Response:
    flash(message, "success")
    if request.headers.get("HX-Request") == "true":
        return Response("", 204, {"HX-Redirect": target})
    return redirect(target)  # type: ignore[return-value]


@bp.post("/<entity>/<int:record_id>/block")
@login_required
def block(entity: str, record_id: int) -> Any:
    e = _entity(entity)
    user = signed_in()
    record = _record(e, record_id)
    reason = request.form.get("reason", "")
    try:
        privacy.block(e, record_id, reason, user=user)
    except SaveRefused as exc:
        if request.headers.get("HX-Request") != "true":
            flash(str(exc), "error")
            return redirect(url_for("records.detail", entity=e.name, record_id=record_id))
        context = privacy.panel_context(e.name, record, user, str(exc), reason)
        return render_template("records/_block.html", **context), 422
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    message = _("%(name)s is blocked: it is kept, and hidden from everyone not allowed to see blocked data.",
                name=e.title_of(record))
    if privacy.may_see_blocked(user):
        return _done(url_for("records.detail", entity=e.name, record_id=record_id), message)
    return _done(url_for("records.listing", entity=e.name), message)


@bp.post("/<entity>/<int:record_id>/unblock")
@login_required
def unblock(entity: str, record_id: int) -> Any:
    e = _entity(entity)
    record = _record(e, record_id)
    try:
        privacy.unblock(e, record_id, user=signed_in())
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    return _done(url_for("records.detail", entity=e.name, record_id=record_id),
                 _("%(name)s is unblocked and back in use.", name=e.title_of(record)))
