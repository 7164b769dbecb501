"""/api/v1/meta/roles: the roles and their permission rows, read and changed through `trato.roles.admin`.

The roles admin screen calls the same service, so a change made here is
checked as strictly (an action without what it needs, a scope that is not
one, records changed or deleted beyond those seen) and written to the
security log the same way. A refusal is a 422 naming
`permissions.<entity>.<input>`. Administrators only, like the rest of the
meta API.
"""
from __future__ import annotations

from typing import Any

from apispec import APISpec
from flask import Response, g, jsonify
from marshmallow import Schema
from marshmallow import fields as ma
from sqlalchemy import select

from .. import db
from ..i18n import _, _l
from ..roles import admin as roles
from ..roles.models import ROLE_ACTIONS, SCOPES, Role
from . import bp, http
from .meta import admin_only
from .meta_io import load
from .problems import Problem

PREFIX = "/meta/roles"
_SCOPE_HELP = _l("No wider than scope; scope when left out")


class GrantSchema(Schema):
    """One row of a role's matrix (the values are checked by the roles service, whose refusal names them)."""

    actions = ma.List(ma.String(metadata={"enum": list(ROLE_ACTIONS)}), required=True)
    scope = ma.String(required=True, metadata={"enum": list(SCOPES),
                                               "description": _l("The records the users see (and export)")})
    edit_scope = ma.String(metadata={"enum": list(SCOPES), "description": _SCOPE_HELP})
    delete_scope = ma.String(metadata={"enum": list(SCOPES), "description": _SCOPE_HELP})


class PermissionsInput(Schema):
    """Rows to set, by entity (`*` for the default row); the rows not given keep theirs."""

    permissions = ma.Dict(keys=ma.String(), values=ma.Nested(GrantSchema), required=True)


class RoleOutput(Schema):
    name = ma.String()
    label = ma.Dict(keys=ma.String(), values=ma.String())
    reports_to = ma.String(allow_none=True)
    is_admin = ma.Boolean()
    builtin = ma.Boolean()
    permissions = ma.Dict(keys=ma.String(), values=ma.Nested(GrantSchema),
                          metadata={"description": _l("The role's own rows: `*` and the entities that differ from it")})


class RoleList(Schema):
    data = ma.List(ma.Nested(RoleOutput))


def _describe(role: Role) -> dict[str, Any]:
    session = db.session()
    return {"name": role.name, "label": dict(role.label or {}), "reports_to": roles.role_name(session, role.parent_id),
            "is_admin": bool(role.is_admin), "builtin": bool(role.builtin),
            "permissions": {entity: grant.as_detail() for entity, grant in roles.matrix(session, role).items()}}


def _role(name: str) -> Role:
    role = db.session().scalar(select(Role).where(Role.name == name))
    if role is None:
        detail = _("There is no role named “%(name)s”.", name=name)
        raise Problem(404, _("Not found"), detail, "unknown-role", {"name": [detail]})
    return role


@bp.get(PREFIX)
@admin_only
def list_roles() -> Response:
    return jsonify({"data": [_describe(role) for role, _depth in roles.role_tree(db.session())]})


@bp.get(f"{PREFIX}/<name>")
@admin_only
def get_role(name: str) -> Response:
    return jsonify(_describe(_role(name)))


@bp.patch(f"{PREFIX}/<name>")
@admin_only
def change_role_permissions(name: str) -> Response:
    """Set some rows of the role's matrix, checked and logged as the admin screen does."""
    role = _role(name)
    rows = load(PermissionsInput(), http.json_body())["permissions"]
    grants = {entity: roles.Grant(frozenset(row["actions"]), row["scope"], row.get("edit_scope", ""),
                                  row.get("delete_scope", "")) for entity, row in rows.items()}
    session = db.session()
    try:
        roles.set_matrix(session, role, grants, actor=g.api_user)
        session.commit()
    except roles.RoleAdminError as err:
        session.rollback()
        field = f"permissions.{err.field}" if err.field else "permissions"
        raise Problem(422, _("Permissions refused"), str(err), "permissions-refused", {field: [str(err)]}) from None
    return jsonify(_describe(role))


def add_to_spec(spec: APISpec, operation: Any) -> None:
    """The roles' paths and components in the OpenAPI document; `operation` makes a meta operation."""
    for name, schema in (("MetaGrant", GrantSchema), ("MetaPermissionsInput", PermissionsInput),
                         ("MetaRole", RoleOutput), ("MetaRoleList", RoleList)):
        spec.components.schema(name, schema=schema)
    role = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"},
             "description": _("The role's name")}]
    spec.path(f"/api/v1{PREFIX}", operations={
        "get": operation("list_roles", _("Every role with its permission rows"), (200, "MetaRoleList"), (), [])})
    spec.path(f"/api/v1{PREFIX}/{{name}}", operations={
        "get": operation("get_role", _("A role with its permission rows"), (200, "MetaRole"), (404,), role),
        "patch": operation("change_role_permissions", _("Set rows of a role's permissions"), (200, "MetaRole"),
                           (400, 404, 415, 422), role, "MetaPermissionsInput"),
    })

