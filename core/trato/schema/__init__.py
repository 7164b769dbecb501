"""The schema service: custom fields and custom entities as real columns and tables.

Every change takes the schema lock (lock.py: one change at a time across
processes), runs its DDL, writes its metadata rows and bumps the `schema`
counter in one transaction, then this process rebuilds the entity; other
processes do on their next request. Only administrators (or the system,
`user=None`) may change the schema.
"""
from .entities import change_entity, count_records, create_entity, delete_entity
from .errors import SchemaBusy, SchemaError
from .field_changes import change_field, reorder_fields
from .fields import add_field, count_values, delete_field
from .inputs import EntitySpec, FieldSpec
from .type_changes import TypeChange, TypePreview, change_field_type, preview_type_change

__all__ = [
    "EntitySpec",
    "FieldSpec",
    "SchemaBusy",
    "SchemaError",
    "TypeChange",
    "TypePreview",
    "add_field",
    "change_entity",
    "change_field",
    "change_field_type",
    "count_records",
    "count_values",
    "create_entity",
    "delete_entity",
    "delete_field",
    "preview_type_change",
    "reorder_fields",
]
