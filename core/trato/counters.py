"""Shared counters that tell every worker process that something changed."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Counter

PLUGINS = "plugins"
SCHEMA = "schema"


def read_all(session: Session) -> dict[str, int]:
    """One indexed read of every counter (run once per request)."""
    return {name: value for name, value in session.execute(select(Counter.name, Counter.value))}


def bump(session: Session, name: str) -> int:
    """Move counter `name` on, inside the caller's transaction."""
    result = session.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(Counter(name=name, value=1))
        session.flush()
    return session.scalar(select(Counter.value).where(Counter.name == name)) or 0
