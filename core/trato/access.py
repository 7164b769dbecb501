"""Record access: the one interface every read and write of records goes through.

The record service calls `check()` before each write and the query builder
calls `scope()` on each select, so a policy is enforced in one place for the
UI, the API, imports and plugins alike. The policy is per app
(`TratoState.access`); the default one below stands until roles replace it:

- `None` as the user means the system (jobs, migrations, demo data): all.
- Administrators may do everything.
- Other signed-in users may view and create records of every entity, and
  edit, delete or restore the records they own.

A replacement implements `AccessPolicy`: `scope` must filter in SQL (a
record outside the scope is then "not found", never "forbidden with data"),
and `check` raises `PermissionRefused` with a message for a person.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app
from sqlalchemy import Select

from .errors import TratoError
from .i18n import _

if TYPE_CHECKING:
    from .entities import Entity

ACTIONS = ("view", "create", "edit", "delete", "restore")


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


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_admin", False))


class DefaultPolicy:
    """Admins everything; others view and create all, change only what they own."""

    def scope(self, query: Select[Any], entity: Entity, user: Any) -> Select[Any]:
        return query

    def check(self, user: Any, entity: Entity, action: str, record: Any = None) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or _is_admin(user):
            return
        if not getattr(user, "is_authenticated", False):
            raise PermissionRefused(_("Sign in first."), action, entity.name)
        if action in ("view", "create"):
            return
        if record is not None and record.get("owner_id") == user.id:
            return
        raise PermissionRefused(_("Only the owner of this record or an administrator may change it."),
                                action, entity.name)


def policy() -> AccessPolicy:
    return current_app.extensions["trato"].access  # type: ignore[no-any-return]


def scope(query: Select[Any], entity: Entity, user: Any) -> Select[Any]:
    """Add the WHERE that keeps `user` to the records of `entity` they may see."""
    return policy().scope(query, entity, user)


def check(user: Any, entity: Entity, action: str, record: Any = None) -> None:
    """Raise PermissionRefused unless `user` may do `action` on `entity` (or on `record`)."""
    policy().check(user, entity, action, record)
