"""Administering roles and teams: the checks and the security log behind the admin screens (and any CLI).

Every function works in the caller's session and leaves committing to it;
a refusal is a `RoleAdminError` naming the input it concerns (`field`),
raised before anything is changed. Each change is written to the security
log with the acting administrator, so the audit screen can say who changed
what. A role's matrix keeps a row only for the entities whose rule differs
from the role's `*` row, so that changing the default reaches every entity
that follows it.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import Table, delete, func, inspect, select, update
from sqlalchemy.orm import Session

from .. import security_log
from ..entities import Entity, EntityRegistry, UnknownEntity
from ..errors import TratoError
from ..fields import localize
from ..i18n import _, _l
from ..models import User
from .membership import assign_role, set_teams, team_ids_of
from .models import (
    ANY_ENTITY, FIELD_RULES, ROLE_ACTIONS, SCOPES, Role, RoleFieldRule, RolePermission, Team, TeamMember, wider,
)

ROLE_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
ACTION_LABELS = {"view": _l("view"), "create": _l("create"), "edit": _l("edit"), "delete": _l("delete"),
                 "import": _l("import"), "export": _l("export")}
SCOPE_LABELS = {"own": _l("Own records"), "team": _l("Own, subordinates' and teams' records"),
                "all": _l("All records")}
# A row's three scopes, by the name its input has, and what each limits (the column headings of the matrix).
SCOPE_PARTS = {"scope": _l("Sees"), "edit_scope": _l("Edits"), "delete_scope": _l("Deletes")}
FIELD_RULE_LABELS = {"visible": _l("Visible"), "readonly": _l("Read-only"), "hidden": _l("Hidden")}
# Actions that make no sense without another one, checked on every matrix row.
NEEDS = {"edit": "view", "delete": "view", "export": "view", "import": "create"}


class RoleAdminError(TratoError):
    """A role or team change was refused; nothing was changed. `field` names the bad input, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Grant:
    """One row of a role's matrix: the actions allowed, the records seen (`scope`) and those that may be
    changed (`edit_scope`) and deleted or restored (`delete_scope`); left empty, the last two are `scope`."""

    actions: frozenset[str]
    scope: str
    edit_scope: str = ""
    delete_scope: str = ""

    def __post_init__(self) -> None:
        """Fill the empty scopes in; the scope of an action the row does not allow is no wider than `scope`
        (it limits nothing, and a view scope made narrower must not be refused for it)."""
        for part, action in (("edit_scope", "edit"), ("delete_scope", "delete")):
            value = getattr(self, part) or self.scope
            if action not in self.actions and {value, self.scope} <= set(SCOPES) and wider(value, self.scope):
                value = self.scope
            object.__setattr__(self, part, value)

    @classmethod
    def of(cls, row: RolePermission) -> Grant:
        return cls(frozenset(a for a in ROLE_ACTIONS if row.allows(a)), row.scope, row.edit_scope, row.delete_scope)

    def as_detail(self) -> dict[str, Any]:
        return {"actions": [a for a in ROLE_ACTIONS if a in self.actions],
                **{part: getattr(self, part) for part in SCOPE_PARTS}}


NOTHING = Grant(frozenset(), "own")


def registry() -> EntityRegistry:
    return current_app.extensions["trato"].entities  # type: ignore[no-any-return]


def role_text(role: Role) -> str:
    """The role's label in the current language."""
    return localize(role.label) or role.name


def _entity(name: str, field: str | None = None) -> Entity:
    try:
        return registry().get(name)
    except UnknownEntity:
        raise RoleAdminError(_("There is no entity named “%(name)s”.", name=name), field) from None


def _log(session: Session, kind: str, actor: User | None, user: User | None = None, **detail: Any) -> None:
    security_log.record(session, kind, user, actor=actor, **detail)


# Roles --------------------------------------------------------------------------------------------------------------

def _labels(en: str | None, es: str | None) -> dict[str, str]:
    made = {lang: text.strip() for lang, text in (("en", en), ("es", es)) if text and text.strip()}
    if "en" not in made:
        raise RoleAdminError(_("Give the role a label in English."), "label_en")
    return made


