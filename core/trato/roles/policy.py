"""The access policy of roles and teams: what `trato.access` asks, answered from the user's role.

Per entity the role's row (or its `*` row) gives the allowed actions and the
scopes: `own` records (owner is the user), `team` (also those owned by users
whose roles report to the user's, by members of the user's teams, or by one
of those teams), or `all`; one scope for what the user sees, and one each,
as wide or narrower, for what they may change and delete. A record shared
with the user or one of their teams is added to what they see, and with an
`edit` share to what they may change (see shared.py). Administrators
(`role.is_admin`) may do everything. What a user holds (`Grants`) is loaded once and kept by the
worker until the `roles` counter moves (see tracking.py), and loaded afresh
on every call outside a request (jobs, the CLI).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context
from sqlalchemy import ColumnElement, Select, false, or_, select

from .. import counters, db
from ..access import ACTIONS, PermissionRefused, outside_scope
from ..i18n import _, _l
from ..models import User
from . import extra_permissions
from . import shared as sharing
from .models import ANY_ENTITY, ROLE_ACTIONS, SCOPE_COLUMNS, Role, RoleFieldRule, RolePermission, Team, TeamMember

if TYPE_CHECKING:
    from ..entities import Entity

# The action names as the refusal message puts them: "Your role does not allow you to <edit> records of ...".
ACTION_WORDS = {"view": _l("view"), "create": _l("create"), "edit": _l("edit"), "delete": _l("delete"),
                "restore": _l("restore"), "import": _l("import"), "export": _l("export")}
# Restoring a record undoes its deletion: the same permission allows both.
NEEDS = {"restore": "delete"}


@dataclass(frozen=True)
class Rule:
    """A role's row for one entity: the actions it allows and on which records (seen, changed, deleted)."""

    actions: frozenset[str]
    scope: str
    edit_scope: str
    delete_scope: str

    def scope_of(self, action: str) -> str:
        """The scope that limits `action`: edit, delete and restore have their own, the rest see `scope`."""
        return str(getattr(self, SCOPE_COLUMNS.get(action, "scope")))


class Grants:
    """What one user holds: their role's rules, field rules, the roles below theirs and their teams."""

    def __init__(self, user_id: int, is_admin: bool, rules: dict[str, Rule], fields: dict[str, dict[str, str]],
                 below: frozenset[int], teams: frozenset[int]) -> None:
        self.user_id = user_id
        self.is_admin = is_admin
        self.rules = rules
        self.fields = fields
        self.below = below  # ids of the roles that report, directly or not, to the user's
        self.teams = teams

    @classmethod
    def load(cls, user: Any) -> Grants:
        session = db.session()
        role_id = session.scalar(select(User.role_id).where(User.id == user.id))
        role = session.get(Role, role_id) if role_id is not None else None
        rules = {row.entity: Rule(frozenset(a for a in ROLE_ACTIONS if row.allows(a)), row.scope, row.edit_scope,
                                  row.delete_scope)
                 for row in session.scalars(select(RolePermission).where(RolePermission.role_id == role_id))}
        fields: dict[str, dict[str, str]] = {}
        for rule in session.scalars(select(RoleFieldRule).where(RoleFieldRule.role_id == role_id)):
            fields.setdefault(rule.entity, {})[rule.field] = rule.rule
        teams = frozenset(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id)))
        return cls(user.id, bool(role and role.is_admin), rules, fields, _below(session, role_id), teams)

    def rule(self, entity: str) -> Rule | None:
        return self.rules.get(entity) or self.rules.get(ANY_ENTITY)

    @cached_property
    def shared(self) -> dict[str, frozenset[str]]:
        """The entities with records shared with the user or their teams, with the accesses given."""
        return sharing.held(db.session(), self.user_id, self.teams)

    @cached_property
    def _kept(self) -> dict[tuple[str, ...], Any]:
        return {}

    def keep(self, key: tuple[str, ...], ask: Callable[[], Any]) -> Any:
        """`ask()`'s answer, asked once while these grants are kept (what the share conditions need to know)."""
        if key not in self._kept:
            self._kept[key] = ask()
        return self._kept[key]

    @cached_property
    def people(self) -> frozenset[int]:
        """The users whose records a `team` scope covers: the user, their subordinates, their teams' members."""
        session = db.session()
        ids = {self.user_id}
        if self.below:
            ids.update(session.scalars(select(User.id).where(User.role_id.in_(self.below))))
        if self.teams:
            ids.update(session.scalars(select(TeamMember.user_id).where(TeamMember.team_id.in_(self.teams))))
        return frozenset(ids)


