"""Record access: the one interface every read and write of records goes through.

The record service calls `check()` before each write and the query builder
calls `scope()` on each select, so one policy is enforced for the UI, the
API, imports and plugins alike. The policy is per app (`TratoState.access`);
the standard one is `trato.roles.policy.RolePolicy`, which reads each user's
role, teams and field rules (docs/access.md).

- `None` as the user means the system (jobs, migrations, demo data): all.
- `scope` filters in SQL: a record outside the scope is "not found", never
  "forbidden with data". With an action (edit, delete, restore) it keeps
  the records the user may do that to, which may be fewer than those they
  see; `condition` is that filter alone, for a select that wants to know
  per row (the record service refuses a record seen but not changeable
  with `outside_scope`'s 403, not a 404).
- `check` raises `PermissionRefused` with a message for a person.
- `field_rules` names the fields the user may not see (`hidden`) or not
  change (`readonly`); `without_hidden` drops the hidden ones from output.
- `assignment_errors` says which owner or team the user may not give a
  record to.
- `granted` says whether the user holds a permission beyond entity CRUD
  (a `Permission` the core or a plugin's `permissions` hook declares).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app
from sqlalchemy import ColumnElement, Select

from . import blocking
from .errors import TratoError
from .i18n import _, _l

if TYPE_CHECKING:
    from .entities import Entity

# "restore" is allowed with the delete permission; "import" and "export" are checked by those features.
ACTIONS = ("view", "create", "edit", "delete", "restore", "import", "export")
# The actions that change a record: refused on a blocked one.
CHANGES = frozenset({"edit", "delete", "restore"})
HIDDEN = "hidden"
READONLY = "readonly"


class PermissionRefused(TratoError):
    """The user may not do this; the message says what, for a person. `ids` names the records refused, when the
    refusal is about records the user sees but may not change."""

    def __init__(self, message: str, action: str = "", entity: str = "", ids: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.action = action
        self.entity = entity
        self.ids = list(ids)


@dataclass(frozen=True)
class Permission:
    """A permission beyond entity CRUD that a role holds or not, such as seeing blocked personal data.

    `name` is a slug, unique across the core and plugins (prefix a plugin's
    with its name); `label` and `description` are shown on the role's page.
    """

    name: str
    label: Any
    description: Any = ""


class AccessPolicy(Protocol):
    def scope(self, query: Select[Any], entity: Entity, user: Any, action: str = "view") -> Select[Any]:
        """`query` (selecting from `entity.table`) limited to the records `user` may see (or `action`)."""

    def condition(self, entity: Entity, user: Any, action: str = "view") -> ColumnElement[bool] | None:
        """The WHERE condition of `scope` on `entity.table`: None when it keeps every record."""

    def permitted(self, user: Any, entity: Entity, action: str, records: Sequence[Mapping[str, Any]]
                  ) -> frozenset[int]:
        """The ids of `records` (values read through the scope) on which `user` may do `action`."""

    def check(self, user: Any, entity: Entity, action: str, record: Any = None) -> None:
        """Raise PermissionRefused unless `user` may do `action` (on `record`, when given)."""

    def field_rules(self, user: Any, entity: Entity) -> Mapping[str, str]:
        """`{field: "hidden" | "readonly"}` for `user` on `entity`'s records."""

    def assignment_errors(self, user: Any, entity: Entity, values: Mapping[str, Any]) -> dict[str, str]:
        """For `owner_id`/`team_id` in `values`, a message per value `user` may not give a record."""

    def granted(self, user: Any, permission: str) -> bool:
        """Whether `user` holds the permission named `permission` (a `Permission`'s name)."""


def policy() -> AccessPolicy:
    return current_app.extensions["trato"].access  # type: ignore[no-any-return]


def scope(query: Select[Any], entity: Entity, user: Any, action: str = "view") -> Select[Any]:
    """Add the WHERE that keeps `user` to the records of `entity` they may see (blocked ones only with
    the `view_blocked` permission). A line's are its parent's (records/line_access.py)."""
    if entity.parent:
        from .records import line_access

        return query.where(line_access.condition(entity, user, action))
    scoped = policy().scope(query, entity, user, action)
    if user is None or entity.name not in blocking.entities_with_blocks() or granted(user, blocking.VIEW_BLOCKED):
        return scoped
    return blocking.hide(scoped, entity)


def condition(entity: Entity, user: Any, action: str) -> ColumnElement[bool] | None:
    """Whether a row of `entity.table` is among the records `user` may `action` (None: every one is)."""
    if entity.parent:
        from .records import line_access

        return line_access.condition(entity, user, action)
    return policy().condition(entity, user, action)


