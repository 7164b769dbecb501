"""The metadata tables behind custom fields and custom entities.

`core_entity` has a row per custom entity (`x_...`) and per built-in entity
that has custom fields; its `revision` is the `schema` counter value of the
entity's last change, which is how a worker finds the entities it must
rebuild. `core_field` has a row per custom field.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..fields.sqltypes import UTCDateTime
from ..models import utcnow

CUSTOM = "custom"
BUILTIN = "builtin"


class EntityRow(Base):
    __tablename__ = "core_entity"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # custom | builtin
    label: Mapped[Any] = mapped_column(JSON, nullable=True)  # {"en": ..., "es": ...}
    plural: Mapped[Any] = mapped_column(JSON, nullable=True)
    title_field: Mapped[str | None] = mapped_column(String(64))
    title_pattern: Mapped[str | None] = mapped_column(String(200))  # "{plate} {model}": how records are named
    # A custom entity whose records are lines of another entity: that entity's name (docs/lines.md).
    parent: Mapped[str | None] = mapped_column(String(64))
    search_fields: Mapped[Any] = mapped_column(JSON, default=list)
    list_columns: Mapped[Any] = mapped_column(JSON, default=list)
    # "Locked when Status is Signed": {"field": "status", "values": ["signed"]} (entities/lock_rules.py)
    lock_rule: Mapped[Any] = mapped_column(JSON, nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FieldRow(Base):
    __tablename__ = "core_field"
    __table_args__ = (UniqueConstraint("entity", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), ForeignKey("core_entity.name", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))  # the column's name: cf_... on a built-in entity
    type: Mapped[str] = mapped_column(String(64))
    label: Mapped[Any] = mapped_column(JSON)
    help: Mapped[Any] = mapped_column(JSON, nullable=True)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    unique: Mapped[bool] = mapped_column(Boolean, default=False)
    filterable: Mapped[bool] = mapped_column(Boolean, default=False)
    default: Mapped[Any] = mapped_column(JSON, nullable=True)
    options: Mapped[Any] = mapped_column(JSON, default=list)  # [{"value": ..., "label": {...}}]
    settings: Mapped[Any] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    section: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
