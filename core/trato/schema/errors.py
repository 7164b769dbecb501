"""What the schema service refuses."""
from __future__ import annotations

from ..errors import TratoError


class SchemaError(TratoError):
    """A schema change was refused or failed; nothing was changed. `field` names the bad input, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SchemaBusy(SchemaError):
    """Other schema changes held the schema lock too long; nothing was changed, and the same request may be retried."""