def _below(session: Any, role_id: int | None) -> frozenset[int]:
    """The roles under `role_id` in the "reports to" tree (not itself; a loop in the tree stops there)."""
    children: dict[int | None, list[int]] = {}
    for rid, parent in session.execute(select(Role.id, Role.parent_id)):
        children.setdefault(parent, []).append(rid)
    found: set[int] = set()
    todo = list(children.get(role_id, [])) if role_id is not None else []
    while todo:
        rid = todo.pop()
        if rid not in found and rid != role_id:
            found.add(rid)
            todo.extend(children.get(rid, []))
    return frozenset(found)


class GrantsCache:
    """The grants a worker loaded, valid while the `roles` and `shares` counters have the values they were
    loaded under.

    The counter is read at the start of every request (`TratoState.refresh`),
    before any grants are loaded, so what is kept under a value is at least
    as new as that value. Without it a request would spend six statements of
    its ten or so on the user's role before reading a single record.
    """

    LIMIT = 10_000  # users kept per worker before it starts afresh

    def __init__(self) -> None:
        self.version: Hashable = None
        self.kept: dict[int, Grants] = {}

    def get(self, version: Hashable, user: Any) -> Grants:
        if version != self.version or len(self.kept) >= self.LIMIT:
            self.version, self.kept = version, {}
        kept = self.kept  # another thread may start a new dict meanwhile: this one stays consistent
        grants = kept.get(user.id)
        if grants is None:
            grants = kept[user.id] = Grants.load(user)
        return grants


def grants_of(user: Any) -> Grants:
    """The user's grants: kept across requests until roles change, loaded afresh outside a request."""
    if not has_request_context():
        return Grants.load(user)
    state = current_app.extensions["trato"]
    return state.grants.get((state.seen.get(counters.ROLES), state.seen.get(sharing.COUNTER)), user)


def _team_exists(team_id: int) -> bool:
    """Whether the team exists, asked of the database once per session and team rather than once per record.

    The identity map holds objects weakly: without the reference kept in
    `session.info`, a bulk write of N records would select the team N times.
    After a commit the kept team is expired, so `get` checks it again.
    """
    session = db.session()
    known: dict[int, Team] = session.info.setdefault("trato_known_teams", {})
    team = session.get(Team, team_id)
    if team is None:
        known.pop(team_id, None)
        return False
    known[team_id] = team
    return True


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "id", None) is not None


