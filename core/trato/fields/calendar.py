"""Dates and datetimes (the latter stored in UTC)."""
from __future__ import annotations

from typing import Any

from marshmallow import fields as ma
from sqlalchemy import Date
from sqlalchemy.types import TypeEngine

from . import messages, operators
from .base import FieldType
from .definition import Field
from .schemafields import DateOnly, UTCDateTimeField
from .sqltypes import UTCDateTime


class DateType(FieldType):
    name = "date"
    widget = "date"
    cell = "date"
    operators = operators.ORDERED

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return Date()

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return DateOnly(error_messages=messages.common(messages.NOT_DATE), **kwargs)

    def format(self, field: Field, value: Any) -> str:
        return "" if value is None else value.isoformat()


class DateTimeType(DateType):
    """A moment: written with any offset (naive means UTC), kept and returned in UTC."""

    name = "datetime"
    widget = "datetime"
    cell = "datetime"

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return UTCDateTime()

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return UTCDateTimeField(**kwargs)