def permitted(user: Any, entity: Entity | str, action: str, records: Sequence[Mapping[str, Any]]
              ) -> frozenset[int]:
    """The ids of `records` on which `user` may do `action`: which rows of a page get their edit buttons, which
    kanban cards may be dragged. Blocked records refuse every change (as `check` does)."""
    e = _entity(entity)
    if e.parent:
        from .records import line_access

        return line_access.permitted(e, action, records)
    ids = policy().permitted(user, e, action, records)
    if action in CHANGES and user is not None and ids:
        ids -= blocking.blocked_among(e.name, ids)
    return ids


# What a user may see but not do, by action: "Your role lets you see but not change: “Acme”, “Beta”."
_OUTSIDE = {"edit": _l("Your role lets you see but not change: %(names)s."),
            "delete": _l("Your role lets you see but not delete: %(names)s."),
            "restore": _l("Your role lets you see but not restore: %(names)s.")}
_NAMED = 5  # records named in the message; the others are counted


def outside_scope(user: Any, entity: Entity, action: str, records: Sequence[Mapping[str, Any]]
                  ) -> PermissionRefused:
    """The refusal (403) of `action` on `records` that `user` sees but whose scope for `action` leaves out."""
    names = ", ".join(f"“{entity.title_of(without_hidden(user, entity, r))}”" for r in records[:_NAMED])
    if len(records) > _NAMED:
        names = _("%(names)s and %(num)d more", names=names, num=len(records) - _NAMED)
    template = _OUTSIDE.get(action, _OUTSIDE["edit"])
    return PermissionRefused(str(template) % {"names": names}, action, entity.name, [r["id"] for r in records])


def _entity(entity: Entity | str) -> Entity:
    """The Entity, also when a plugin names it."""
    return current_app.extensions["trato"].entities.get(entity) if isinstance(entity, str) else entity


def check(user: Any, entity: Entity | str, action: str, record: Any = None) -> None:
    """Raise PermissionRefused unless `user` may do `action` on `entity` (or on `record`).

    A blocked record refuses every change, whoever asks (the system aside).
    """
    e = _entity(entity)
    if e.parent:
        from .records import line_access

        return line_access.check(user, e, action)
    policy().check(user, e, action, record)
    if action in CHANGES and record is not None:
        check_not_blocked(user, e, record, action)


def check_not_blocked(user: Any, entity: Entity | str, record: Any, action: str = "edit") -> None:
    """Raise PermissionRefused if `record` is blocked (for anyone but the system): what hangs on it (notes,
    activities, files, tags) is not changed either."""
    e = _entity(entity)
    if user is not None and record.get("id") is not None and blocking.is_blocked(e.name, record["id"]):
        raise PermissionRefused(_("This record is blocked: it is kept, and may be seen by those allowed to, "
                                  "but nobody may change it until it is unblocked."), action, e.name)


def allowed(user: Any, entity: Entity | str, action: str, record: Any = None) -> bool:
    """`check` as a yes or no, for pages deciding which buttons to show."""
    try:
        check(user, entity, action, record)
    except PermissionRefused:
        return False
    return True


def field_rules(user: Any, entity: Entity | str) -> Mapping[str, str]:
    """The fields of `entity` (or the entity of that name) that `user` may not see (`hidden`) or not change
    (`readonly`)."""
    return policy().field_rules(user, _entity(entity))


def hidden_fields(user: Any, entity: Entity | str) -> frozenset[str]:
    return frozenset(name for name, rule in field_rules(user, entity).items() if rule == HIDDEN)


def without_hidden(user: Any, entity: Entity | str, data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` (a record's values by field name) less the fields hidden from `user`: every output goes through it."""
    hidden = hidden_fields(user, entity)
    return {name: value for name, value in data.items() if name not in hidden}


def assignment_errors(user: Any, entity: Entity | str, values: Mapping[str, Any]) -> dict[str, str]:
    """A message per `owner_id`/`team_id` in `values` that `user` may not give a record of `entity`."""
    return policy().assignment_errors(user, _entity(entity), values)


def granted(user: Any, permission: str) -> bool:
    """Whether `user` holds `permission` (a `Permission`'s name); the system (`None`) holds every one."""
    return user is None or policy().granted(user, permission)


def require(user: Any, permission: str) -> None:
    """Refuse (`PermissionRefused`, a 403 page or problem) unless `user` holds `permission`."""
    if not granted(user, permission):
        raise PermissionRefused(_("Your role does not have the permission this needs (%(name)s).", name=permission),
                                action=permission)
