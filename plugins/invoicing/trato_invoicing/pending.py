"""Values of system-set fields that the plugin's own code gives a save (an invoice's number and status at
issue, say). The record service refuses such fields in its input (people and API clients may not type them),
so the code names them here for the record it is about to save, and the `before_save` hook writes them in.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator, Mapping

from trato import RecordData

_PENDING: ContextVar[Mapping[tuple[str, int | None], Mapping[str, Any]] | None] = ContextVar(
    "invoicing_pending", default=None)


@contextmanager
def giving(entity: str, record_id: int | None, values: Mapping[str, Any]) -> Iterator[None]:
    """While inside, a save of that record (`record_id` None: a record being created) gets `values`."""
    token = _PENDING.set({**(_PENDING.get() or {}), (entity, record_id): dict(values)})
    try:
        yield
    finally:
        _PENDING.reset(token)


def fill(entity: str, values: dict[str, Any], previous: RecordData | None) -> None:
    """In `before_save`: write in what the code gives this save, if anything."""
    given = _PENDING.get() or {}
    values.update(given.get((entity, previous.id if previous is not None else None), {}))
