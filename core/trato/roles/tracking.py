"""Moves the `roles` counter whenever something a user's grants are made of changes.

Every worker keeps the grants it loaded (`policy.grants_of`) for as long as
this counter stands still, so that a request does not read the role, its
permissions, field rules, teams and the role tree again. For that to be
safe the counter must move with every such change, whoever makes it: an
admin screen, the API, a CLI command, a plugin's setup or a test. So it is
not left to the callers: the ORM's flush and its UPDATE, DELETE and INSERT
statements are watched here, and the counter moves in the same transaction
as the change, so other workers see both at once.
"""
from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from .. import counters
from ..models import User
from .extra_permissions import RoleGrant
from .models import Role, RoleFieldRule, RolePermission, Team, TeamMember

_WHOLLY = (Role, RolePermission, RoleFieldRule, RoleGrant, Team, TeamMember)
_TABLES = frozenset(model.__tablename__ for model in (*_WHOLLY, User))
# What of a user their grants depend on: their role, and whether they are still there to own records.
_USER_ATTRIBUTES = ("role_id", "is_admin", "active")


def _shapes_grants(obj: Any) -> bool:
    if isinstance(obj, _WHOLLY):
        return True
    if not isinstance(obj, User):
        return False
    state = inspect(obj)
    if state.pending or state.deleted or not state.persistent:
        return True  # a new user may report to someone, a removed one owned records
    return any(state.attrs[name].history.has_changes() for name in _USER_ATTRIBUTES)


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    if any(_shapes_grants(obj) for obj in chain(session.new, session.dirty, session.deleted)):
        counters.bump_on(session.connection(), counters.ROLES)


def _on_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _TABLES:
        counters.bump_on(state.session.connection(), counters.ROLES)


def install() -> None:
    """Watch every session (idempotent: SQLAlchemy ignores a listener added twice)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_statement)