def _check_parent(session: Session, role: Role | None, parent_id: int | None) -> None:
    """The role reports to an existing role, and never (through others) to itself."""
    seen: set[int] = set()
    current = parent_id
    while current is not None and current not in seen:
        if role is not None and current == role.id:
            raise RoleAdminError(_("“%(role)s” cannot report to a role that reports to it.", role=role_text(role)),
                                 "parent")
        seen.add(current)
        parent = session.get(Role, current)
        if parent is None:
            raise RoleAdminError(_("There is no role with the id %(id)s.", id=current), "parent")
        current = parent.parent_id


def create_role(session: Session, name: str, label_en: str, label_es: str | None = None,
                parent_id: int | None = None, *, actor: User | None = None) -> Role:
    """A new role with no permission at all until its matrix is set."""
    name = name.strip()
    if not ROLE_NAME_RE.match(name):
        raise RoleAdminError(_("Use 2 to 64 lower-case letters, digits and underscores, starting with a letter."),
                             "name")
    if session.scalar(select(Role.id).where(Role.name == name)) is not None:
        raise RoleAdminError(_("There is already a role named “%(name)s”.", name=name), "name")
    label = _labels(label_en, label_es)
    _check_parent(session, None, parent_id)
    position = (session.scalar(select(func.max(Role.position))) or 0) + 1
    role = Role(name=name, label=label, parent_id=parent_id, is_admin=False, builtin=False, position=position)
    session.add(role)
    session.flush()
    session.add(RolePermission(role_id=role.id, entity=ANY_ENTITY, scope="own"))
    _log(session, security_log.ROLE_CREATED, actor, role=name, label=label, reports_to=role_name(session, parent_id))
    session.flush()
    return role


def role_name(session: Session, role_id: int | None) -> str | None:
    """The name of the role `role_id`, for the security log."""
    return session.scalar(select(Role.name).where(Role.id == role_id)) if role_id is not None else None


def change_role(session: Session, role: Role, label_en: str, label_es: str | None = None,
                parent_id: int | None = None, *, actor: User | None = None) -> None:
    """Rename a role (its labels; the name stays, as settings and plugins refer to it) and set whom it reports to."""
    label = _labels(label_en, label_es)
    _check_parent(session, role, parent_id)
    before = {"label": dict(role.label or {}), "reports_to": role_name(session, role.parent_id)}
    after = {"label": label, "reports_to": role_name(session, parent_id)}
    if before == after:
        return
    role.label, role.parent_id = label, parent_id
    _log(session, security_log.ROLE_CHANGED, actor, role=role.name, before=before, after=after)
    session.flush()


def users_with_role(session: Session, role: Role) -> int:
    return int(session.scalar(select(func.count()).select_from(User).where(User.role_id == role.id)) or 0)


def delete_role(session: Session, role: Role, *, actor: User | None = None) -> None:
    """Remove a custom role nobody holds; the roles that reported to it now report to its own superior."""
    if role.builtin:
        raise RoleAdminError(_("“%(role)s” is a built-in role and cannot be deleted.", role=role_text(role)))
    holders = users_with_role(session, role)
    if holders:
        raise RoleAdminError(ngettext("“%(role)s” cannot be deleted: %(num)d user holds it. Give them another role "
                                      "first.", "“%(role)s” cannot be deleted: %(num)d users hold it. Give them "
                                      "another role first.", holders, role=role_text(role)))
    session.execute(update(Role).where(Role.parent_id == role.id).values(parent_id=role.parent_id))
    session.execute(delete(RolePermission).where(RolePermission.role_id == role.id))
    session.execute(delete(RoleFieldRule).where(RoleFieldRule.role_id == role.id))
    _log(session, security_log.ROLE_DELETED, actor, role=role.name, label=dict(role.label or {}))
    session.delete(role)
    session.flush()


