"""The schema service: custom fields and custom entities as real columns and tables.

Every change runs its DDL, writes its metadata rows and bumps the `schema`
counter in one transaction, then this process rebuilds the entity; other
processes do on their next request. Only administrators (or the system,
`user=None`) may change the schema.
"""
from .entities import change_entity, create_entity, delete_entity
from .errors import SchemaError
from .field_changes import change_field, change_field_type, reorder_fields
from .fields import add_field, count_values, delete_field
from .inputs import EntitySpec, FieldSpec

__all__ = [
    "EntitySpec",
    "FieldSpec",
    "SchemaError",
    "add_field",
    "change_entity",
    "change_field",
    "change_field_type",
    "count_values",
    "create_entity",
    "delete_entity",
    "delete_field",
    "reorder_fields",
]
