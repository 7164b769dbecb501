"""Record access: the one interface every read and write of records goes through.

The record service calls `check()` before each write and the query builder
calls `scope()` on each select, so one policy is enforced for the UI, the
API, imports and plugins alike. The policy is per app (`TratoState.access`);
the standard one is `trato.roles.policy.RolePolicy`, which reads each user's
role, teams and field rules (docs/access.md).

- `None` as the user means the system (jobs, migrations, demo data): all.
- `scope` filters in SQL: a record outside the scope is "not found", never
  "forbidden with data".
- `check` raises `PermissionRefused` with a message for a person.
- `field_rules` names the fields the user may not see (`hidden`) or not
  change (`readonly`); `without_hidden` drops the hidden ones from output.
- `assignment_errors` says which owner or team the user may not give a
  record to.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app
from sqlalchemy import Select

from .errors import TratoError

if TYPE_CHECKING:
    from .entities import Entity

# "restore" is allowed with the delete permission; "import" and "export" are checked by those features.
ACTIONS = ("view", "create", "edit", "delete", "restore", "import", "export")
HIDDEN = "hidden"
READONLY = "readonly"


class PermissionRefused(TratoError):
    """The user may not do this; the message says what, for a person."""

    def __init__(self, message: str, action: str = "", entity: str = "") -> None:
        super().__init__(message)
        self.action = action
        self.entity = entity


class AccessPolicy(Protocol):
    def scope(self, query: Select[Any], entity: Entity, user: Any) -> Select[Any]:
        """`query` (selecting from `entity.table`) limited to the records `user` may see."""

    def check(self, user: Any, entity: Entity, action: str, record: Any = None) -> None:
        """Raise PermissionRefused unless `user` may do `action` (on `record`, when given)."""

    def field_rules(self, user: Any, entity: Entity) -> Mapping[str, str]:
        """`{field: "hidden" | "readonly"}` for `user` on `entity`'s records."""

    def assignment_errors(self, user: Any, entity: Entity, values: Mapping[str, Any]) -> dict[str, str]:
        """For `owner_id`/`team_id` in `values`, a message per value `user` may not give a record."""


def policy() -> AccessPolicy:
    return current_app.extensions["trato"].access  # type: ignore[no-any-return]


def scope(query: Select[Any], entity: Entity, user: Any) -> Select[Any]:
    """Add the WHERE that keeps `user` to the records of `entity` they may see."""
    return policy().scope(query, entity, user)


def _entity(entity: Entity | str) -> Entity:
    """The Entity, also when a plugin names it."""
    return current_app.extensions["trato"].entities.get(entity) if isinstance(entity, str) else entity


def check(user: Any, entity: Entity | str, action: str, record: Any = None) -> None:
    """Raise PermissionRefused unless `user` may do `action` on `entity` (or on `record`)."""
    policy().check(user, _entity(entity), action, record)


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
