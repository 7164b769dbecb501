"""Column types that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from .money import PRECISION, round_half_up


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal with a fixed number of decimals that keeps every digit.

    PostgreSQL stores NUMERIC(18, scale). SQLite's NUMERIC goes through a
    float, so there the value is a 64-bit integer count of 10**-scale units
    (cents, for scale 2): exact, ordered as numbers (text would sort "10"
    before "9"), and summed exactly by SQL. Values are rounded half up to the
    scale on the way in; a float is refused.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(PRECISION, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, float) or not isinstance(value, (int, Decimal)):
            raise TypeError(f"an exact decimal takes an int or a Decimal, not {type(value).__name__}")
        exact = round_half_up(Decimal(value), self.scale)
        return int(exact.scaleb(self.scale)) if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return round_half_up(value if isinstance(value, Decimal) else Decimal(value), self.scale)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time, stored in UTC and always read back as an aware UTC datetime.

    SQLite keeps no offset, so the value is turned to UTC before it is
    written; a naive datetime is refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"a stored datetime must be timezone-aware, got {value!r}")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def json_value() -> TypeEngine[Any]:
    """A JSON column (JSONB on PostgreSQL, so that containment is indexable); None is SQL NULL."""
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
