"""Administration → Mail → Templates: per entity and language, a subject and a text with the documents' merge
fields, checked when saved (a missing merge field names its line, at the field it is in) and previewed on sample
merge fields before saving."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from .. import db, records
from ..documents import TemplateRefused, editor
from ..entities import Entity, UnknownEntity
from ..i18n import LANGUAGES, _, _l
from ..mail import templates
from ..mail.models import MailTemplate
from ..records.common import entity_of
from .admin import admin_required, bp


class MailTemplateForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=500)])
    body = TextAreaField(_l("Message"), validators=[DataRequired()], render_kw={"rows": 16})


def _admin() -> Any:
    return current_user._get_current_object()


def _entity(name: str, language: str) -> Entity:
    if language not in LANGUAGES:
        abort(404)
    try:
        return entity_of(name)
    except UnknownEntity:
        abort(404)


@bp.get("/mail/templates")
@admin_required
def mail_templates() -> Any:
    entities = [(e.name, e.plural_text) for e in sorted(records.entities(), key=lambda e: e.plural_text.lower())]
    rows = list(db.session().scalars(select(MailTemplate).order_by(MailTemplate.entity, MailTemplate.language,
                                                                   MailTemplate.name)))
    names = {e.name: e.plural_text for e in records.entities()}
    return render_template("admin/mail/templates.html", rows=rows, names=names, entities=entities,
                           languages=LANGUAGES)


def _page(entity: Entity, language: str, form: MailTemplateForm, template: MailTemplate | None, status: int = 200,
          preview: tuple[str, str] | None = None) -> Any:
    return render_template("admin/mail/template_edit.html", entity=entity, language=language, form=form,
                           template=template, preview=preview, language_name=LANGUAGES[language],
                           merge_fields=editor.merge_fields(entity, _admin(), language)), status


def _refused(form: MailTemplateForm, exc: TemplateRefused) -> None:
    target = form.subject if getattr(exc, "part", "body") == "subject" else form.body
    target.errors = [*target.errors, str(exc)]


def _edit(entity: Entity, language: str, template: MailTemplate | None) -> Any:
    if request.method == "GET":
        data = {"name": template.name, "subject": template.subject, "body": template.body} if template else {}
        return _page(entity, language, MailTemplateForm(formdata=None, data=data), template)
    form = MailTemplateForm()
    if not form.validate_on_submit():
        return _page(entity, language, form, template, 422)
    subject, body = form.subject.data or "", form.body.data or ""
    if request.form.get("action") == "preview":
        try:
            shown = templates.preview(entity, subject, body, _admin(), language)
        except TemplateRefused as exc:
            _refused(form, exc)
            return _page(entity, language, form, template, 422)
        return _page(entity, language, form, template, preview=shown)
    session = db.session()
    try:
        saved = templates.save(template, entity, language, form.name.data or "", subject, body, _admin())
        session.commit()
    except TemplateRefused as exc:
        session.rollback()
        _refused(form, exc)
        return _page(entity, language, form, template, 422)
    except IntegrityError:
        session.rollback()
        form.name.errors = [_("Another template of this entity and language has this name.")]
        return _page(entity, language, form, template, 422)
    flash(_("The mail template %(name)s was saved.", name=saved.name), "success")
    return redirect(url_for("admin.mail_template", template_id=saved.id))


@bp.route("/mail/templates/new/<entity>/<language>", methods=["GET", "POST"])
@admin_required
def new_mail_template(entity: str, language: str) -> Any:
    return _edit(_entity(entity, language), language, None)


@bp.route("/mail/templates/<int:template_id>", methods=["GET", "POST"])
@admin_required
def mail_template(template_id: int) -> Any:
    template = db.session().get(MailTemplate, template_id)
    if template is None:
        abort(404)
    return _edit(_entity(template.entity, template.language), template.language, template)


@bp.post("/mail/templates/<int:template_id>/delete")
@admin_required
def delete_mail_template(template_id: int) -> Any:
    session = db.session()
    template = session.get(MailTemplate, template_id)
    if template is None:
        abort(404)
    session.delete(template)
    session.commit()
    flash(_("The mail template %(name)s was deleted.", name=template.name), "success")
    return redirect(url_for("admin.mail_templates"))
