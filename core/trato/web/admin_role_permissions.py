"""A role's permissions beyond records (`/admin/roles/<id>/permissions`): one box per permission declared.

The core's own (seeing blocked personal data) and those of the enabled
plugins (the `permissions` hook) are listed with their descriptions; saving
goes through `trato.roles.extra_permissions`, which logs the change.
"""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField

from .. import db
from ..i18n import _
from ..roles import admin as roles
from ..roles import extra_permissions
from ..roles.models import Role
from .admin import admin_required, bp
from .admin_roles import _admin, _role_or_404


def _form(role: Role, declared: dict[str, Any], formdata: Any = None) -> FlaskForm:
    """The boxes, ticked as the role holds them (or as posted: an unticked box is not sent at all)."""
    held = extra_permissions.of_role(db.session(), role.id)

    class PermissionsForm(FlaskForm):
        pass

    for name, permission in declared.items():
        setattr(PermissionsForm, f"p_{name}", BooleanField(permission.label, default=role.is_admin or name in held))
    return PermissionsForm(formdata=formdata, prefix="perm")


@bp.route("/roles/<int:role_id>/permissions", methods=["GET", "POST"])
@admin_required
def role_permissions(role_id: int) -> Any:
    role = _role_or_404(role_id)
    declared = extra_permissions.declared()
    form = _form(role, declared, request.form if request.method == "POST" else None)
    if form.validate_on_submit() and not role.is_admin:
        chosen = [name for name in declared if form[f"p_{name}"].data]
        extra_permissions.set_role_permissions(db.session(), role, chosen, actor=_admin())
        db.session().commit()
        flash(_("The other permissions of %(role)s were saved.", role=roles.role_text(role)), "success")
        return redirect(url_for("admin.role_permissions", role_id=role.id))
    rows = [(permission, form[f"p_{name}"]) for name, permission in declared.items()]
    return render_template("admin/roles/permissions.html", role=role, role_text=roles.role_text, form=form,
                           rows=rows), 422 if request.method == "POST" and form.errors else 200
