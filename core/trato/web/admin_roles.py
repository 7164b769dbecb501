"""The roles admin: the roles as a tree, each role's matrix of permissions, and its field rules per entity.

Views hang on the admin blueprint (URLs under /admin/roles, endpoints
`admin.role*`). The matrix has one row per registered entity, built-in and
custom, read from the registry on every request (so an entity made a minute
ago is there), plus the `*` row every other entity follows. Every change
goes through `trato.roles.admin`, which checks it and logs it; a refusal is
shown at the input it concerns, with status 422, and nothing is saved.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, Field, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from .. import db
from ..entities import Entity, UnknownEntity
from ..i18n import _, _l
from ..models import User
from ..roles import admin as roles
from ..roles.membership import default_role
from ..roles.models import ANY_ENTITY, ROLE_ACTIONS, Role, Team
from .admin import admin_required, bp
from .forms import AccessForm

DEFAULT_SLOT = "default"  # the `*` row's inputs: `*` is no good in an input's name or id


class RoleForm(FlaskForm):
    label_en = StringField(_l("Label in English"), validators=[DataRequired(), Length(max=100)])
    label_es = StringField(_l("Label in Spanish"), validators=[Optional(), Length(max=100)])
    parent = SelectField(_l("Reports to"), validate_choice=False)


class NewRoleForm(RoleForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)],
                       description=_l("Lower-case letters, digits and underscores, such as support_agent."))


class PostForm(FlaskForm):
    """A button that changes something (the `post_button` macro): only the CSRF token."""


def _admin() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def button_errors(form: FlaskForm) -> list[str]:
    """Every error of a button's form: a refusal, or a bad CSRF token."""
    return [str(error) for errors in form.errors.values() for error in errors]


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _role_or_404(role_id: int) -> Role:
    role = db.session().get(Role, role_id)
    if role is None:
        abort(404)
    return role


def show_refusal(form: FlaskForm, exc: roles.RoleAdminError, fields: dict[str, str] | None = None) -> None:
    """Show a refusal at the input it concerns (`fields` maps the service's names to the form's), else the first.

    A form with no input of its own (a button) gets it in `form_errors`.
    """
    name = (fields or {}).get(exc.field or "", exc.field or "")
    target: Field | None = form._fields.get(name)
    if target is None:
        target = next((f for f in form if f.type not in ("CSRFTokenField", "HiddenField")), None)
    if target is None:
        form.form_errors.append(str(exc))
    else:
        target.errors = [*target.errors, str(exc)]


def committed(form: FlaskForm, change: Callable[[Session], Any], fields: dict[str, str] | None = None) -> bool:
    """Make an administration change and commit it; a refusal rolls it back and shows at the form (False)."""
    dbs = db.session()
    try:
        change(dbs)
        dbs.commit()
    except roles.RoleAdminError as exc:
        dbs.rollback()
        show_refusal(form, exc, fields)
        return False
    return True


def _parent_choices(form: RoleForm, role: Role | None) -> None:
    form.parent.choices = [SelectChoice("", _("Nobody")),
                           *(SelectChoice(str(r.id), "\u2003" * depth + roles.role_text(r))
                             for r, depth in roles.role_tree(db.session()) if role is None or r.id != role.id)]


