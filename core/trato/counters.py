"""Shared counters that tell every worker process that something changed."""
from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from .models import Counter

PLUGINS = "plugins"
SCHEMA = "schema"
# Moves with every change to roles, permissions, field rules, teams or who holds which role (trato.roles.tracking).
ROLES = "roles"
# 1 while `trato upgrade` runs (upgrade.maintenance): every node answers with a maintenance page meanwhile.
MAINTENANCE = "maintenance"


_ALL = select(Counter.name, Counter.value)


def read_all(session: Session) -> dict[str, int]:
    """One indexed read of every counter (run once per request)."""
    return {name: value for name, value in session.execute(_ALL)}


def bump_on(connection: Connection, name: str) -> None:
    """Move counter `name` on through `connection` (usable while a session flushes), creating it at 1."""
    result = connection.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
    if result.rowcount == 0:
        connection.execute(insert(Counter).values(name=name, value=1))


def set_flag(connection: Connection, name: str, on: bool) -> None:
    """Counter `name` as a flag: 1 when on; when off the row is gone, leaving the table as it was before."""
    if not on:
        connection.execute(delete(Counter).where(Counter.name == name))
    elif connection.execute(update(Counter).where(Counter.name == name).values(value=1)).rowcount == 0:
        connection.execute(insert(Counter).values(name=name, value=1))


def bump(session: Session, name: str) -> int:
    """Move counter `name` on, inside the caller's transaction, and return its new value."""
    bump_on(session.connection(), name)
    return session.scalar(select(Counter.value).where(Counter.name == name)) or 0
