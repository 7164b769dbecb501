"""Every record's "Email" button and its compose page: addresses offered from the record and its related records,
a template filled in with HTMX, the record's files (its kept PDFs first) or new ones attached.

The button is the core's `page_slot` implementation for `record_header`,
shown on the pages of entities whose records have someone to write to
(an email field, or a relation to or from an entity with one).
"""
from __future__ import annotations

import sys
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from wtforms import MultipleFileField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from .. import access, db, records
from ..activity.errors import ActivityError
from ..activity.models import Attachment
from ..documents import TemplateRefused
from ..entities import Entity, UnknownEntity
from ..hooks import hookimpl
from ..i18n import _, _l
from ..records import RecordNotFound
from ..records.common import entity_of
from ..ui import Fragment
from ..views.inputs import signed_in
from . import identity, templates
from .compose import ComposeError, Draft, Upload, send_from_record
from .models import OutLink
from .recipients import candidates, mailable

NAME = "core.mail"
bp = Blueprint("mail", __name__, url_prefix="/r")


class ComposeForm(FlaskForm):
    to = StringField(_l("Send to"), validators=[Length(max=4000)])
    cc = StringField(_l("Cc"), validators=[Length(max=4000)])
    bcc = StringField(_l("Bcc"), validators=[Length(max=4000)])
    template = SelectField(_l("Template"), validate_choice=False)
    subject = StringField(_l("Subject"), validators=[Length(max=500)])
    body = TextAreaField(_l("Message"), render_kw={"rows": 12})
    attachments = SelectMultipleField(_l("The record's files"), coerce=int, validate_choice=False,
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    files = MultipleFileField(_l("Attach new files"))


def _target(entity: str, record_id: int) -> tuple[Entity, Any]:
    user = signed_in()
    try:
        e = entity_of(entity)
        return e, records.get(e, record_id, user=user)
    except (UnknownEntity, RecordNotFound):
        abort(404)
    except access.PermissionRefused as exc:
        abort(403, str(exc))


def _files(e: Entity, record_id: int) -> list[tuple[int, str]]:
    """The record's files, kept ones (issued PDFs) first."""
    rows = db.session().scalars(select(Attachment).where(Attachment.entity == e.name, Attachment.record_id == record_id)
                                .order_by(Attachment.kept.desc(), Attachment.id.desc()).limit(100))
    return [(a.id, f"{a.file_name} ({_('kept PDF') if a.kept else a.content_type})") for a in rows]


def _form(e: Entity, record: Any, user: Any, fresh: bool) -> ComposeForm:
    form = ComposeForm(formdata=None) if fresh else ComposeForm()
    language = templates.language_of(user)
    form.template.choices = [SelectChoice(0, _("No template"))] + [SelectChoice(t.id, t.name)
                                                                   for t in templates.of(e.name, language)]
    form.attachments.choices = [SelectChoice(i, label) for i, label in _files(e, record.id)]
    if fresh:
        offered = candidates(e, record, user)
        form.to.data = offered[0].label if offered else ""
        signature = identity.profile(db.session(), user).signature
        form.body.data = f"\n\n-- \n{signature}" if signature else ""
    return form


def _page(e: Entity, record: Any, form: ComposeForm, status: int = 200) -> Any:
    user = signed_in()
    fragment = request.headers.get("HX-Request") and request.method == "POST"
    return render_template("mail/_compose_form.html" if fragment else "mail/compose.html", entity=e, record=record,
                           form=form, offered=candidates(e, record, user)), status


@bp.route("/<entity>/<int:record_id>/email", methods=["GET", "POST"])
@login_required
def compose(entity: str, record_id: int) -> Any:
    e, record = _target(entity, record_id)
    user = signed_in()
    form = _form(e, record, user, fresh=request.method == "GET")
    if request.method == "GET" or not form.validate_on_submit():
        return _page(e, record, form, 200 if request.method == "GET" else 422)
    uploads = [Upload(f.filename, f.stream) for f in (form.files.data or []) if getattr(f, "filename", "")]
    draft = Draft(to=form.to.data or "", cc=form.cc.data or "", bcc=form.bcc.data or "", subject=form.subject.data
                  or "", body=form.body.data or "", attachment_ids=form.attachments.data or [], uploads=uploads)
    try:
        send_from_record(e, record.id, user, draft)
    except (ComposeError, ActivityError) as exc:
        db.session().rollback()
        name = exc.field if exc.field in form._fields else ("files" if exc.field == "file" else "body")
        form[name].errors = [*form[name].errors, str(exc)]
        return _page(e, record, form, 422)
    flash(_("Your message is queued to be sent; it is on the record's timeline."), "success")
    target = url_for("records.detail", entity=e.name, record_id=record.id)
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Redirect": target}
    return redirect(target)


@bp.get("/<entity>/<int:record_id>/email/template")
@login_required
def fill_template(entity: str, record_id: int) -> Any:
    """The subject and message fields filled from the chosen template (swapped in by HTMX)."""
    e, record = _target(entity, record_id)
    user = signed_in()
    form = _form(e, record, user, fresh=True)
    chosen = templates.find(request.args.get("template", type=int) or 0, e.name)
    error = None
    if chosen is not None:
        try:
            form.subject.data, text = templates.render(chosen, e, record.id, user)
            form.body.data = text + (form.body.data or "")
        except TemplateRefused as exc:
            error = str(exc)
    return render_template("mail/_content.html", form=form, template_error=error), 422 if error else 200


@hookimpl
def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    if slot != "record_header" or entity is None or record is None:
        return []
    try:
        e = entity_of(entity)
    except UnknownEntity:
        return []
    if not mailable(e, user):
        return []
    href = url_for("mail.compose", entity=entity, record_id=record["id"])
    return [Fragment(_("Email"), "slots/button.html", {"href": href, "label": _("Email"), "icon": "mail"},
                     priority=70)]


@hookimpl
def records_purged(entity: str, ids: list[int], session: Session) -> None:
    """A record purged for good drops off the timelines of mail: the messages stay in the outbox's history."""
    session.execute(delete(OutLink).where(OutLink.entity == entity, OutLink.record_id.in_(ids)))


def register(app: Flask) -> None:
    """Mount the routes, and this module's hook implementations beside the plugins'."""
    app.register_blueprint(bp)
    app.extensions["trato"].plugins.pm.register(sys.modules[__name__], name=NAME)
