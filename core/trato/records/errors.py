"""What the record service and the query builder refuse, each with a message for a person."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import TratoError
from ..i18n import _


class RecordError(TratoError):
    """Base of the record service's refusals."""


class ValidationFailed(RecordError):
    """Input did not validate. `errors` maps field names to messages (under the
    row index or record id first, for bulk calls); nothing was written."""

    def __init__(self, errors: dict[Any, Any]) -> None:
        super().__init__(_("Some values are not valid: %(fields)s.", fields=", ".join(map(str, errors))))
        self.errors = errors


class StaleRecord(RecordError):
    """Someone saved the record since the caller read it; nothing was overwritten."""

    def __init__(self, entity: str, record_id: int, current: int | None) -> None:
        super().__init__(_("This record was changed by someone else (now at version %(version)s); "
                           "reload it and try again.", version=current))
        self.entity = entity
        self.id = record_id
        self.current_version = current


class RecordNotFound(RecordError):
    """No such record, or none the user may see (the two are not told apart)."""

    def __init__(self, entity: str, ids: Iterable[int]) -> None:
        self.ids = sorted(ids)
        super().__init__(_("No %(entity)s record with id %(ids)s.", entity=entity,
                           ids=", ".join(map(str, self.ids))))
        self.entity = entity


class SaveRefused(RecordError):
    """A plugin's `before_save` (or `before_delete`) hook refused the save, with this message."""


class RecordLocked(SaveRefused):
    """The record is locked (an issued invoice, a signed contract): it refuses this change, delete or purge.

    A `SaveRefused`, so that every page that shows a refused save shows it;
    the API answers 409. `reason` is why it is locked; nothing was written.
    """

    def __init__(self, message: str, entity: str, record_id: int, reason: str) -> None:
        super().__init__(message)
        self.entity = entity
        self.id = record_id
        self.reason = reason


class QueryError(RecordError):
    """A filter, sort, search or cursor cannot be used; `field` names the culprit, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RestoreBlocked(RecordError):
    """A record cannot leave the recycle bin while a record it points to is still there.

    `field` names the relation field; `target` and `target_id` the record to
    restore first. Nothing was restored.
    """

    def __init__(self, entity: str, record_id: int, field: str, target: str, target_id: int, message: str) -> None:
        super().__init__(message)
        self.entity = entity
        self.id = record_id
        self.field = field
        self.target = target
        self.target_id = target_id
