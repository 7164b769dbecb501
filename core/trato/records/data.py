"""The values of one record as the record service hands them out."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from ..entities import Entity

T = TypeVar("T")


def per_entity(build: Callable[[Entity], T]) -> Callable[[Entity], T]:
    """`build(entity)` made once per Entity object and kept while it lives.

    An entity's fields never change in place (a change builds a new Entity),
    so what is derived from them can be worked out once instead of per row.
    """
    made: WeakKeyDictionary[Entity, T] = WeakKeyDictionary()

    def get(entity: Entity) -> T:
        try:
            return made[entity]
        except KeyError:
            made[entity] = result = build(entity)
            return result

    return get


class RecordData(dict[str, Any]):
    """Field values by name (money as `Money`, multi-selects as lists), and the entity's name."""

    __slots__ = ("entity",)

    def __init__(self, entity: str, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.entity = entity

    @classmethod
    def of(cls, entity: Entity, row: Mapping[str, Any]) -> RecordData:
        return cls(entity.name, entity.values(row))

    @classmethod
    def of_rows(cls, entity: Entity, rows: Iterable[Mapping[str, Any]]) -> list[RecordData]:
        """The records in rows of the entity's table."""
        return [cls(entity.name, entity.values(row)) for row in rows]

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
