"""The entities and fields admin: every entity with its fields, custom entities and custom fields.

Views hang on the admin blueprint (URLs under /admin/entities, endpoints
`admin.entities*`). Every change goes through `trato.schema`, which checks
it and refuses with a reason; a refusal is shown at the input it concerns,
with status 422. Deleting asks first, saying how much data is lost.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from .. import schema
from ..entities import Entity, EntityRegistry, UnknownEntity
from ..fields import Field, localize
from ..i18n import _
from ..schema import EntitySpec, SchemaError, TypePreview
from ..schema.type_changes import targets
from .admin import admin_required, bp
from .entity_forms import (
    ConfirmForm,
    EntityForm,
    FieldLabelsForm,
    NewFieldForm,
    SchemaForm,
    TitleForm,
    EMPTY,
    TypeForm,
    format_options,
    texts,
    type_label,
)


def _registry() -> EntityRegistry:
    return current_app.extensions["trato"].entities  # type: ignore[no-any-return]


def _entity_or_404(name: str) -> Entity:
    try:
        return _registry().get(name)
    except UnknownEntity:
        abort(404)


def _custom_field_or_404(entity: Entity, name: str) -> Field:
    field = entity.fields.get(name)
    if field is None or not field.custom:
        abort(404)
    return field


def _admin() -> Any:
    return current_user._get_current_object()


def _apply(form: SchemaForm, change: Callable[[], Any]) -> bool:
    """Run a schema change for a valid form; a refusal lands on the form. True when it was made."""
    if not form.validate_on_submit():
        return False
    try:
        change()
    except SchemaError as exc:
        form.refuse(exc)
        return False
    return True


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _new_field_form(formdata: Any = None) -> NewFieldForm:
    targets = [(e.name, e.text) for e in _registry().all()]
    return NewFieldForm(list(_registry().types), targets, formdata=formdata, prefix="field")


@bp.route("/entities", methods=["GET", "POST"])
@admin_required
def entities() -> Any:
    form = EntityForm(prefix="entity")
    form.parent.choices = [("", _("None: records of their own"))] + [
        (e.name, e.plural_text) for e in _registry().all() if not e.parent]
    made: list[Entity] = []

    def create() -> None:
        made.append(schema.create_entity(EntitySpec(
            (form.name.data or "").strip(), texts(form.label_en.data, form.label_es.data),
            texts(form.plural_en.data, form.plural_es.data), parent=form.parent.data or None), user=_admin()))

    if _apply(form, create):
        flash(_("%(label)s was created. Add its fields now.", label=made[0].text), "success")
        return redirect(url_for("admin.entity", name=made[0].name))
    return render_template("admin/entities/list.html", entities=_registry().all(), form=form,
                           type_label=type_label), _status()


def _entity_page(entity: Entity, form: NewFieldForm, title_form: TitleForm | None = None, lock: Any = None) -> Any:
    from .admin_locks import lock_form  # its view builds on this module's

    if title_form is None and entity.custom:
        title_form = TitleForm(entity, formdata=None, prefix="title")
    return render_template("admin/entities/entity.html", entity=entity, form=form, type_label=type_label,
                           localize=localize, title_form=title_form, lock_form=lock or lock_form(entity),
                           fields=[f for f in entity.fields.values() if not f.system]), _status()


@bp.get("/entities/<name>")
@admin_required
def entity(name: str) -> Any:
    return _entity_page(_entity_or_404(name), _new_field_form())


@bp.post("/entities/<name>/title")
@admin_required
def entity_title(name: str) -> Any:
    """Choose how a custom entity's records are named."""
    entity = _entity_or_404(name)
    if not entity.custom:
        abort(404)
    form = TitleForm(entity, prefix="title")
    changes = {"title_field": form.title_field.data or None, "title_pattern": form.title_pattern.data or None}
    if _apply(form, lambda: schema.change_entity(entity.name, changes, user=_admin())):
        flash(_("Records of %(entity)s are now named as you chose.", entity=entity.plural_text), "success")
        return redirect(url_for("admin.entity", name=entity.name))
    return _entity_page(entity, _new_field_form(), form)


@bp.post("/entities/<name>/fields")
@admin_required
def add_field(name: str) -> Any:
    entity = _entity_or_404(name)
    form = _new_field_form(request.form)
    made: list[Field] = []
    if _apply(form, lambda: made.append(schema.add_field(entity.name, form.spec(_registry()), user=_admin()))):
        # Its name: on a built-in entity the column is cf_<name>, which the API, exports and filters use.
        flash(_("The field %(label)s was added; its name is %(name)s.", label=made[0].text, name=made[0].name),
              "success")
        return redirect(url_for("admin.entity", name=entity.name))
    return _entity_page(entity, form)


def _labels_form(field: Field, formdata: Any) -> FieldLabelsForm:
    label = field.label if isinstance(field.label, dict) else {"en": str(field.label)}
    help_texts = field.help if isinstance(field.help, dict) else {}
    return FieldLabelsForm(formdata=formdata, prefix="labels", label_en=label.get("en"), label_es=label.get("es"),
                           help_en=help_texts.get("en"), help_es=help_texts.get("es"), position=field.position,
                           required=field.required)


def _type_form(field: Field, formdata: Any) -> TypeForm:
    form = TypeForm(formdata=formdata, prefix="type")
    form.type.choices = [(new, type_label(new)) for new in targets(field.type.name)]
    return form


