"""Entities: the business record types, built-in (plugins' models) and custom (`x_...` tables)."""
from .entity import Entity
from .errors import EntityError, UnknownEntity, UnknownField
from .record import SYSTEM_FIELDS, EntityInfo, Record, line_columns, record_columns
from .registry import EntityRegistry

__all__ = [
    "SYSTEM_FIELDS",
    "Entity",
    "EntityError",
    "EntityInfo",
    "EntityRegistry",
    "Record",
    "UnknownEntity",
    "UnknownField",
    "line_columns",
    "record_columns",
]
