"""Errors about entities and their fields."""
from __future__ import annotations

from ..errors import TratoError


class EntityError(TratoError):
    """A plugin's model or a stored definition does not describe a usable entity."""


class UnknownEntity(TratoError):
    """No enabled entity has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown entity {name!r}")
        self.entity = name


class UnknownField(TratoError):
    """The entity has no field of this name."""

    def __init__(self, entity: str, name: str) -> None:
        super().__init__(f"{entity} has no field {name!r}")
        self.entity = entity
        self.field = name