def _parent_id(form: RoleForm) -> int | None:
    value = (form.parent.data or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise roles.RoleAdminError(_("Choose a role from the list."), "parent")
    return int(value)


# The list --------------------------------------------------------------------------------------------------------

@bp.route("/roles", methods=["GET", "POST"])
@admin_required
def roles_list() -> Any:
    form = NewRoleForm(prefix="role")
    _parent_choices(form, None)
    dbs = db.session()
    if form.validate_on_submit():
        try:
            role = roles.create_role(dbs, form.name.data or "", form.label_en.data or "", form.label_es.data,
                                     _parent_id(form), actor=_admin())
            dbs.commit()
        except roles.RoleAdminError as exc:
            dbs.rollback()
            show_refusal(form, exc)
        else:
            flash(_("The role %(role)s was created. Set its permissions now.", role=roles.role_text(role)), "success")
            return redirect(url_for("admin.role", role_id=role.id))
    holders = {r.id: roles.users_with_role(dbs, r) for r, _depth in roles.role_tree(dbs)}
    return render_template("admin/roles/list.html", tree=roles.role_tree(dbs), holders=holders, form=form,
                           role_text=roles.role_text), _status()


# One role: labels, reports to, the matrix ---------------------------------------------------------------------------

@dataclass
class MatrixRow:
    """One row of the matrix as the page shows it."""

    entity: str
    text: str
    own: bool  # False when the row follows the `*` row
    actions: list[Field]
    scopes: list[Field]  # what the users see, change and delete (roles.SCOPE_PARTS)


def _slot(entity: str) -> str:
    return DEFAULT_SLOT if entity == ANY_ENTITY else f"e_{entity}"


def _matrix_entities() -> list[tuple[str, str]]:
    """The rows of the matrix: `*` first, then every registered entity by its label in the user's language; lines
    have none of their own (who may see or change a document may see or change its lines)."""
    found = sorted(((e.name, e.plural_text) for e in roles.registry().all() if not e.parent),
                   key=lambda pair: pair[1].lower())
    return [(ANY_ENTITY, str(_("All other entities (the default)"))), *found]


def _matrix_form(role: Role, entities: list[tuple[str, str]], formdata: Any = None) -> FlaskForm:
    current = roles.matrix(db.session(), role)

    class MatrixForm(FlaskForm):
        pass

    for entity, _text in entities:
        grant = roles.effective(current, entity)
        for action in ROLE_ACTIONS:
            setattr(MatrixForm, f"{_slot(entity)}__{action}",
                    BooleanField(roles.ACTION_LABELS[action], default=action in grant.actions))
        for part, label in roles.SCOPE_PARTS.items():
            setattr(MatrixForm, f"{_slot(entity)}__{part}",
                    SelectField(label, choices=[SelectChoice(k, v) for k, v in roles.SCOPE_LABELS.items()],
                                default=getattr(grant, part), validate_choice=False))
    return MatrixForm(formdata=formdata, prefix="m")


def _matrix_rows(role: Role, form: FlaskForm, entities: list[tuple[str, str]]) -> list[MatrixRow]:
    current = roles.matrix(db.session(), role)
    return [MatrixRow(entity, text, entity == ANY_ENTITY or entity in current,
                      [form[f"{_slot(entity)}__{a}"] for a in ROLE_ACTIONS],
                      [form[f"{_slot(entity)}__{part}"] for part in roles.SCOPE_PARTS])
            for entity, text in entities]


def _posted_grants(role: Role, form: FlaskForm, entities: list[tuple[str, str]]) -> dict[str, roles.Grant]:
    """The rows as posted, less those that followed the default and were left as shown: they keep following it."""
    current = roles.matrix(db.session(), role)
    posted = {entity: roles.Grant(frozenset(a for a in ROLE_ACTIONS if form[f"{_slot(entity)}__{a}"].data),
                                  *(str(form[f"{_slot(entity)}__{part}"].data or "") for part in roles.SCOPE_PARTS))
              for entity, _text in entities}
    return {entity: grant for entity, grant in posted.items()
            if entity == ANY_ENTITY or entity in current or grant != roles.effective(current, ANY_ENTITY)}


def _matrix_error_fields(entities: list[tuple[str, str]]) -> dict[str, str]:
    """The service's names for matrix inputs (`<entity>.<action|scope|edit_scope|delete_scope>`) mapped to the
    form's."""
    fields = {}
    for entity, _text in entities:
        fields[f"{entity}.actions"] = f"{_slot(entity)}__view"
        for part in (*ROLE_ACTIONS, *roles.SCOPE_PARTS):
            fields[f"{entity}.{part}"] = f"{_slot(entity)}__{part}"
    return fields


def _role_form(role: Role, formdata: Any = None) -> RoleForm:
    label = role.label if isinstance(role.label, dict) else {}
    form = RoleForm(formdata=formdata, prefix="role", label_en=label.get("en"), label_es=label.get("es"),
                    parent=str(role.parent_id or ""))
    _parent_choices(form, role)
    return form


def _role_page(role: Role, form: RoleForm | None = None, matrix: FlaskForm | None = None,
               delete_errors: list[str] | None = None) -> Any:
    entities = _matrix_entities()
    matrix = matrix or _matrix_form(role, entities)
    dbs = db.session()
    return render_template(
        "admin/roles/role.html", role=role, role_text=roles.role_text, form=form or _role_form(role),
        matrix=matrix, rows=_matrix_rows(role, matrix, entities), actions=roles.ACTION_LABELS,
        scope_parts=roles.SCOPE_PARTS,
        delete_errors=delete_errors or [], holders=roles.users_with_role(dbs, role),
        parent=dbs.get(Role, role.parent_id) if role.parent_id else None), _status()


@bp.route("/roles/<int:role_id>", methods=["GET", "POST"])
@admin_required
def role(role_id: int) -> Any:
    """The role page; a POST saves its labels and whom it reports to."""
    role = _role_or_404(role_id)
    form = _role_form(role, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        if committed(form, lambda dbs: roles.change_role(dbs, role, form.label_en.data or "", form.label_es.data,
                                                          _parent_id(form), actor=_admin())):
            flash(_("The role %(role)s was saved.", role=roles.role_text(role)), "success")
            return redirect(url_for("admin.role", role_id=role.id))
    return _role_page(role, form=form)


@bp.post("/roles/<int:role_id>/matrix")
@admin_required
def role_matrix(role_id: int) -> Any:
    role = _role_or_404(role_id)
    entities = _matrix_entities()
    form = _matrix_form(role, entities, request.form)
    if form.validate_on_submit():
        grants = _posted_grants(role, form, entities)
        if committed(form, lambda dbs: roles.set_matrix(dbs, role, grants, actor=_admin()),
                     _matrix_error_fields(entities)):
            flash(_("The permissions of %(role)s were saved.", role=roles.role_text(role)), "success")
            return redirect(url_for("admin.role", role_id=role.id))
    return _role_page(role, matrix=form)


@bp.post("/roles/<int:role_id>/delete")
@admin_required
def delete_role(role_id: int) -> Any:
    role = _role_or_404(role_id)
    form = PostForm()
    if form.validate_on_submit():
        text = roles.role_text(role)
        if committed(form, lambda dbs: roles.delete_role(dbs, role, actor=_admin())):
            flash(_("The role %(role)s was deleted.", role=text), "success")
            return redirect(url_for("admin.roles_list"))
    return _role_page(_role_or_404(role_id), delete_errors=button_errors(form))


# Field rules ------------------------------------------------------------------------------------------------------

def _entity_or_404(name: str) -> Entity:
    try:
        return roles.registry().get(name)
    except UnknownEntity:
        abort(404)


def _rules_form(role: Role, entity: Entity) -> FlaskForm:
    current = roles.field_rules(db.session(), role, entity.name)

    class FieldRulesForm(FlaskForm):
        pass

    for field in roles.rulable_fields(entity):
        setattr(FieldRulesForm, f"f_{field.name}",
                SelectField(field.text, choices=[SelectChoice(k, v) for k, v in roles.FIELD_RULE_LABELS.items()],
                            default=current.get(field.name, "visible"), validate_choice=False))
    return FieldRulesForm(prefix="rule")


@bp.route("/roles/<int:role_id>/fields/<entity_name>", methods=["GET", "POST"])
@admin_required
def role_fields(role_id: int, entity_name: str) -> Any:
    role = _role_or_404(role_id)
    entity = _entity_or_404(entity_name)
    form = _rules_form(role, entity)
    if form.validate_on_submit():
        fields = roles.rulable_fields(entity)
        chosen = {f.name: form[f"f_{f.name}"].data for f in fields}
        if committed(form, lambda dbs: roles.set_field_rules(dbs, role, entity.name, chosen, actor=_admin()),
                     {f.name: f"f_{f.name}" for f in fields}):
            flash(_("The field rules of %(role)s for %(entity)s were saved.", role=roles.role_text(role),
                    entity=entity.plural_text), "success")
            return redirect(url_for("admin.role_fields", role_id=role.id, entity_name=entity.name))
    return render_template("admin/roles/fields.html", role=role, role_text=roles.role_text, entity=entity,
                           form=form, rows=[(f, form[f"f_{f.name}"]) for f in roles.rulable_fields(entity)]), \
        _status()


# A user's role and teams, for the users admin ----------------------------------------------------------------------

def fill_access_choices(form: AccessForm, *, default_choice: bool) -> None:
    """Offer every role (and, for a new user, "the default role") and every team."""
    dbs = db.session()
    offered = [SelectChoice(r.name, roles.role_text(r)) for r, _depth in roles.role_tree(dbs)]
    if default_choice:
        offered.insert(0, SelectChoice("", _("The default role (%(role)s)", role=roles.role_text(default_role(dbs)))))
    form.role.choices = offered
    form.teams.choices = [SelectChoice(t.id, t.name) for t in dbs.scalars(select(Team).order_by(Team.name))]


def chosen_role(form: AccessForm) -> Role | None:
    """The role picked in the form (None for the default); a refusal at the role input when there is none so."""
    name = (form.role.data or "").strip()
    if not name:
        return None
    found = db.session().scalar(select(Role).where(Role.name == name))
    if found is None:
        raise roles.RoleAdminError(_("There is no role named “%(name)s”.", name=name), "role")
    return found


def role_texts() -> dict[int, str]:
    """Each role's label in the user's language, by id (for the users' lists and pages)."""
    return {r.id: roles.role_text(r) for r, _depth in roles.role_tree(db.session())}
