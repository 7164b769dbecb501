"""Administration → Document templates: per entity and language, edit the template, check it, preview it, reset it.

Views hang on the admin blueprint (URLs under /admin/documents, endpoints
`admin.document*`). A template is checked on save (syntax with its line,
unknown merge fields, reaches for Python's internals: trato.documents.
sandbox) and a refused one is shown at the textarea with status 422;
"Preview" renders the text in the box, saved or not, on a chosen record.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired

from .. import records
from ..documents import editor
from ..documents.errors import DocumentError, PdfUnavailable
from ..documents.templates import admin_template
from ..documents.views import pdf_response
from ..entities import Entity, UnknownEntity
from ..i18n import LANGUAGES, _, _l
from ..records.common import entity_of
from .admin import admin_required, bp

PREVIEW_CHOICES = 50  # the records offered for a preview: the latest ones


class TemplateForm(FlaskForm):
    body = TextAreaField(_l("Template"), validators=[DataRequired()])
    record = SelectField(_l("Record to preview"), validate_choice=False)


def _admin() -> Any:
    return current_user._get_current_object()


def _target(entity: str, language: str) -> Entity:
    if language not in LANGUAGES:
        abort(404)
    try:
        return entity_of(entity)
    except UnknownEntity:
        abort(404)


def origin_text(origin: str) -> str:
    """Where a template comes from, for people: an admin's edit, the theme's or a plugin's file, the generic one."""
    kind, _sep, name = origin.partition(":")
    if kind == "admin":
        return _("Edited here")
    if kind == "theme":
        return _("Theme file %(name)s", name=name)
    if kind == "plugin":
        return _("Plugin file %(name)s", name=name)
    return _("Generic document")


def _record_choices(entity: Entity) -> list[tuple[str, str]]:
    page = records.query(entity, user=_admin()).order_by("-id").page(limit=PREVIEW_CHOICES)
    return [(str(r.id), entity.title_of(r)) for r in page.items]


@bp.get("/documents")
@admin_required
def documents() -> Any:
    """Every entity, with where its template comes from in each language."""
    rows = []
    for entity in sorted(records.entities(), key=lambda e: e.plural_text.lower()):
        rows.append((entity, {lang: origin_text(editor.source(entity, lang)[1]) for lang in LANGUAGES}))
    return render_template("admin/documents/list.html", rows=rows, languages=LANGUAGES)


def _page(entity: Entity, language: str, form: TemplateForm, status: int = 200, error: DocumentError | None = None
          ) -> Any:
    _body, origin = editor.source(entity, language)
    form.record.choices = _record_choices(entity)
    return render_template("admin/documents/edit.html", entity=entity, language=language, form=form,
                           origin=origin_text(origin), edited=admin_template(entity.name, language) is not None,
                           error=error, merge_fields=editor.merge_fields(entity, _admin(), language),
                           language_name=LANGUAGES[language]), status


@bp.route("/documents/<entity>/<language>", methods=["GET", "POST"])
@admin_required
def document_template(entity: str, language: str) -> Any:
    """The editor; a POST saves the template once it passes the checks."""
    e = _target(entity, language)
    if request.method == "GET":
        return _page(e, language, TemplateForm(formdata=None, body=editor.source(e, language)[0]))
    form = TemplateForm()
    if not form.validate_on_submit():
        return _page(e, language, form, 422)
    try:
        editor.save(e, language, form.body.data or "", _admin())
    except DocumentError as exc:
        form.body.errors = [str(exc)]
        return _page(e, language, form, 422, exc)
    flash(_("The template of %(entity)s (%(language)s) was saved.", language=LANGUAGES[language],
            entity=e.plural_text), "success")
    return redirect(url_for("admin.document_template", entity=e.name, language=language))


@bp.post("/documents/<entity>/<language>/preview")
@admin_required
def document_preview(entity: str, language: str) -> Any:
    """The template in the box (saved or not) rendered on the chosen record, as a PDF."""
    e = _target(entity, language)
    form = TemplateForm()
    record_id = str(form.record.data or "")
    if not form.validate_on_submit() or not record_id.isdigit():
        if not record_id.isdigit():
            form.record.errors = [_("Choose a record to preview the template on.")]
        return _page(e, language, form, 422)
    try:
        data = editor.preview(e, int(record_id), form.body.data or "", _admin(), language)
    except records.RecordNotFound:
        form.record.errors = [_("That record no longer exists.")]
        return _page(e, language, form, 422)
    except PdfUnavailable as exc:
        return _page(e, language, form, 503, exc)
    except DocumentError as exc:
        form.body.errors = [str(exc)]
        return _page(e, language, form, 422, exc)
    return pdf_response(data, f"{e.name}-{record_id}-preview.pdf")


@bp.post("/documents/<entity>/<language>/reset")
@admin_required
def document_reset(entity: str, language: str) -> Any:
    """Back to the default (the theme's, the plugin's or the generic template)."""
    e = _target(entity, language)
    if editor.reset(e, language):
        flash(_("The template of %(entity)s (%(language)s) is the default one again.",
                language=LANGUAGES[language], entity=e.plural_text), "success")
    return redirect(url_for("admin.document_template", entity=e.name, language=language))