def _field_page(entity: Entity, field: Field, labels_form: FieldLabelsForm, type_form: TypeForm,
                preview: TypePreview | None = None, status: int | None = None) -> Any:
    if preview is not None and preview.new_type == "select" and not (type_form.options.data or "").strip():
        type_form.options.data = format_options(preview.options)  # the proposal, for the admin to edit
    return render_template("admin/entities/field.html", entity=entity, field=field, form=labels_form,
                           type_form=type_form, type_label=type_label, preview=preview, empty=EMPTY,
                           allowed=", ".join(type_label(t) for t in targets(field.type.name))), status or _status()


@bp.route("/entities/<name>/fields/<field_name>", methods=["GET", "POST"])
@admin_required
def edit_field(name: str, field_name: str) -> Any:
    entity = _entity_or_404(name)
    field = _custom_field_or_404(entity, field_name)
    form = _labels_form(field, request.form if request.method == "POST" else None)
    if _apply(form, lambda: schema.change_field(entity.name, field.name, form.changes(), user=_admin())):
        flash(_("The field %(name)s was saved.", name=field.name), "success")
        return redirect(url_for("admin.entity", name=entity.name))
    return _field_page(entity, field, form, _type_form(field, None))


def _posted_type_change(name: str, field_name: str) -> tuple[Entity, Field, TypeForm]:
    entity = _entity_or_404(name)
    field = _custom_field_or_404(entity, field_name)
    return entity, field, _type_form(field, request.form)


def _dry_run(entity: Entity, field: Field, form: TypeForm) -> TypePreview:
    """What the change the form asks for would do; SchemaError if the schema service refuses it whatever the values."""
    return schema.preview_type_change(entity.name, field.name, form.change(request.form), user=_admin())


@bp.post("/entities/<name>/fields/<field_name>/type/preview")
@admin_required
def preview_type(name: str, field_name: str) -> Any:
    """The dry run: what the type change would do to the records, with nothing changed."""
    entity, field, form = _posted_type_change(name, field_name)
    made: list[TypePreview] = []
    _apply(form, lambda: made.append(_dry_run(entity, field, form)))
    return _field_page(entity, field, _labels_form(field, None), form, made[0] if made else None,
                       200 if made else 422)


@bp.post("/entities/<name>/fields/<field_name>/type")
@admin_required
def change_type(name: str, field_name: str) -> Any:
    entity, field, form = _posted_type_change(name, field_name)
    if _apply(form, lambda: schema.change_field_type(entity.name, field.name, form.change(request.form),
                                                     user=_admin())):
        flash(_("%(name)s is now of type %(type)s.", name=field.name, type=type_label(form.type.data or "")),
              "success")
        target = url_for("admin.edit_field", name=entity.name, field_name=field.name)
        if request.headers.get("HX-Request"):
            return "", 200, {"HX-Redirect": target}
        return redirect(target)
    try:  # the dry run shows the rows and values behind the refusal
        preview: TypePreview | None = _dry_run(entity, field, form)
    except SchemaError:
        preview = None  # refused whatever the values: the form says why
    return _field_page(entity, field, _labels_form(field, None), form, preview, 422)


def _lost(count: Callable[[], int]) -> int:
    """What a deletion would lose; 404 when another admin deleted the field or entity meanwhile."""
    try:
        return count()
    except (SchemaError, UnknownEntity):
        abort(404)


def _confirm_page(form: ConfirmForm, *, entity: Entity, field: Field | None, lost: int) -> Any:
    return render_template("admin/entities/confirm_delete.html", form=form, entity=entity, field=field,
                           lost=lost, expected=field.name if field else entity.name), _status()


def _confirmed(form: ConfirmForm, expected: str) -> bool:
    if not form.validate_on_submit():
        return False
    if (form.confirm.data or "").strip() != expected:
        form.confirm.errors = [*form.confirm.errors, _("Type %(name)s exactly to confirm.", name=expected)]
        return False
    return True


@bp.route("/entities/<name>/fields/<field_name>/delete", methods=["GET", "POST"])
@admin_required
def delete_field(name: str, field_name: str) -> Any:
    entity = _entity_or_404(name)
    field = _custom_field_or_404(entity, field_name)
    form = ConfirmForm(prefix="delete")
    lost: list[int] = []
    if _confirmed(form, field.name) and _apply(
            form, lambda: lost.append(schema.delete_field(entity.name, field.name, user=_admin()))):
        flash(_("The field %(name)s was deleted with %(count)d values.", name=field.name, count=lost[0]), "success")
        return redirect(url_for("admin.entity", name=entity.name))
    return _confirm_page(form, entity=entity, field=field,
                         lost=_lost(lambda: schema.count_values(entity.name, field.name)))


@bp.route("/entities/<name>/delete", methods=["GET", "POST"])
@admin_required
def delete_entity(name: str) -> Any:
    entity = _entity_or_404(name)
    if not entity.custom:
        abort(404)
    form = ConfirmForm(prefix="delete")
    lost: list[int] = []
    if _confirmed(form, entity.name) and _apply(
            form, lambda: lost.append(schema.delete_entity(entity.name, user=_admin()))):
        flash(_("%(label)s was deleted with %(count)d records.", label=entity.text, count=lost[0]), "success")
        return redirect(url_for("admin.entities"))
    return _confirm_page(form, entity=entity, field=None, lost=_lost(lambda: schema.count_records(entity.name)))