def role_tree(session: Session) -> list[tuple[Role, int]]:
    """Every role with its depth under the roles it reports to, superiors first."""
    roles = list(session.scalars(select(Role).order_by(Role.position, Role.id)))
    children: dict[int | None, list[Role]] = {}
    for role in roles:
        children.setdefault(role.parent_id, []).append(role)
    ordered: list[tuple[Role, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for child in children.get(parent, []):
            ordered.append((child, depth))
            walk(child.id, depth + 1)

    walk(None, 0)
    return ordered


# The matrix ---------------------------------------------------------------------------------------------------------

def _refuse_admin(role: Role) -> None:
    if role.is_admin:
        raise RoleAdminError(_("The administrator role may do everything: its permissions cannot be changed."))


def matrix(session: Session, role: Role) -> dict[str, Grant]:
    """The role's own rows: `*` and the entities that differ from it."""
    rows = session.scalars(select(RolePermission).where(RolePermission.role_id == role.id))
    return {row.entity: Grant.of(row) for row in rows}


def effective(rows: Mapping[str, Grant], entity: str) -> Grant:
    """What the role may do with `entity`: its own row, else the `*` row."""
    return rows.get(entity) or rows.get(ANY_ENTITY) or NOTHING


def entity_text(name: str) -> str:
    return str(_("All other entities (the default)")) if name == ANY_ENTITY else _entity(name).plural_text


def check_grant(entity: str, grant: Grant) -> None:
    """A matrix row that makes sense; the error names the entity and the input
    (`<entity>.<action|scope|edit_scope|delete_scope>`)."""
    unknown = grant.actions - set(ROLE_ACTIONS)
    if unknown:
        raise RoleAdminError(_("%(entity)s: there is no action “%(action)s”.", entity=entity_text(entity),
                               action=min(unknown)), f"{entity}.actions")
    for part in SCOPE_PARTS:
        if getattr(grant, part) not in SCOPES:
            raise RoleAdminError(_("%(entity)s: “%(scope)s” is not a scope; choose own, team or all.",
                                   entity=entity_text(entity), scope=getattr(grant, part)), f"{entity}.{part}")
    seen = SCOPE_LABELS[grant.scope]
    if wider(grant.edit_scope, grant.scope):
        raise RoleAdminError(_("%(entity)s: users cannot change more records than they see (“%(seen)s”); choose "
                               "that scope or a narrower one.", entity=entity_text(entity), seen=seen),
                             f"{entity}.edit_scope")
    if wider(grant.delete_scope, grant.scope):
        raise RoleAdminError(_("%(entity)s: users cannot delete more records than they see (“%(seen)s”); choose "
                               "that scope or a narrower one.", entity=entity_text(entity), seen=seen),
                             f"{entity}.delete_scope")
    for action, needed in NEEDS.items():
        if action in grant.actions and needed not in grant.actions:
            raise RoleAdminError(_("%(entity)s: %(action)s needs %(needed)s.", entity=entity_text(entity),
                                   action=ACTION_LABELS[action], needed=ACTION_LABELS[needed]),
                                 f"{entity}.{action}")


def set_matrix(session: Session, role: Role, rows: Mapping[str, Grant], *, actor: User | None = None) -> dict[str, Any]:
    """Set the rows given (entities and `*`); the others keep theirs. Returns the changes logged, by entity."""
    _refuse_admin(role)
    for entity, grant in rows.items():
        if entity != ANY_ENTITY:
            _entity(entity, f"{entity}.scope")
        check_grant(entity, grant)
    stored = {row.entity: row for row in session.scalars(select(RolePermission)
                                                          .where(RolePermission.role_id == role.id))}
    before = {entity: Grant.of(row) for entity, row in stored.items()}
    default = rows.get(ANY_ENTITY) or before.get(ANY_ENTITY) or NOTHING
    after = dict(before)
    for entity, grant in rows.items():
        if entity != ANY_ENTITY and grant == default:
            after.pop(entity, None)  # it follows the default
        else:
            after[entity] = grant
    changes = {}
    for entity in sorted(set(before) | set(after)):
        old, new = effective(before, entity), effective(after, entity)
        if entity in rows and old != new:
            changes[entity] = {"before": old.as_detail(), "after": new.as_detail()}
        if entity not in after:
            if entity in stored:
                session.delete(stored[entity])
            continue
        row = stored.get(entity) or RolePermission(role_id=role.id, entity=entity)
        for action in ROLE_ACTIONS:
            setattr(row, f"can_{action}", action in after[entity].actions)
        for part in SCOPE_PARTS:
            setattr(row, part, getattr(after[entity], part))
        session.add(row)
    if changes:
        _log(session, security_log.PERMISSIONS_CHANGED, actor, role=role.name, changes=changes)
    session.flush()
    return changes


def field_rules(session: Session, role: Role, entity: str) -> dict[str, str]:
    query = select(RoleFieldRule).where(RoleFieldRule.role_id == role.id, RoleFieldRule.entity == entity)
    return {rule.field: rule.rule for rule in session.scalars(query)}


def rulable_fields(entity: Entity) -> list[Any]:
    """The fields a role can hide or make read-only: every one but the record columns."""
    return [f for f in entity.fields.values() if not f.system]


def set_field_rules(session: Session, role: Role, entity_name: str, rules: Mapping[str, str | None], *,
                    actor: User | None = None) -> dict[str, Any]:
    """Set the rule of each field given: `hidden`, `readonly`, or empty/`visible` for none. Returns the changes."""
    _refuse_admin(role)
    entity = _entity(entity_name)
    names = {f.name for f in rulable_fields(entity)}
    for field, rule in rules.items():
        if field not in names:
            raise RoleAdminError(_("%(entity)s has no field “%(field)s”.", entity=entity.text, field=field), field)
        if rule not in (None, "", "visible", *FIELD_RULES):
            raise RoleAdminError(_("“%(rule)s” is not a field rule; choose visible, read-only or hidden.",
                                   rule=rule), field)
    stored = {r.field: r for r in session.scalars(select(RoleFieldRule).where(
        RoleFieldRule.role_id == role.id, RoleFieldRule.entity == entity.name))}
    changes = {}
    for field, rule in sorted(rules.items()):
        wanted = rule if rule in FIELD_RULES else None
        old = stored[field].rule if field in stored else None
        if wanted == old:
            continue
        changes[field] = {"before": old or "visible", "after": wanted or "visible"}
        if wanted is None:
            session.delete(stored[field])
        elif field in stored:
            stored[field].rule = wanted
        else:
            session.add(RoleFieldRule(role_id=role.id, entity=entity.name, field=field, rule=wanted))
    if changes:
        _log(session, security_log.FIELD_RULES_CHANGED, actor, role=role.name, entity=entity.name, changes=changes)
    session.flush()
    return changes


# Users' roles and teams --------------------------------------------------------------------------------------------

def _admins_left(session: Session, without: User) -> int:
    query = select(func.count()).select_from(User).where(User.is_admin.is_(True), User.active.is_(True),
                                                         User.id != without.id)
    return int(session.scalar(query) or 0)


def set_user_role(session: Session, user: User, role: Role, *, actor: User | None = None) -> None:
    """Give `user` another role; the last active administrator keeps theirs."""
    if user.role_id == role.id:
        return
    if user.is_admin and not role.is_admin and user.active and not _admins_left(session, user):
        raise RoleAdminError(_("%(name)s is the last active administrator and must keep the administrator role.",
                               name=user.name), "role")
    before = role_name(session, user.role_id)
    assign_role(session, user, role)
    _log(session, security_log.ROLE_ASSIGNED, actor, user, before=before, after=role.name)


def _team_names(session: Session, ids: Iterable[int]) -> list[str]:
    wanted = list(ids)
    return sorted(session.scalars(select(Team.name).where(Team.id.in_(wanted)))) if wanted else []


def set_user_teams(session: Session, user: User, team_ids: Collection[int], *, actor: User | None = None) -> None:
    """Make `user` a member of exactly these teams."""
    before = set(team_ids_of(session, user.id))
    try:
        set_teams(session, user, team_ids)
    except TratoError as exc:
        raise RoleAdminError(str(exc), "teams") from None
    after = set(team_ids)
    if before != after:
        _log(session, security_log.TEAMS_ASSIGNED, actor, user, added=_team_names(session, after - before),
             removed=_team_names(session, before - after))


# Teams --------------------------------------------------------------------------------------------------------------

def _team_name(session: Session, name: str, team: Team | None) -> str:
    name = name.strip()
    if not name:
        raise RoleAdminError(_("Give the team a name."), "name")
    if len(name) > 100:
        raise RoleAdminError(_("A team's name has at most 100 characters."), "name")
    other = session.scalar(select(Team.id).where(Team.name == name))
    if other is not None and (team is None or other != team.id):
        raise RoleAdminError(_("There is already a team named “%(name)s”.", name=name), "name")
    return name


def create_team(session: Session, name: str, description: str = "", *, actor: User | None = None) -> Team:
    team = Team(name=_team_name(session, name, None), description=description.strip())
    session.add(team)
    session.flush()
    _log(session, security_log.TEAM_CREATED, actor, team=team.name)
    return team


def change_team(session: Session, team: Team, name: str, description: str = "", *,
                actor: User | None = None) -> None:
    name = _team_name(session, name, team)
    before = {"name": team.name, "description": team.description}
    after = {"name": name, "description": description.strip()}
    if before == after:
        return
    team.name, team.description = name, after["description"]
    _log(session, security_log.TEAM_CHANGED, actor, team=name, before=before, after=after)
    session.flush()


def _entity_tables(session: Session) -> list[Table]:
    """Every entity table with a `team_id`: enabled entities, and those of disabled plugins still in the database."""
    tables = {e.name: e.table for e in registry().all()}
    inspector = inspect(session.connection())
    for name, (_owner, model) in registry().models.items():
        if name not in tables and inspector.has_table(name):
            tables[name] = model.__table__
    return [table for table in tables.values() if "team_id" in table.c]


def records_of_team(session: Session, team: Team) -> int:
    """How many records (the recycle bin included) the team owns, over every entity."""
    return sum(int(session.scalar(select(func.count()).select_from(table).where(table.c.team_id == team.id)) or 0)
               for table in _entity_tables(session))


def delete_team(session: Session, team: Team, *, actor: User | None = None) -> None:
    """Remove a team that owns no record; its members simply leave it."""
    owned = records_of_team(session, team)
    if owned:
        raise RoleAdminError(ngettext("The team “%(name)s” cannot be deleted: it owns %(num)d record (the recycle bin "
                                      "included). Give it to another team first.", "The team “%(name)s” cannot be "
                                      "deleted: it owns %(num)d records (the recycle bin included). Give them to "
                                      "another team first.", owned, name=team.name))
    members = list(session.scalars(select(User.email).join(TeamMember, TeamMember.user_id == User.id)
                                   .where(TeamMember.team_id == team.id).order_by(User.email)))
    session.execute(delete(TeamMember).where(TeamMember.team_id == team.id))
    _log(session, security_log.TEAM_DELETED, actor, team=team.name, members=members)
    session.delete(team)
    session.flush()


def team_members(session: Session, team: Team) -> list[User]:
    return list(session.scalars(select(User).join(TeamMember, TeamMember.user_id == User.id)
                                .where(TeamMember.team_id == team.id).order_by(User.name, User.id)))


def set_team_members(session: Session, team: Team, user_ids: Collection[int], *,
                     actor: User | None = None) -> None:
    """Make exactly these users the team's members."""
    wanted = set(user_ids)
    known = set(session.scalars(select(User.id).where(User.id.in_(wanted)))) if wanted else set()
    if wanted - known:
        raise RoleAdminError(_("There is no user with the id %(id)s.", id=min(wanted - known)), "user")
    before = {u.id for u in team_members(session, team)}
    if before == wanted:
        return
    if before - wanted:
        session.execute(delete(TeamMember).where(TeamMember.team_id == team.id,
                                                 TeamMember.user_id.in_(before - wanted)))
    session.add_all(TeamMember(team_id=team.id, user_id=user_id) for user_id in sorted(wanted - before))

    def emails(ids: set[int]) -> list[str]:
        return sorted(session.scalars(select(User.email).where(User.id.in_(ids)))) if ids else []

    _log(session, security_log.TEAM_MEMBERS_CHANGED, actor, team=team.name, added=emails(wanted - before),
         removed=emails(before - wanted))
    session.flush()