class RolePolicy:
    """Enforces each user's role: actions and scope per entity, field rules, who may own what."""

    def scope(self, query: Select[Any], entity: Entity, user: Any, action: str = "view") -> Select[Any]:
        condition = self.condition(entity, user, action)
        return query if condition is None else query.where(condition)

    @staticmethod
    def _limit(user: Any, entity: Entity, action: str) -> bool | tuple[Grants, str]:
        """True when `user` may `action` every record of `entity`, False when none; else their grants and the
        scope that limits them (the records shared with them aside)."""
        if user is None:
            return True
        if not _signed_in(user):
            return False
        grants = grants_of(user)
        if grants.is_admin:
            return True
        rule = grants.rule(entity.name)
        if rule is None or "view" not in rule.actions or NEEDS.get(action, action) not in rule.actions:
            return False
        scope = rule.scope_of(action)
        return True if scope == "all" else (grants, scope)

    def condition(self, entity: Entity, user: Any, action: str = "view") -> ColumnElement[bool] | None:
        limit = self._limit(user, entity, action)
        if isinstance(limit, bool):
            return None if limit else false()
        grants, scope = limit
        within = self._within(entity, grants, scope)
        levels = sharing.levels_for(action, grants.shared, entity.name)  # only where something is shared
        if not levels:
            return within
        session, user_id, teams = db.session(), grants.user_id, grants.teams
        if scope == "own" and grants.keep(("few", entity.name), lambda: sharing.owns_few(session, entity, user_id)):
            # read by indexes, the user's own records and the shared ones (see shared.py)
            listed = grants.keep(("listed", entity.name, *levels),
                                 lambda: sharing.listed(session, entity.name, user_id, teams, levels))
            return or_(within, entity.table.c.id.in_(listed))
        return or_(within, sharing.condition(entity, user_id, teams, levels))

    @staticmethod
    def _within(entity: Entity, grants: Grants, scope: str) -> ColumnElement[bool]:
        table = entity.table
        mine = table.c.owner_id == grants.user_id
        if scope == "own":
            return mine
        parts = [mine]
        if grants.below:
            parts.append(table.c.owner_id.in_(select(User.id).where(User.role_id.in_(grants.below))))
        if grants.teams:
            parts.append(table.c.owner_id.in_(select(TeamMember.user_id)
                                              .where(TeamMember.team_id.in_(grants.teams))))
            parts.append(table.c.team_id.in_(grants.teams))
        return or_(*parts)

    def check(self, user: Any, entity: Entity, action: str, record: Any = None) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None:
            return
        if not _signed_in(user):
            raise PermissionRefused(_("Sign in first."), action, entity.name)
        grants = grants_of(user)
        if grants.is_admin:
            return
        rule = grants.rule(entity.name)
        if rule is None or NEEDS.get(action, action) not in rule.actions:
            raise PermissionRefused(_("Your role does not allow you to %(action)s records of %(entity)s.",
                                      action=ACTION_WORDS[action], entity=entity.plural_text), action, entity.name)
        if record is not None and record["id"] not in self.permitted(user, entity, action, [record]):
            raise outside_scope(user, entity, action, [record])

    def permitted(self, user: Any, entity: Entity, action: str, records: Sequence[Mapping[str, Any]]
                  ) -> frozenset[int]:
        limit = self._limit(user, entity, action)
        if isinstance(limit, bool):
            return frozenset(r["id"] for r in records) if limit else frozenset()
        grants, scope = limit
        covered = {r["id"] for r in records if self._covers(grants, scope, r)}
        rest = [r["id"] for r in records if r["id"] not in covered]
        levels = sharing.levels_for(action, grants.shared, entity.name) if rest else ()
        if levels:
            covered |= sharing.shared_ids(db.session(), entity.name, rest, grants.user_id, grants.teams, levels)
        return frozenset(covered)

    @staticmethod
    def _covers(grants: Grants, scope: str, record: Any) -> bool:
        """Whether `record` (its owner and team) is within `scope`: the Python twin of `_within`."""
        if scope == "all":
            return True
        owner = record.get("owner_id")
        if scope == "own":
            return owner == grants.user_id
        return owner in grants.people or record.get("team_id") in grants.teams

    def granted(self, user: Any, permission: str) -> bool:
        if not _signed_in(user):
            return False
        grants = grants_of(user)
        return grants.is_admin or permission in extra_permissions.held(grants)

    def field_rules(self, user: Any, entity: Entity) -> Mapping[str, str]:
        if user is None or not _signed_in(user):
            return {}
        grants = grants_of(user)
        return {} if grants.is_admin else grants.fields.get(entity.name, {})

    def assignment_errors(self, user: Any, entity: Entity, values: Mapping[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        team = values.get("team_id")
        if "team_id" in values and team is not None and not _team_exists(team):
            errors["team_id"] = _("There is no team with the id %(id)s.", id=team)
        if user is None or not _signed_in(user):
            return errors
        grants = grants_of(user)
        rule = grants.rule(entity.name)
        # Giving a record away is changing it: the edit scope says to whom (a record one could not change after).
        scope = rule.edit_scope if rule is not None else "own"
        if grants.is_admin or scope == "all":
            return errors
        if "owner_id" in values:
            owner = values["owner_id"]
            if scope == "own" and owner != grants.user_id:
                errors["owner_id"] = _("Your role lets you give records only to yourself.")
            elif scope == "team" and owner not in grants.people:
                errors["owner_id"] = _("Your role lets you give records only to yourself, the people who report "
                                       "to you and the members of your teams.")
        if "team_id" in values and team is not None and team not in grants.teams and "team_id" not in errors:
            errors["team_id"] = _("Your role lets you give records only to teams you belong to.")
        return errors
