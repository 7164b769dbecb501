"""The values of one record as the record service hands them out."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..entities import Entity


class RecordData(dict[str, Any]):
    """Field values by name (money as `Money`, multi-selects as lists), and the entity's name."""

    __slots__ = ("entity",)

    def __init__(self, entity: str, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.entity = entity

    @classmethod
    def of(cls, entity: Entity, row: Mapping[str, Any]) -> RecordData:
        return cls(entity.name, entity.values(row))

    @property
    def id(self) -> int:
        return int(self["id"])

    @property
    def version(self) -> int:
        return int(self["version"])


@dataclass(frozen=True)
class Change:
    """One record's update in a bulk call: its id, the new values, and the version read (None: don't check)."""

    id: int
    values: Mapping[str, Any] = field(default_factory=dict)
    version: int | None = None
