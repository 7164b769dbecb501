"""The outbox as admins see it: every message with its state, filtered, and what they may do about one (send a
failed or unknown one again, cancel a queued one, record that an unknown one did arrive)."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import String, cast, or_, select
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from .. import db
from ..i18n import _, _l
from ..mail import outbox
from ..mail.models import STATES, OutboxMessage
from ..security import safe_next
from .admin import admin_required, bp

PAGE = 50
STATE_LABELS = {"queued": _l("Queued"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed to send"),
                "cancelled": _l("Cancelled"), "unknown": _l("Outcome unknown")}


class OutboxFilterForm(FlaskForm):
    """The filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    state = SelectField(_l("State"), validators=[Optional()])
    q = StringField(_l("Recipient or subject"), validators=[Optional(), Length(max=200)])


def _form() -> OutboxFilterForm:
    form = OutboxFilterForm(request.args)
    form.state.choices = [SelectChoice("", _("All states"))] + [SelectChoice(s, STATE_LABELS[s]) for s in STATES]
    return form


@bp.get("/mail")
@admin_required
def mail_outbox() -> Any:
    form = _form()
    valid = form.validate()
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE + 1)
    if valid and form.state.data:
        query = query.where(OutboxMessage.state == form.state.data)
    if valid and form.q.data:
        like = f"%{form.q.data.strip()}%"
        query = query.where(or_(OutboxMessage.subject.ilike(like), cast(OutboxMessage.to_addrs, String).ilike(like)))
    before = request.args.get("before", type=int)
    if before:
        query = query.where(OutboxMessage.id < before)
    rows = list(db.session().scalars(query)) if valid else []
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    params = {k: v for k, v in (("state", form.state.data), ("q", form.q.data)) if v}
    return render_template("admin/mail/outbox.html", form=form, rows=rows, labels=STATE_LABELS,
                           counts=outbox.counts(db.session()), params=params,
                           older=rows[-1].id if more else None, first=not before), 200 if valid else 400


@bp.post("/mail/<int:message_id>/<action>")
@admin_required
def mail_action(message_id: int, action: str) -> Any:
    session = db.session()
    message = session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    act = {"retry": outbox.retry, "cancel": outbox.cancel, "mark-sent": outbox.mark_sent}.get(action)
    if act is None:
        abort(404)
    if not act(session, message):
        session.rollback()
        flash(_("This message's state does not allow that any more; the list shows where it is now."), "error")
    else:
        session.commit()
        if action == "retry":
            outbox.wake()
        flash({"retry": _("The message is queued to be sent again."), "cancel": _("The message will not be sent."),
               "mark-sent": _("The message is recorded as sent.")}[action], "success")
    return redirect(safe_next(request.form.get("back"), url_for("admin.mail_outbox")))
